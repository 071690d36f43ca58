"""Writes to sessions and meetings: preparation, start and close under the quorum, agenda, documents, notices,
leave requests and sign-in. Keyword-only, atomic, audited (renda.core.audit) as the last write."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from renda.core import audit
from renda.core.errors import DomainError, Invalid
from renda.core.scope import check_version
from renda.meetings import law, selectors, workflow
from renda.meetings.models import (
    BODY_OF_KIND,
    QUORUM_KINDS,
    SESSION_KINDS,
    AgendaItem,
    AgendaItemKind,
    Attendance,
    AttendanceStatus,
    ConvenedBy,
    LeaveRequest,
    LeaveStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Session,
    SessionKind,
    SignInMethod,
    Vote,
    VoteStatus,
)
from renda.organizations.models import Body, Congress, RegionLevel


class QuorumNotMet(DomainError):
    code = "quorum_not_met"
    status = 409
    default_message = "出席人数未达到法定人数，会议不能开始"


def _current_term(congress: Congress) -> Any:
    term = congress.current_term()
    if term is None:
        raise Invalid("该人民代表大会尚未设置本届届次", fields={"congress": ["尚未设置本届届次"]})
    return term


class ExtraSessionNotCalled(DomainError):
    code = "extra_session_not_called"
    status = 422
    default_message = "临时会议须由主席团（县级为常委会）决定或经五分之一以上代表提议召集"


def _deciding_body(congress: Congress) -> str:
    """Who decides to call an extraordinary session: a township congress's presidium, a county's standing
    committee (地方组织法: the body that also fixes the dates of the sessions)."""
    return ConvenedBy.STANDING_COMMITTEE if congress.region.level == RegionLevel.COUNTY else ConvenedBy.PRESIDIUM


def _check_convening(congress: Congress, term: Any, kind: str, convened_by: str, basis: str,
                     requesters: list[int]) -> None:  # requesters: distinct person ids
    """A regular session needs no basis; an extraordinary one rests on the deciding body's decision or on the
    proposal of one fifth of the deputies [law], who must be deputies of this congress's current term in office."""
    if kind != SessionKind.EXTRAORDINARY:
        if convened_by or requesters:
            raise Invalid("召集依据只适用于临时会议", fields={"convened_by": ["例会不填召集依据"]})
        return
    body = _deciding_body(congress)
    if convened_by not in (body, ConvenedBy.DEPUTIES):
        raise ExtraSessionNotCalled(
            f"请选择临时会议的召集依据：{ConvenedBy(body).label}，或{ConvenedBy.DEPUTIES.label}",
            fields={"convened_by": ["请选择召集依据"]})
    if convened_by == body:
        if requesters:
            raise Invalid("由决定召集的临时会议不填提议代表", fields={"requesters": ["不填"]})
        if not basis:
            raise Invalid(f"请填写{ConvenedBy(body).label}的文号或日期", fields={"basis": ["必填"]})
        return
    serving = set(selectors.serving_deputies(congress_id=congress.pk, term_id=term.pk))
    outsiders = set(requesters) - serving
    if outsiders:
        raise ExtraSessionNotCalled(f"有 {len(outsiders)} 名提议人不是本届在任代表",
                                    fields={"requesters": ["提议人须为本届在任代表"]}, not_serving=sorted(outsiders))
    needed = law.extra_session_request_min(len(serving))
    if len(requesters) < needed:
        raise ExtraSessionNotCalled(
            f"临时会议须经五分之一以上代表提议：本届在任代表 {len(serving)} 名，至少 {needed} 名提议，"
            f"现有 {len(requesters)} 名", fields={"requesters": [f"至少 {needed} 名代表"]},
            deputies=len(serving), needed=needed, requesters=len(requesters))


@transaction.atomic
def session_create(*, actor: Any, congress: Congress, number: int, title: str, starts_on: date, ends_on: date,
                   kind: str = SessionKind.REGULAR, convened_by: str = "", basis: str = "",
                   requesters: Iterable[int] = ()) -> Session:
    """A regular session, or an extraordinary one with what called it (_check_convening)."""
    if ends_on < starts_on:
        raise Invalid("闭幕日期不能早于开幕日期", fields={"ends_on": ["闭幕日期不能早于开幕日期"]})
    if kind not in SessionKind.values:
        raise Invalid("会议类型无效", fields={"kind": ["无效"]})
    term = _current_term(congress)
    people = sorted({int(p) for p in requesters})
    basis = basis.strip()
    _check_convening(congress, term, kind, convened_by, basis, people)
    session = Session(congress=congress, term=term, number=number, title=title,
                      starts_on=starts_on, ends_on=ends_on, kind=kind, convened_by=convened_by, basis=basis)
    session.full_clean()
    session.save()
    if people:
        session.requesters.set(people)
    after = audit.snapshot(session, ["number", "title", "starts_on", "ends_on", "kind", "convened_by", "basis"])
    audit.record(actor=actor, action="session.create", obj=session, after={**after, "requesters": people})
    return session


def _body_for(congress: Congress, kind: str, body: Body | None) -> Body | None:
    wanted = BODY_OF_KIND.get(kind)
    if wanted is None:
        if body is not None:
            raise Invalid("此类会议不属于某一机构", fields={"body": ["此类会议不填机构"]})
        return None
    if body is None:
        found = list(Body.objects.filter(kind=wanted, region_id=congress.region_id)[:2])
        if len(found) != 1:
            raise Invalid("请选择召开会议的机构", fields={"body": ["请选择机构"]})
        body = found[0]
    if body.kind != wanted or body.region_id != congress.region_id:
        raise Invalid("机构与会议类型或人民代表大会不符", fields={"body": ["机构与会议类型不符"]})
    return body


@transaction.atomic
def meeting_create(*, actor: Any, congress: Congress, kind: str, title: str, starts_at: datetime,
                   place: str = "", session: Session | None = None, body: Body | None = None,
                   chair: Any = None) -> Meeting:
    if kind not in MeetingKind.values:
        raise Invalid("会议类型无效", fields={"kind": ["会议类型无效"]})
    if kind in SESSION_KINDS and session is None:
        raise Invalid("大会期间的会议须属于某次会议", fields={"session": ["请选择所属的次会议"]})
    if session is not None and (kind not in SESSION_KINDS or session.congress_id != congress.pk):
        raise Invalid("所属会议与会议类型或人民代表大会不符", fields={"session": ["所属会议不符"]})
    meeting = Meeting(congress=congress, term=_current_term(congress), kind=kind, title=title, place=place,
                      starts_at=starts_at, session=session, body=_body_for(congress, kind, body), chair=chair,
                      created_by=actor if getattr(actor, "pk", None) else None)
    meeting.full_clean(exclude=["display_token", "checkin_token"])
    meeting.save()
    audit.record(actor=actor, action="meeting.create", obj=meeting,
                 after=audit.snapshot(meeting, ["kind", "title", "starts_at", "session", "body", "congress"]))
    return meeting


def _move(meeting: Meeting, event: str) -> tuple[str, str]:
    before = meeting.status
    meeting.status = workflow.next_status("meeting", before, event)
    meeting.version += 1
    return before, meeting.status


@transaction.atomic
def meeting_start(*, actor: Any, meeting: Meeting, version: int | None = None) -> Meeting:
    """Open the meeting: only with ⌈2N/3⌉ of its N members signed in [law] (a group deliberation needs none)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_version(meeting, version)
    n = selectors.members(meeting).count()
    present = selectors.present_count(meeting)
    needed = law.quorum(n)
    if meeting.kind in QUORUM_KINDS and not law.has_quorum(present=present, members=n):
        raise QuorumNotMet(f"应到 {n} 人，实到 {present} 人，须有三分之二以上（至少 {needed} 人）出席才能开会",
                           members=n, present=present, quorum=needed)
    before, after = _move(meeting, "start")
    meeting.members_at_start, meeting.present_at_start, meeting.started_at = n, present, timezone.now()
    meeting.save(update_fields=["status", "version", "members_at_start", "present_at_start", "started_at",
                                "updated_at"])
    audit.record(actor=actor, action="meeting.start", obj=meeting, before={"status": before},
                 after={"status": after, "members": n, "present": present, "quorum": needed})
    return meeting


@transaction.atomic
def meeting_close(*, actor: Any, meeting: Meeting, version: int | None = None) -> Meeting:
    """End the meeting and write every member's attendance: present, on leave (approved), or absent."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_version(meeting, version)
    if Vote.objects.filter(meeting=meeting, status=VoteStatus.OPEN).exists():
        raise Invalid("尚有表决未结束，请先结束表决", code="vote_open")
    before, after = _move(meeting, "close")
    on_leave = set(LeaveRequest.objects.filter(meeting=meeting, status=LeaveStatus.APPROVED)
                   .values_list("person_id", flat=True))
    recorded = set(Attendance.objects.filter(meeting=meeting).values_list("person_id", flat=True))
    missing = [pid for pid in selectors.members(meeting) if pid not in recorded]
    Attendance.objects.bulk_create([
        Attendance(meeting=meeting, person_id=pid,
                   status=AttendanceStatus.ON_LEAVE if pid in on_leave else AttendanceStatus.ABSENT)
        for pid in missing])
    meeting.ended_at = timezone.now()
    meeting.save(update_fields=["status", "version", "ended_at", "updated_at"])
    summary = selectors.attendance_summary(meeting)
    audit.record(actor=actor, action="meeting.close", obj=meeting, before={"status": before},
                 after={"status": after, **summary})
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting, version: int | None = None) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_version(meeting, version)
    before, after = _move(meeting, "cancel")
    meeting.save(update_fields=["status", "version", "updated_at"])
    audit.record(actor=actor, action="meeting.cancel", obj=meeting, before={"status": before},
                 after={"status": after})
    return meeting


def sign_in(*, actor: Any, meeting: Meeting, person: Any, method: str) -> Attendance:
    """Record a member as present. Signing in twice is harmless: the first record stands."""
    try:
        return _sign_in(actor=actor, meeting=meeting, person=person, method=method)
    except IntegrityError:  # a concurrent sign-in of the same person won: theirs stands
        return Attendance.objects.get(meeting=meeting, person=person)


@transaction.atomic
def _sign_in(*, actor: Any, meeting: Meeting, person: Any, method: str) -> Attendance:
    meeting = Meeting.objects.get(pk=meeting.pk)
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS):
        raise Invalid("会议已结束或已取消，不能签到", code="meeting_not_open")
    if method not in SignInMethod.values:
        raise Invalid("签到方式无效", fields={"method": ["签到方式无效"]})
    if not selectors.is_member(meeting, person.pk):
        raise Invalid(f"{person.name}不是本次会议的组成人员", code="not_a_member",
                      fields={"deputy": ["不是本次会议的组成人员"]})
    row = Attendance.objects.filter(meeting=meeting, person=person).first()
    if row is not None and row.status == AttendanceStatus.PRESENT:
        return row
    before = row.status if row else None
    row = row or Attendance(meeting=meeting, person=person)
    row.status, row.method, row.signed_in_at = AttendanceStatus.PRESENT, method, timezone.now()
    row.recorded_by = actor if getattr(actor, "pk", None) else None
    row.save()
    audit.record(actor=actor, action="meeting.sign_in", obj=meeting, object_repr=f"{meeting} · {person.name}",
                 before={"person": person.pk, "status": before},
                 after={"person": person.pk, "status": row.status, "method": method})
    return row


@transaction.atomic
def leave_request_submit(*, actor: Any, meeting: Meeting, person: Any, reason: str) -> LeaveRequest:
    meeting = Meeting.objects.get(pk=meeting.pk)
    if meeting.status != MeetingStatus.PLANNED:
        raise Invalid("会议开始后不能再请假", code="meeting_started")
    if not selectors.is_member(meeting, person.pk):
        raise Invalid(f"{person.name}不是本次会议的组成人员", code="not_a_member")
    if not reason.strip():
        raise Invalid("请填写请假事由", fields={"reason": ["请填写请假事由"]})
    if LeaveRequest.objects.filter(meeting=meeting, person=person).exists():
        raise Invalid("已提交过请假申请", code="leave_exists")
    leave = LeaveRequest.objects.create(meeting=meeting, person=person, reason=reason.strip())
    audit.record(actor=actor, action="leave.submit", obj=leave, object_repr=f"{meeting} · {person.name}",
                 after={"meeting": meeting.pk, "person": person.pk, "reason": leave.reason})
    return leave


@transaction.atomic
def leave_request_decide(*, actor: Any, leave: LeaveRequest, approve: bool, note: str = "",
                         version: int | None = None) -> LeaveRequest:
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    check_version(leave, version)
    before = leave.status
    leave.status = workflow.next_status("leave", before, "approve" if approve else "refuse")
    leave.decided_by, leave.decided_at, leave.decision_note = actor, timezone.now(), note
    leave.version += 1
    leave.save()
    audit.record(actor=actor, action="leave.decide", obj=leave, before={"status": before},
                 after={"status": leave.status, "note": note})
    return leave


@transaction.atomic
def agenda_item_add(*, actor: Any, meeting: Meeting, kind: str, title: str) -> AgendaItem:
    if kind not in AgendaItemKind.values:
        raise Invalid("议程类型无效", fields={"kind": ["议程类型无效"]})
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS):
        raise Invalid("会议已结束，不能再增加议程", code="meeting_closed")
    order = (AgendaItem.objects.filter(meeting=meeting).order_by("-order").values_list("order", flat=True)
             .first() or 0) + 1
    item = AgendaItem.objects.create(meeting=meeting, kind=kind, title=title, order=order)
    audit.record(actor=actor, action="agenda.add", obj=item, after={"meeting": meeting.pk, "kind": kind,
                                                                      "title": title, "order": order})
    return item


@transaction.atomic
def agenda_item_move(*, actor: Any, item: AgendaItem, event: str) -> AgendaItem:
    """The chair opens an item (one at a time) and closes it; the meeting must be under way."""
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item.pk)
    if item.meeting.status != MeetingStatus.IN_PROGRESS:
        raise Invalid("会议尚未开始或已结束", code="meeting_not_in_progress")
    before = item.status
    item.status = workflow.next_status("agenda_item", before, event)
    if event == "open":
        current = AgendaItem.objects.filter(meeting_id=item.meeting_id, status="current").first()
        if current is not None:
            raise Invalid(f"请先结束正在进行的议程“{current.title}”", code="item_in_progress")
    item.version += 1
    item.save(update_fields=["status", "version", "updated_at"])
    audit.record(actor=actor, action=f"agenda.{event}", obj=item, before={"status": before},
                 after={"status": item.status})
    return item
