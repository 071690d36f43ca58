"""/api/v1/absence_proposals: deputies whose mandate ends by law after two sessions missed without approved leave
(meetings/absences.py), for staff of the congress's region; confirming one terminates the mandate, and a leave
approved on paper for a missed session can be recorded first (the absence then no longer counts)."""

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from renda.api.schemas import ERRORS, Error
from renda.core.access import endpoint
from renda.core.roles import Role
from renda.core.scope import get_or_404
from renda.meetings import absences, selectors, services
from renda.meetings.models import Session

router = Router(tags=["meetings"])
STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)


class MissedSessionOut(Schema):
    id: int
    number: int
    title: str
    starts_on: date


class ProposalOut(Schema):
    mandate: int
    deputy: int
    name: str
    congress: int
    sessions: list[MissedSessionOut]
    reason: str
    version: int


def proposal_out(p: absences.Proposal) -> ProposalOut:
    return ProposalOut(mandate=p.mandate.pk, deputy=p.person.pk, name=p.person.name, congress=p.mandate.congress_id,
                       reason=p.reason, version=p.mandate.version,
                       sessions=[MissedSessionOut(id=s.pk, number=s.number, title=s.title, starts_on=s.starts_on)
                                 for s in p.sessions])


@router.get("/absence_proposals", response={200: list[ProposalOut], **ERRORS})
@endpoint(*STAFF)
def absence_proposals(request: HttpRequest) -> list[ProposalOut]:
    """Active deputies of the caller's congresses with two sessions of the term missed without approved leave."""
    return [proposal_out(p) for p in absences.termination_proposals(user=request.user)]


class ConfirmIn(Schema):
    status_date: date | None = None
    version: int | None = None


class MandateOut(Schema):
    mandate: int
    deputy: int
    status: str
    status_date: date | None
    status_reason: str
    version: int


@router.post("/absence_proposals/{mandate_id}/confirm", response={200: MandateOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def absence_termination_confirm(request: HttpRequest, mandate_id: int, payload: ConfirmIn | None = None
                                ) -> MandateOut:
    """Terminate the mandate (终止) for the two unexcused absences, dated `status_date` (default today)."""
    mandate = selectors.access_mandate(user=request.user, mandate_id=mandate_id)
    m = services.absence_termination_confirm(actor=request.user, mandate=mandate,
                                             on=payload.status_date if payload else None,
                                             version=payload.version if payload else None)
    return MandateOut(mandate=m.pk, deputy=m.person_id, status=m.status, status_date=m.status_date,
                      status_reason=m.status_reason, version=m.version)


class ExcuseIn(Schema):
    session: int
    approved_by: str
    approved_on: date
    reason: str


class ExcuseOut(Schema):
    id: int
    session: int
    deputy: int
    approved_by: str
    approved_on: date
    reason: str


@router.post("/absence_proposals/{mandate_id}/excuses", response={200: ExcuseOut, **ERRORS})
@endpoint(*STAFF)
def absence_excuse_record(request: HttpRequest, mandate_id: int, payload: ExcuseIn) -> ExcuseOut:
    """Record a leave approved outside the platform (approved no later than the session's last day) for a session
    the deputy missed; the absence then no longer counts towards ending the mandate."""
    mandate = selectors.access_mandate(user=request.user, mandate_id=mandate_id)
    session = get_or_404(Session.objects.filter(term_id=mandate.term_id), pk=payload.session)
    e = services.absence_excuse_record(actor=request.user, mandate=mandate, session=session,
                                       approved_by=payload.approved_by, approved_on=payload.approved_on,
                                       reason=payload.reason)
    return ExcuseOut(id=e.pk, session=e.session_id, deputy=e.person_id, approved_by=e.approved_by,
                     approved_on=e.approved_on, reason=e.reason)
