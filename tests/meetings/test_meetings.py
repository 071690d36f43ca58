"""Meetings: start under the quorum [law] with N counted from the roster (deputies, or the body's members),
sign-in, leave requests and the attendance records closing writes."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from renda.core.errors import Invalid, InvalidTransition
from renda.core.models import AuditEntry
from renda.deputies.models import Mandate, MandateStatus
from renda.meetings import law, services
from renda.meetings.models import (
    Attendance,
    AttendanceStatus,
    LeaveStatus,
    MeetingKind,
    MeetingStatus,
    SignInMethod,
)
from renda.meetings.services import QuorumNotMet
from tests.meetings.util import hall, make_deputies, mark_present, presidium

pytestmark = pytest.mark.django_db


def _audit(action):
    return list(AuditEntry.objects.filter(action=action))


@given(n=st.integers(min_value=3, max_value=450))
@example(n=3)
@example(n=450)
@example(n=99)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
def test_meeting_starts_only_with_two_thirds_of_all_deputies_present(tree, n):
    with transaction.atomic():
        q = law.quorum(n)
        h = hall(tree, n, present=q - 1, start=False)
        with pytest.raises(QuorumNotMet) as err:
            services.meeting_start(actor=h.clerk, meeting=h.meeting)
        assert err.value.extra["quorum"] == q and err.value.extra["members"] == n
        h.meeting.refresh_from_db()
        assert h.meeting.status == MeetingStatus.PLANNED
        assert not AuditEntry.objects.filter(action="meeting.start").exists()
        mark_present(h.meeting, h.deputies[q - 1:q])
        meeting = services.meeting_start(actor=h.clerk, meeting=h.meeting)
        assert (meeting.status, meeting.members_at_start, meeting.present_at_start) == ("in_progress", n, q)
        entry = AuditEntry.objects.get(action="meeting.start", object_id=str(meeting.pk))
        assert json.loads(entry.after) == {"status": "in_progress", "members": n, "present": q, "quorum": q}
        transaction.set_rollback(True)


def test_quorum_counts_current_deputies_only(tree):
    # 9 elected, 3 resigned: N is 6 now, so 4 present are a quorum.
    h = hall(tree, 9, present=0, start=False)
    Mandate.objects.filter(person__in=h.deputies[6:]).update(status=MandateStatus.RESIGNED)
    mark_present(h.meeting, h.deputies[:4])
    meeting = services.meeting_start(actor=h.clerk, meeting=h.meeting)
    assert meeting.members_at_start == 6 and meeting.present_at_start == 4


def test_presidium_meeting_quorum_counts_its_members(tree):
    h = hall(tree, 20, present=0, start=False)
    body = presidium(tree, h.deputies[:7])
    meeting = services.meeting_create(actor=h.clerk, congress=tree.congress_a, kind=MeetingKind.PRESIDIUM_RECESS,
                                      title="第二季度主席团会议", starts_at=timezone.now())
    assert meeting.body == body, "the congress's only presidium is chosen"
    mark_present(meeting, h.deputies[:4])  # quorum of 7 is 5
    with pytest.raises(QuorumNotMet):
        services.meeting_start(actor=h.clerk, meeting=meeting)
    services.sign_in(actor=h.clerk, meeting=meeting, person=h.deputies[4], method=SignInMethod.STAFF)
    assert services.meeting_start(actor=h.clerk, meeting=meeting).members_at_start == 7


def test_group_deliberation_needs_no_quorum(tree):
    h = hall(tree, 10, present=1, start=False, kind=MeetingKind.GROUP)
    assert services.meeting_start(actor=h.clerk, meeting=h.meeting).status == MeetingStatus.IN_PROGRESS


def test_session_meetings_need_a_session_and_body_meetings_a_body(tree):
    h = hall(tree, 3, start=False)
    with pytest.raises(Invalid) as err:
        services.meeting_create(actor=h.clerk, congress=tree.congress_a, kind=MeetingKind.PLENARY, title="x",
                                starts_at=timezone.now())
    assert "session" in err.value.fields
    with pytest.raises(Invalid) as err:
        services.meeting_create(actor=h.clerk, congress=tree.congress_a, kind=MeetingKind.STANDING_COMMITTEE,
                                title="x", starts_at=timezone.now())
    assert "body" in err.value.fields


def test_sign_in_is_for_members_once_and_audited(tree):
    h = hall(tree, 5, present=0, start=False)
    person = h.deputies[0]
    row = services.sign_in(actor=h.user(person), meeting=h.meeting, person=person, method=SignInMethod.SELF)
    assert (row.status, row.method) == (AttendanceStatus.PRESENT, SignInMethod.SELF)
    again = services.sign_in(actor=h.clerk, meeting=h.meeting, person=person, method=SignInMethod.STAFF)
    assert again.pk == row.pk and again.method == SignInMethod.SELF, "the first sign-in stands"
    assert len(_audit("meeting.sign_in")) == 1
    outsider = make_deputies(tree.term_b, 1, prefix="乙镇代表")[0]
    with pytest.raises(Invalid) as err:
        services.sign_in(actor=h.clerk, meeting=h.meeting, person=outsider, method=SignInMethod.STAFF)
    assert err.value.code == "not_a_member"


def test_closing_writes_present_on_leave_and_absent_for_every_member(tree):
    h = hall(tree, 6, present=0, start=False)
    a, b, c, d = h.deputies[:4]
    approved = services.leave_request_submit(actor=h.user(a), meeting=h.meeting, person=a, reason="外出务工")
    refused = services.leave_request_submit(actor=h.user(b), meeting=h.meeting, person=b, reason="家中有事")
    services.leave_request_decide(actor=h.clerk, leave=approved, approve=True)
    services.leave_request_decide(actor=h.clerk, leave=refused, approve=False, note="会议重要，请安排出席")
    with pytest.raises(InvalidTransition):
        services.leave_request_decide(actor=h.clerk, leave=refused, approve=True)
    mark_present(h.meeting, h.deputies[2:6])
    services.meeting_start(actor=h.clerk, meeting=h.meeting)
    services.meeting_close(actor=h.clerk, meeting=h.meeting)
    status = dict(Attendance.objects.filter(meeting=h.meeting).values_list("person_id", "status"))
    assert status[a.pk] == AttendanceStatus.ON_LEAVE
    assert status[b.pk] == AttendanceStatus.ABSENT, "a refused leave is an absence"
    assert status[c.pk] == status[d.pk] == AttendanceStatus.PRESENT
    assert len(status) == 6
    entry = _audit("meeting.close")[0]
    assert json.loads(entry.after)["absent"] == 1 and json.loads(entry.after)["on_leave"] == 1
    assert [lv.status for lv in h.meeting.leave_requests.order_by("id")] == [LeaveStatus.APPROVED,
                                                                             LeaveStatus.REFUSED]


def test_illegal_moves_are_invalid_transitions(tree):
    h = hall(tree, 3)
    with pytest.raises(InvalidTransition) as err:
        services.meeting_start(actor=h.clerk, meeting=h.meeting)
    assert err.value.status == 409
    services.meeting_close(actor=h.clerk, meeting=h.meeting)
    with pytest.raises(InvalidTransition):
        services.meeting_cancel(actor=h.clerk, meeting=h.meeting)
    with pytest.raises(Invalid):
        services.sign_in(actor=h.clerk, meeting=h.meeting, person=h.deputies[0], method=SignInMethod.STAFF)


def test_chair_opens_one_agenda_item_at_a_time(tree):
    h = hall(tree, 3)
    first = services.agenda_item_add(actor=h.clerk, meeting=h.meeting, kind="government_report", title="政府工作报告")
    second = services.agenda_item_add(actor=h.clerk, meeting=h.meeting, kind="budget", title="预算报告")
    assert (first.order, second.order) == (1, 2)
    services.agenda_item_move(actor=h.clerk, item=first, event="open")
    with pytest.raises(Invalid) as err:
        services.agenda_item_move(actor=h.clerk, item=second, event="open")
    assert err.value.code == "item_in_progress"
    services.agenda_item_move(actor=h.clerk, item=first, event="close")
    assert services.agenda_item_move(actor=h.clerk, item=second, event="open").status == "current"
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="agenda.")] == [
        "agenda.add", "agenda.add", "agenda.open", "agenda.close", "agenda.open"]


def test_notice_read_receipt_is_written_once(tree):
    h = hall(tree, 3, start=False)
    notice = services.notice_publish(actor=h.clerk, meeting=h.meeting, title="开会通知", body="3月10日开会")
    first = services.notice_read(notice=notice, person=h.deputies[0])
    second = services.notice_read(notice=notice, person=h.deputies[0])
    assert first.pk == second.pk and notice.receipts.count() == 1
