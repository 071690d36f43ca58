"""The clerk confirms that a deputy's mandate ends for two unexcused absences (meetings/absences.py): the rule is
checked again from the records, and the mandate is terminated by the deputies app's status service (which checks
the mandate's state table, dates it, takes the deputy out of their groups and audits `mandate.terminate`).

Or the clerk corrects the records first: a leave approved on paper for a session the deputy missed is recorded
(absence_excuse_record), and the absence no longer counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from renda.core import audit
from renda.core.errors import Invalid
from renda.deputies.models import Mandate, MandateStatus
from renda.deputies.services import mandate_change_status
from renda.meetings import absences
from renda.meetings.models import ExcusedAbsence, Session


@transaction.atomic
def absence_termination_confirm(*, actor: Any, mandate: Mandate, on: date | None = None,
                                version: int | None = None) -> Mandate:
    mandate = Mandate.objects.select_for_update().select_related("person", "term").get(pk=mandate.pk)
    proposal = absences.proposal_for(mandate)
    if proposal is None:
        raise Invalid(f"{mandate.person.name}没有两次未经批准不出席本级人民代表大会会议的记录，不能据此终止代表资格",
                      code="absences_not_enough")
    mandate = mandate_change_status(actor=actor, mandate=mandate, status=MandateStatus.TERMINATED,
                                    date=on or timezone.localdate(), reason=proposal.reason, version=version)
    audit.record(actor=actor, action="mandate.absence_termination", obj=mandate,
                 object_repr=f"{mandate.person.name} · {mandate.congress}",
                 after={"person": mandate.person_id, "law": absences.LAW,
                        "sessions": [s.pk for s in proposal.sessions], "status_date": mandate.status_date})
    return mandate


@transaction.atomic
def absence_excuse_record(*, actor: Any, mandate: Mandate, session: Session, approved_by: str, approved_on: date,
                          reason: str) -> ExcusedAbsence:
    """Record a leave that was approved outside the platform for a session the deputy missed: who approved it, when,
    on what grounds. The approval must date from before the session ended (a leave is asked for and granted
    beforehand; an absence is not excused afterwards). Once per deputy and session; audited `absence.excuse`."""
    mandate = Mandate.objects.select_for_update().select_related("person", "term").get(pk=mandate.pk)
    approved_by, reason = approved_by.strip(), reason.strip()
    if not approved_by or not reason:
        raise Invalid("请填写批准机关（或批准人）和请假事由及凭据",
                      fields={k: ["必填"] for k, v in (("approved_by", approved_by), ("reason", reason)) if not v})
    missed = absences.missed_sessions(term=mandate.term, person_ids=[mandate.person_id]).get(mandate.person_id, [])
    if session.pk not in {s.pk for s in missed}:
        raise Invalid(f"{mandate.person.name}没有未经批准不出席“{session.title}”的记录，无需补录请假",
                      code="absence_not_found", fields={"session": ["不是该代表未出席的会议"]})
    if approved_on > session.ends_on:
        raise Invalid(f"批准日期 {approved_on:%Y-%m-%d} 晚于会议闭幕（{session.ends_on:%Y-%m-%d}）："
                      "请假须在会前或会期内获准，事后不能补批", code="leave_approved_too_late",
                      fields={"approved_on": ["晚于会议闭幕"]})
    excuse = ExcusedAbsence.objects.create(session=session, person=mandate.person, approved_by=approved_by,
                                           approved_on=approved_on, reason=reason,
                                           recorded_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor=actor, action="absence.excuse", obj=excuse,
                 object_repr=f"{mandate.person.name} · {session.title}",
                 before={"session": session.pk, "person": mandate.person_id, "status": "未经批准缺席"},
                 after={"session": session.pk, "person": mandate.person_id, "status": "请假获准（补录）",
                        "approved_by": approved_by, "approved_on": approved_on, "reason": reason})
    return excuse
