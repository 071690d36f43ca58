"""Every read of meetings and votes, filtered to what the actor may see; `access_*` gates turn "not yours" into
404 (not found), and "visible but not yours to run" into 403.

- county and township staff: meetings of congresses in their region or below;
- a deputy: meetings of congresses where they hold an active mandate of the meeting's term, and of a body (主席团,
  常委会, 主任会议) only while they are an active member of it;
- everyone else: nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from renda.core import scope
from renda.core.errors import Forbidden
from renda.core.roles import STAFF_ROLES, Role
from renda.deputies.models import Mandate, MandateStatus, Person
from renda.meetings.models import (
    Attendance,
    AttendanceStatus,
    Document,
    Election,
    ExcusedAbsence,
    Meeting,
    MeetingStatus,
    Notice,
    Participation,
    Vote,
    VoteEligible,
)
from renda.organizations import selectors as org_selectors
from renda.organizations.models import BodyMember


def is_staff(user: Any) -> bool:
    return getattr(user, "role", None) in STAFF_ROLES


def members(meeting: Meeting) -> QuerySet[Any]:
    """The person ids of the meeting's members now: the active members of its body, or the congress's deputies
    with an active mandate of the meeting's term. N of the quorum is the count of this."""
    if meeting.body_id:
        return BodyMember.objects.filter(body_id=meeting.body_id, until__isnull=True).values_list(
            "person_id", flat=True)
    return serving_deputies(congress_id=meeting.congress_id, term_id=meeting.term_id)


def access_mandate(*, user: Any, mandate_id: Any) -> Mandate:
    """A mandate of one of the congresses the user sees (absence proposals, recorded leave); 404 otherwise."""
    return scope.get_or_404(Mandate.objects.filter(congress__in=org_selectors.congresses_visible(user=user)),
                            pk=mandate_id)


def excused_absences_visible(*, user: Any) -> QuerySet[ExcusedAbsence]:
    """Leaves approved on paper and recorded afterwards, for the sessions of the congresses the user sees, newest
    session first: the evidence behind an absence that no longer counts."""
    return (ExcusedAbsence.objects.filter(session__congress__in=org_selectors.congresses_visible(user=user))
            .select_related("session__congress", "person", "recorded_by")
            .order_by("-session__starts_on", "person__name", "id"))


def serving_deputies(*, congress_id: int, term_id: int) -> QuerySet[Any]:
    """The person ids of the congress's deputies with an active mandate of the term."""
    return Mandate.objects.filter(congress_id=congress_id, term_id=term_id,
                                  status=MandateStatus.ACTIVE).values_list("person_id", flat=True)


def is_member(meeting: Meeting, person_id: int | None) -> bool:
    return person_id is not None and members(meeting).filter(person_id=person_id).exists()


def present_count(meeting: Meeting) -> int:
    """Members signed in now (a signed-in person who has since left the roster does not count)."""
    return Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT,
                                     person_id__in=members(meeting)).count()


def meetings_visible(*, user: Any) -> QuerySet[Meeting]:
    qs = Meeting.objects.select_related("congress__region", "session", "body", "term")
    role = getattr(user, "role", None)
    if role in STAFF_ROLES:
        return scope.within(qs, user, "congress__region__path")
    if role == Role.DEPUTY and getattr(user, "person_id", None):
        mandates = Mandate.objects.filter(person_id=user.person_id, status=MandateStatus.ACTIVE)
        bodies = BodyMember.objects.filter(person_id=user.person_id, until__isnull=True).values("body_id")
        return qs.filter(Q(term_id__in=mandates.values("term_id")),
                         Q(body__isnull=True) | Q(body_id__in=bodies))
    return qs.none()


UPCOMING_DAYS = 30  # what "upcoming" reaches: the meetings list's ?upcoming=1 and the home page's 近期会议


def upcoming(qs: QuerySet[Meeting], today: date) -> QuerySet[Meeting]:
    """The meetings under way and those planned from today for UPCOMING_DAYS, soonest first."""
    start = timezone.make_aware(datetime.combine(today, time()))
    return qs.filter(Q(status=MeetingStatus.IN_PROGRESS) | Q(
        status=MeetingStatus.PLANNED, starts_at__gte=start, starts_at__lt=start + timedelta(days=UPCOMING_DAYS))
    ).order_by("starts_at", "pk")


def access_meeting_by_id(*, user: Any, meeting_id: int) -> Meeting:
    return scope.get_or_404(meetings_visible(user=user), pk=meeting_id)


def may_run(user: Any, meeting: Meeting) -> bool:
    """Staff in scope prepare and run a meeting; its chair (a deputy with an account) may run it too."""
    if is_staff(user):
        return True
    return bool(meeting.chair_id and getattr(user, "person_id", None) == meeting.chair_id)


def access_meeting_to_run(*, user: Any, meeting_id: int) -> Meeting:
    meeting = access_meeting_by_id(user=user, meeting_id=meeting_id)
    if not may_run(user, meeting):
        raise Forbidden("只有会议工作人员或会议主持人可以执行此操作")
    return meeting


def votes_visible(*, user: Any) -> QuerySet[Vote]:
    return Vote.objects.select_related("meeting__congress", "election").filter(
        meeting__in=meetings_visible(user=user))


def access_vote_by_id(*, user: Any, vote_id: int) -> Vote:
    return scope.get_or_404(votes_visible(user=user), pk=vote_id)


def access_vote_to_run(*, user: Any, vote_id: int) -> Vote:
    vote = access_vote_by_id(user=user, vote_id=vote_id)
    if not may_run(user, vote.meeting):
        raise Forbidden("只有会议工作人员或会议主持人可以执行此操作")
    return vote


def access_election_by_id(*, user: Any, election_id: int) -> Election:
    return scope.get_or_404(Election.objects.select_related("meeting").filter(
        meeting__in=meetings_visible(user=user)), pk=election_id)


def access_document_by_id(*, user: Any, document_id: int) -> Document:
    """A document of a meeting the user can see (like the meeting itself: otherwise 404)."""
    return scope.get_or_404(Document.objects.select_related("meeting").filter(
        meeting__in=meetings_visible(user=user)), pk=document_id)


def access_notice_by_id(*, user: Any, notice_id: int) -> Notice:
    return scope.get_or_404(Notice.objects.select_related("meeting").filter(
        meeting__in=meetings_visible(user=user)), pk=notice_id)


def notice_receipts(notice: Notice) -> list[dict[str, Any]]:
    """Every member of the notice's meeting with the time they first read it (None: not yet), unread first."""
    read = dict(notice.receipts.values_list("person_id", "read_at"))
    people = Person.objects.filter(pk__in=members(notice.meeting)).order_by("name", "id")
    rows = [{"person": p, "read_at": read.get(p.pk)} for p in people]
    return sorted(rows, key=lambda r: r["read_at"] is not None)


def voted_count(vote: Vote) -> int:
    return Participation.objects.filter(vote=vote).count()


def has_voted(vote: Vote, person_id: int | None) -> bool:
    return person_id is not None and Participation.objects.filter(vote=vote, person_id=person_id).exists()


def is_eligible(vote: Vote, person_id: int | None) -> bool:
    return person_id is not None and VoteEligible.objects.filter(vote=vote, person_id=person_id).exists()


def current_vote(meeting: Meeting) -> Vote | None:
    """The open round, else the latest closed one (what the hall screen shows)."""
    votes = Vote.objects.filter(meeting=meeting).select_related("election")
    return votes.filter(status="open").first() or votes.filter(status="closed").order_by("-closed_at").first()


def attendance_summary(meeting: Meeting) -> dict[str, int]:
    rows = Attendance.objects.filter(meeting=meeting).values("status").annotate(n=Count("id"))
    out = dict.fromkeys(AttendanceStatus.values, 0)
    out.update({r["status"]: r["n"] for r in rows})
    return out


def attendance_of_person(*, person_id: int, year: int | None = None) -> QuerySet[Attendance]:
    """For performance files (履职档案): one person's attendance records, meetings closed."""
    qs = Attendance.objects.filter(person_id=person_id, meeting__status="closed").select_related("meeting")
    if year is not None:
        qs = qs.filter(meeting__starts_at__year=year)
    return qs.order_by("meeting__starts_at")
