"""/api/v1/sessions, /meetings, /votes, /elections (API.md "meetings" and "votes").

Scope: staff reach the meetings of congresses in their region; deputies those of congresses where they hold an
active mandate (and a body's meetings only as its members); anything else is 404. Running a meeting (start,
close, votes, agenda) is for staff and for the meeting's chair; others who can see it get 403.
"""

from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from renda.api.schemas import ERRORS, Error, Page, PageParams, paginate
from renda.core.access import endpoint
from renda.core.errors import DomainError, Forbidden, Invalid, NotFound
from renda.core.roles import Role
from renda.deputies.models import Person
from renda.meetings import selectors, services
from renda.meetings.api_absences import router as absences_router
from renda.meetings.api_materials import router as materials_router
from renda.meetings.models import (
    AgendaItem,
    Candidate,
    Election,
    LeaveRequest,
    Meeting,
    Session,
    SignInMethod,
    Vote,
    VoteKind,
    VoteMode,
    VoteStatus,
)
from renda.meetings.results import result_view
from renda.organizations import selectors as org_selectors
from renda.organizations.models import Body

router = Router(tags=["meetings"])
router.add_router("", materials_router)  # documents and notices
router.add_router("", absences_router)  # two unexcused absences end a mandate
STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
PEOPLE = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.DEPUTY)


def _staff_only(user: Any) -> None:
    if not selectors.is_staff(user):
        raise Forbidden()


# --- sessions -----------------------------------------------------------------------------------------------

class SessionIn(Schema):
    congress: int
    number: int = Field(..., ge=1, le=99)
    title: str = Field(..., min_length=1, max_length=200)
    starts_on: date
    ends_on: date
    kind: str = "regular"
    convened_by: str = Field("", description="临时会议的召集依据：presidium（乡镇主席团决定）、standing_committee"
                                              "（县常委会决定）或 deputies（五分之一以上代表提议）")
    basis: str = Field("", max_length=200, description="决定的文号、日期或提议书名称；由决定召集时必填")
    requesters: list[int] = Field(default_factory=list, description="提议代表（deputies.Person 的 id）")


class SessionOut(Schema):
    id: int
    congress: int
    term: int
    number: int
    kind: str
    title: str
    starts_on: date
    ends_on: date
    days: int
    convened_by: str
    basis: str
    requesters: list[int]


def session_out(s: Session) -> SessionOut:
    return SessionOut(id=s.pk, congress=s.congress_id, term=s.term.number, number=s.number, kind=s.kind,
                      title=s.title, starts_on=s.starts_on, ends_on=s.ends_on, days=s.days,
                      convened_by=s.convened_by, basis=s.basis,
                      requesters=sorted(p.pk for p in s.requesters.all()))


@router.get("/sessions", response={200: Page[SessionOut], **ERRORS})
@endpoint(*STAFF)
def session_list(request: HttpRequest, params: Query[PageParams], congress: int | None = None,
                 year: int | None = None) -> dict[str, object]:
    qs = Session.objects.select_related("term").prefetch_related("requesters").filter(
        congress__in=org_selectors.congresses_visible(user=request.user))
    if congress is not None:
        qs = qs.filter(congress_id=congress)
    if year is not None:
        qs = qs.filter(starts_on__year=year)
    items, count = paginate(qs.order_by("-starts_on", "-id"), params)
    return {"items": [session_out(s) for s in items], "count": count}


@router.post("/sessions", response={200: SessionOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def session_create(request: HttpRequest, payload: SessionIn) -> SessionOut:
    congress = org_selectors.access_congress_by_id(user=request.user, congress_id=payload.congress)
    return session_out(services.session_create(
        actor=request.user, congress=congress, number=payload.number, title=payload.title,
        starts_on=payload.starts_on, ends_on=payload.ends_on, kind=payload.kind, convened_by=payload.convened_by,
        basis=payload.basis, requesters=payload.requesters))


# --- meetings -----------------------------------------------------------------------------------------------

class MeetingIn(Schema):
    congress: int
    kind: str
    title: str = Field(..., min_length=1, max_length=200)
    starts_at: datetime
    place: str = Field("", max_length=200)
    session: int | None = None
    body: int | None = None
    chair: int | None = None


class AgendaItemOut(Schema):
    id: int
    order: int
    kind: str
    title: str
    status: str


class MeetingOut(Schema):
    id: int
    congress: int
    session: int | None
    body: int | None
    kind: str
    title: str
    place: str
    starts_at: datetime
    status: str
    present: int
    members: int
    quorum: int
    chair: int | None
    version: int
    agenda: list[AgendaItemOut]


def _with_present(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.annotate(present_n=Count("attendances", filter=Q(attendances__status="present")))


def meeting_out(m: Meeting) -> MeetingOut:
    from renda.meetings import law

    n = selectors.members(m).count() if m.members_at_start is None else m.members_at_start
    present = getattr(m, "present_n", None)
    return MeetingOut(
        id=m.pk, congress=m.congress_id, session=m.session_id, body=m.body_id, kind=m.kind, title=m.title,
        place=m.place, starts_at=m.starts_at, status=m.status, chair=m.chair_id, version=m.version,
        present=selectors.present_count(m) if present is None else present, members=n, quorum=law.quorum(n),
        agenda=[AgendaItemOut(id=i.pk, order=i.order, kind=i.kind, title=i.title, status=i.status)
                for i in m.agenda_items.all()])


@router.get("/meetings", response={200: Page[MeetingOut], **ERRORS})
@endpoint(*PEOPLE)
def meeting_list(request: HttpRequest, params: Query[PageParams], congress: int | None = None,
                 kind: str | None = None, status: str | None = None, session: int | None = None) -> dict[str, object]:
    qs = selectors.meetings_visible(user=request.user)
    for name, value in (("congress_id", congress), ("kind", kind), ("status", status), ("session_id", session)):
        if value is not None:
            qs = qs.filter(**{name: value})
    items, count = paginate(_with_present(qs).prefetch_related("agenda_items").order_by("-starts_at", "-id"),
                            params)
    return {"items": [meeting_out(m) for m in items], "count": count}


@router.post("/meetings", response={200: MeetingOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def meeting_create(request: HttpRequest, payload: MeetingIn) -> MeetingOut:
    user: Any = request.user
    congress = org_selectors.access_congress_by_id(user=user, congress_id=payload.congress)
    session = body = chair = None
    if payload.session is not None:
        session = Session.objects.filter(pk=payload.session, congress=congress).first()
        if session is None:
            raise Invalid("所属会议不存在", fields={"session": ["所属会议不存在"]})
    if payload.body is not None:
        body = Body.objects.filter(pk=payload.body, region_id=congress.region_id).first()
        if body is None:
            raise Invalid("机构不存在", fields={"body": ["机构不存在"]})
    if payload.chair is not None:
        chair = Person.objects.filter(pk=payload.chair, mandates__congress=congress).distinct().first()
        if chair is None:
            raise Invalid("主持人须为本级人大代表", fields={"chair": ["主持人须为本级人大代表"]})
    meeting = services.meeting_create(actor=user, congress=congress, kind=payload.kind, title=payload.title,
                                      starts_at=payload.starts_at, place=payload.place, session=session,
                                      body=body, chair=chair)
    return meeting_out(meeting)


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS})
@endpoint(*PEOPLE)
def meeting_detail(request: HttpRequest, meeting_id: int) -> MeetingOut:
    return meeting_out(selectors.access_meeting_by_id(user=request.user, meeting_id=meeting_id))


class VersionIn(Schema):
    version: int | None = None


def _meeting_action(request: HttpRequest, meeting_id: int, payload: VersionIn | None, action: Any) -> MeetingOut:
    meeting = selectors.access_meeting_to_run(user=request.user, meeting_id=meeting_id)
    action(actor=request.user, meeting=meeting, version=payload.version if payload else None)
    return meeting_out(selectors.access_meeting_by_id(user=request.user, meeting_id=meeting_id))


@router.post("/meetings/{meeting_id}/start", response={200: MeetingOut, **ERRORS, 409: Error})
@endpoint(*PEOPLE)
def meeting_start(request: HttpRequest, meeting_id: int, payload: VersionIn | None = None) -> MeetingOut:
    return _meeting_action(request, meeting_id, payload, services.meeting_start)


@router.post("/meetings/{meeting_id}/close", response={200: MeetingOut, **ERRORS, 409: Error})
@endpoint(*PEOPLE)
def meeting_close(request: HttpRequest, meeting_id: int, payload: VersionIn | None = None) -> MeetingOut:
    return _meeting_action(request, meeting_id, payload, services.meeting_close)


@router.post("/meetings/{meeting_id}/cancel", response={200: MeetingOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def meeting_cancel(request: HttpRequest, meeting_id: int, payload: VersionIn | None = None) -> MeetingOut:
    return _meeting_action(request, meeting_id, payload, services.meeting_cancel)


class SignInIn(Schema):
    deputy: int | None = None


class AttendanceOut(Schema):
    meeting: int
    deputy: int
    status: str
    method: str
    signed_in_at: datetime | None
    present: int


@router.post("/meetings/{meeting_id}/sign_in", response={200: AttendanceOut, **ERRORS, 409: Error})
@endpoint(*PEOPLE)
def meeting_sign_in(request: HttpRequest, meeting_id: int, payload: SignInIn | None = None) -> AttendanceOut:
    """Staff sign a member in with `{"deputy": <id>}`; a deputy signs themself in with `{}`."""
    user: Any = request.user
    meeting = selectors.access_meeting_by_id(user=user, meeting_id=meeting_id)
    wanted = payload.deputy if payload else None
    if selectors.is_staff(user):
        if wanted is None:
            raise Invalid("请指定签到的代表", fields={"deputy": ["请指定代表"]})
        person = Person.objects.filter(pk=wanted).first()
        if person is None:
            raise Invalid("该代表不是本次会议的组成人员", code="not_a_member", fields={"deputy": ["不是组成人员"]})
        method = SignInMethod.STAFF
    else:
        if wanted is not None and wanted != user.person_id:
            raise Forbidden("代表只能为本人签到")
        person, method = user.person, SignInMethod.SELF
    row = services.sign_in(actor=user, meeting=meeting, person=person, method=method)
    return AttendanceOut(meeting=meeting.pk, deputy=person.pk, status=row.status, method=row.method,
                         signed_in_at=row.signed_in_at, present=selectors.present_count(meeting))


class LeaveIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class LeaveOut(Schema):
    id: int
    meeting: int
    deputy: int
    reason: str
    status: str
    decision_note: str
    version: int


def leave_out(lv: LeaveRequest) -> LeaveOut:
    return LeaveOut(id=lv.pk, meeting=lv.meeting_id, deputy=lv.person_id, reason=lv.reason, status=lv.status,
                    decision_note=lv.decision_note, version=lv.version)


@router.post("/meetings/{meeting_id}/leave_requests", response={200: LeaveOut, **ERRORS, 409: Error})
@endpoint(Role.DEPUTY)
def leave_request_submit(request: HttpRequest, meeting_id: int, payload: LeaveIn) -> LeaveOut:
    user: Any = request.user
    meeting = selectors.access_meeting_by_id(user=user, meeting_id=meeting_id)
    return leave_out(services.leave_request_submit(actor=user, meeting=meeting, person=user.person,
                                                   reason=payload.reason))


class DecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=200)
    version: int | None = None


@router.post("/leave_requests/{leave_id}/decide", response={200: LeaveOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def leave_request_decide(request: HttpRequest, leave_id: int, payload: DecideIn) -> LeaveOut:
    leave = LeaveRequest.objects.filter(pk=leave_id, meeting__in=selectors.meetings_visible(user=request.user)).first()
    if leave is None:
        raise NotFound()
    return leave_out(services.leave_request_decide(actor=request.user, leave=leave, approve=payload.approve,
                                                   note=payload.note, version=payload.version))


class AgendaIn(Schema):
    kind: str
    title: str = Field(..., min_length=1, max_length=200)


@router.post("/meetings/{meeting_id}/agenda_items", response={200: AgendaItemOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def agenda_item_add(request: HttpRequest, meeting_id: int, payload: AgendaIn) -> AgendaItemOut:
    meeting = selectors.access_meeting_to_run(user=request.user, meeting_id=meeting_id)
    i = services.agenda_item_add(actor=request.user, meeting=meeting, kind=payload.kind, title=payload.title)
    return AgendaItemOut(id=i.pk, order=i.order, kind=i.kind, title=i.title, status=i.status)


def _agenda_move(request: HttpRequest, item_id: int, event: str) -> AgendaItemOut:
    item = AgendaItem.objects.filter(pk=item_id, meeting__in=selectors.meetings_visible(user=request.user)).first()
    if item is None:
        raise NotFound()
    selectors.access_meeting_to_run(user=request.user, meeting_id=item.meeting_id)
    i = services.agenda_item_move(actor=request.user, item=item, event=event)
    return AgendaItemOut(id=i.pk, order=i.order, kind=i.kind, title=i.title, status=i.status)


@router.post("/agenda_items/{item_id}/open", response={200: AgendaItemOut, **ERRORS, 409: Error})
@endpoint(*PEOPLE)
def agenda_item_open(request: HttpRequest, item_id: int) -> AgendaItemOut:
    return _agenda_move(request, item_id, "open")


@router.post("/agenda_items/{item_id}/close", response={200: AgendaItemOut, **ERRORS, 409: Error})
@endpoint(*PEOPLE)
def agenda_item_close(request: HttpRequest, item_id: int) -> AgendaItemOut:
    return _agenda_move(request, item_id, "close")


# --- votes --------------------------------------------------------------------------------------------------

class VoteIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    secret: bool = False
    kind: str = VoteKind.RESOLUTION
    mode: str = VoteMode.ELECTRONIC
    agenda_item: int | None = None


class VoteOut(Schema):
    id: int
    meeting: int
    title: str
    kind: str
    mode: str
    secret: bool
    status: str
    round: int
    previous: int | None
    election: int | None
    seats: int | None
    choices: list[str]
    show_results: str
    closes_at: datetime | None
    eligible: int | None
    voted: int
    version: int


def vote_out(v: Vote) -> VoteOut:
    return VoteOut(id=v.pk, meeting=v.meeting_id, title=v.title, kind=v.kind, mode=v.mode, secret=v.secret,
                   status=v.status, round=v.round, previous=v.previous_id, election=v.election_id, seats=v.seats,
                   choices=v.choices, show_results=v.show_results, closes_at=v.closes_at,
                   eligible=v.eligible_count, voted=selectors.voted_count(v), version=v.version)


@router.get("/meetings/{meeting_id}/votes", response={200: Page[VoteOut], **ERRORS})
@endpoint(*PEOPLE)
def vote_list(request: HttpRequest, meeting_id: int, params: Query[PageParams]) -> dict[str, object]:
    meeting = selectors.access_meeting_by_id(user=request.user, meeting_id=meeting_id)
    items, count = paginate(Vote.objects.filter(meeting=meeting).order_by("id"), params)
    return {"items": [vote_out(services.close_if_due(v)) for v in items], "count": count}


@router.post("/meetings/{meeting_id}/votes", response={200: VoteOut, **ERRORS, 409: Error})
@endpoint(*PEOPLE)
def vote_create(request: HttpRequest, meeting_id: int, payload: VoteIn) -> VoteOut:
    meeting = selectors.access_meeting_to_run(user=request.user, meeting_id=meeting_id)
    if payload.kind == VoteKind.ELECTION:
        raise Invalid("选举请通过 /elections 发起", fields={"kind": ["选举请通过 /elections 发起"]})
    item = None
    if payload.agenda_item is not None:
        item = AgendaItem.objects.filter(pk=payload.agenda_item, meeting=meeting).first()
        if item is None:
            raise Invalid("议程不属于本次会议", fields={"agenda_item": ["议程不属于本次会议"]})
    return vote_out(services.vote_create(actor=request.user, meeting=meeting, title=payload.title,
                                         kind=payload.kind, secret=payload.secret, mode=payload.mode,
                                         agenda_item=item))


@router.get("/votes/{vote_id}", response={200: VoteOut, **ERRORS})
@endpoint(*PEOPLE)
def vote_detail(request: HttpRequest, vote_id: int) -> VoteOut:
    return vote_out(services.close_if_due(selectors.access_vote_by_id(user=request.user, vote_id=vote_id)))


class OpenIn(Schema):
    closes_in_seconds: int | None = Field(None, ge=10, le=86400)
    version: int | None = None


@router.post("/votes/{vote_id}/open", response={200: VoteOut, **ERRORS, 409: Error})
@endpoint(*PEOPLE)
def vote_open(request: HttpRequest, vote_id: int, payload: OpenIn | None = None) -> VoteOut:
    vote = selectors.access_vote_to_run(user=request.user, vote_id=vote_id)
    return vote_out(services.vote_open(actor=request.user, vote=vote,
                                       closes_in_seconds=payload.closes_in_seconds if payload else None,
                                       version=payload.version if payload else None))


class ResultOut(Schema):
    vote: int
    status: str
    round: int
    kind: str
    yes: int | None
    no: int | None
    abstain: int | None
    not_voted: int
    eligible: int
    present: int
    voted: int
    threshold: int | None
    passed: bool | None
    void: bool
    basis: str
    basis_code: str
    counts: dict[str, Any] | None
    seal: str | None
    sealed_at: datetime | None


@router.post("/votes/{vote_id}/close", response={200: ResultOut, **ERRORS, 409: Error})
@endpoint(*PEOPLE)
def vote_close(request: HttpRequest, vote_id: int, payload: VersionIn | None = None) -> ResultOut:
    vote = selectors.access_vote_to_run(user=request.user, vote_id=vote_id)
    services.vote_close(actor=request.user, vote=vote, version=payload.version if payload else None)
    return ResultOut(**result_view(Vote.objects.get(pk=vote.pk)))


@router.get("/votes/{vote_id}/result", response={200: ResultOut, **ERRORS})
@endpoint(*PEOPLE)
def vote_result(request: HttpRequest, vote_id: int) -> ResultOut:
    vote = services.close_if_due(selectors.access_vote_by_id(user=request.user, vote_id=vote_id))
    return ResultOut(**result_view(vote))


@router.post("/votes/{vote_id}/revote", response={200: VoteOut, **ERRORS, 409: Error})
@endpoint(*PEOPLE)
def vote_revote(request: HttpRequest, vote_id: int) -> VoteOut:
    vote = selectors.access_vote_to_run(user=request.user, vote_id=vote_id)
    return vote_out(services.vote_revote(actor=request.user, vote=vote))


class BallotIn(Schema):
    choice: str = Field(..., max_length=24)


class ReceiptOut(Schema):
    vote: int
    round: int
    receipt: str
    fingerprint: str


def _cast(request: HttpRequest, vote_id: int, cast: Any, **ballot: Any) -> ReceiptOut:
    """A ballot by round id. The round's frozen voter list admits the voter in the ballot's own statement, so the
    scope is checked only when a ballot is refused — first, so a round outside the caller's scope stays a 404."""
    user: Any = request.user
    try:
        receipt = cast(actor=user, vote=vote_id, person=user.person, **ballot)
    except DomainError:
        selectors.access_vote_by_id(user=user, vote_id=vote_id)
        raise
    return ReceiptOut(vote=vote_id, round=receipt.round, receipt=receipt.code, fingerprint=receipt.fingerprint)


@router.post("/votes/{vote_id}/ballots", response={200: ReceiptOut, **ERRORS, 409: Error})
@endpoint(Role.DEPUTY)
def ballot_cast(request: HttpRequest, vote_id: int, payload: BallotIn) -> ReceiptOut:
    """A deputy casts `{"choice": "yes"|"no"|"abstain"}` (a satisfaction vote: satisfied, basically_satisfied,
    unsatisfied). The receipt's fingerprint appears in the round's published receipt list once it is closed."""
    return _cast(request, vote_id, services.ballot_cast, choice=payload.choice)


class PingOut(Schema):
    ok: bool


@router.post("/ballots/ping", response={200: PingOut, **ERRORS})
@endpoint(*PEOPLE)
def vote_ping(request: HttpRequest, payload: BallotIn) -> PingOut:
    """The floor under the ballot endpoint: the same stack, authentication and body parsing, and no database work
    beyond the token. bench/votes.py states the ballot path's cost as a ratio to this."""
    return PingOut(ok=True)


class ElectionBallotIn(Schema):
    marks: dict[str, str] = {}
    write_ins: list[str] = Field([], max_length=50)


@router.post("/votes/{vote_id}/election_ballots", response={200: ReceiptOut, **ERRORS, 409: Error})
@endpoint(Role.DEPUTY)
def election_ballot_cast(request: HttpRequest, vote_id: int, payload: ElectionBallotIn) -> ReceiptOut:
    """`{"marks": {"<candidate id>": "yes"|"no"|"abstain"}, "write_ins": ["另选的姓名"]}`; an unmarked candidate
    counts as 弃权; choosing more people than seats makes the ballot void (it is still cast and counted as void)."""
    return _cast(request, vote_id, services.election_ballot_cast, marks=payload.marks, write_ins=payload.write_ins)


class ReceiptsOut(Schema):
    vote: int
    round: int
    seal: str
    receipts: list[str]


@router.get("/votes/{vote_id}/receipts", response={200: ReceiptsOut, **ERRORS, 409: Error})
@endpoint(*PEOPLE)
def vote_receipts(request: HttpRequest, vote_id: int) -> ReceiptsOut:
    """The published receipt list of a closed round (SHA-256 of each receipt); a voter finds their fingerprint
    in it without telling the server which one is theirs."""
    vote = selectors.access_vote_by_id(user=request.user, vote_id=vote_id)
    if vote.status != VoteStatus.CLOSED:
        raise Invalid("表决结束后才公布回执清单", code="vote_not_closed")
    return ReceiptsOut(vote=vote.pk, round=vote.round, seal=vote.result.seal, receipts=vote.result.receipts)


class VerifyOut(Schema):
    ok: bool
    problems: list[str]


@router.get("/votes/{vote_id}/verify", response={200: VerifyOut, **ERRORS})
@endpoint(*STAFF)
def vote_verify(request: HttpRequest, vote_id: int) -> VerifyOut:
    report = services.vote_verify(selectors.access_vote_by_id(user=request.user, vote_id=vote_id))
    return VerifyOut(ok=report.ok, problems=report.problems)


class PaperIn(Schema):
    issued: int = Field(..., ge=0)
    returned: int = Field(..., ge=0)
    invalid: int = Field(0, ge=0)
    counts: dict[str, Any]


class PaperOut(Schema):
    vote: int
    entries: int


@router.post("/votes/{vote_id}/paper_tallies", response={200: PaperOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def paper_tally_enter(request: HttpRequest, vote_id: int, payload: PaperIn) -> PaperOut:
    vote = selectors.access_vote_to_run(user=request.user, vote_id=vote_id)
    services.paper_tally_enter(actor=request.user, vote=vote, issued=payload.issued, returned=payload.returned,
                               invalid=payload.invalid, counts=payload.counts)
    return PaperOut(vote=vote.pk, entries=vote.paper_tallies.filter(discarded=False).count())


# --- elections ----------------------------------------------------------------------------------------------

class ElectionIn(Schema):
    office: str = Field(..., min_length=1, max_length=100)
    office_kind: str
    seats: int = Field(..., ge=1, le=99)


class CandidateOut(Schema):
    id: int
    name: str
    person: int | None
    source: str
    status: str
    nominators: int
    oath_taken_on: date | None


class ElectionOut(Schema):
    id: int
    meeting: int
    office: str
    office_kind: str
    seats: int
    status: str
    candidates: list[CandidateOut]
    rounds: list[int]


def election_out(e: Election) -> ElectionOut:
    cands = Candidate.objects.filter(election=e).annotate(n=Count("nominators")).select_related("oath")
    return ElectionOut(
        id=e.pk, meeting=e.meeting_id, office=e.office, office_kind=e.office_kind, seats=e.seats, status=e.status,
        rounds=list(Vote.objects.filter(election=e).order_by("round").values_list("pk", flat=True)),
        candidates=[CandidateOut(id=c.pk, name=c.name, person=c.person_id, source=c.source, status=c.status,
                                 nominators=c.n, oath_taken_on=c.oath.taken_on if hasattr(c, "oath") else None)
                    for c in cands])


@router.post("/meetings/{meeting_id}/elections", response={200: ElectionOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def election_create(request: HttpRequest, meeting_id: int, payload: ElectionIn) -> ElectionOut:
    meeting = selectors.access_meeting_to_run(user=request.user, meeting_id=meeting_id)
    return election_out(services.election_create(actor=request.user, meeting=meeting, office=payload.office,
                                                 office_kind=payload.office_kind, seats=payload.seats))


@router.get("/elections/{election_id}", response={200: ElectionOut, **ERRORS})
@endpoint(*PEOPLE)
def election_detail(request: HttpRequest, election_id: int) -> ElectionOut:
    return election_out(selectors.access_election_by_id(user=request.user, election_id=election_id))


class CandidateIn(Schema):
    name: str = Field("", max_length=50)
    person: int | None = None
    source: str
    nominators: list[int] = Field([], max_length=500)


@router.post("/elections/{election_id}/candidates", response={200: ElectionOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def candidate_nominate(request: HttpRequest, election_id: int, payload: CandidateIn) -> ElectionOut:
    election = selectors.access_election_by_id(user=request.user, election_id=election_id)
    person = Person.objects.filter(pk=payload.person).first() if payload.person is not None else None
    if payload.person is not None and person is None:
        raise Invalid("人员不存在", fields={"person": ["人员不存在"]})
    nominators = list(Person.objects.filter(pk__in=payload.nominators))
    if len(nominators) != len(set(payload.nominators)):
        raise Invalid("联合提名人不存在", fields={"nominators": ["有联合提名人不存在"]})
    services.candidate_nominate(actor=request.user, election=election, name=payload.name, person=person,
                                source=payload.source, nominators=nominators)
    return election_out(election)


class RoundIn(Schema):
    mode: str = VoteMode.ELECTRONIC


@router.post("/elections/{election_id}/rounds", response={200: VoteOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def election_round_create(request: HttpRequest, election_id: int, payload: RoundIn | None = None) -> VoteOut:
    election = selectors.access_election_by_id(user=request.user, election_id=election_id)
    mode = payload.mode if payload else VoteMode.ELECTRONIC
    if mode not in VoteMode.values:
        raise Invalid("表决方式无效", fields={"mode": ["表决方式无效"]})
    return vote_out(services.election_round_create(actor=request.user, election=election, mode=mode))


class OathIn(Schema):
    taken_on: date
    note: str = Field("", max_length=200)


@router.post("/candidates/{candidate_id}/oath", response={200: ElectionOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def oath_record(request: HttpRequest, candidate_id: int, payload: OathIn) -> ElectionOut:
    candidate = Candidate.objects.select_related("election").filter(
        pk=candidate_id, election__meeting__in=selectors.meetings_visible(user=request.user)).first()
    if candidate is None:
        raise NotFound()
    services.oath_record(actor=request.user, candidate=candidate, taken_on=payload.taken_on, note=payload.note)
    return election_out(candidate.election)

