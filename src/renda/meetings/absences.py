"""Two unexcused absences end a mandate [law]: 代表法第四十九条 — a deputy "未经批准两次不出席本级人民代表大会会议"
loses the mandate (代表资格终止; DOMAIN.md §2 status 终止, deputies/workflow.py). This module finds such deputies
from the attendance and leave records; the clerk confirms each one (services.absences), and the mandate ends
through the deputies app's own status service.

What counts as "not attending a session" (次会议) here:
- only the congress's own sittings of a session count: 预备会议, 全体会议 and 分组审议 (the meetings all deputies
  attend), closed (closing writes every member's record), of the mandate's term;
- a deputy did not attend a session when they were present at none of those meetings, and at least one of
  their records is 缺席 (absent) — that is, without approved leave: a session missed on approved leave throughout
  is excused, and a refused leave request leaves the absence unexcused;
- two such sessions in the term, consecutive or not, make the proposal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from renda.deputies.models import Mandate, MandateStatus, Person
from renda.meetings.models import Attendance, AttendanceStatus, MeetingKind, MeetingStatus, Session
from renda.organizations import selectors as org_selectors
from renda.organizations.models import Congress, Term

ABSENCES_ENDING_A_MANDATE = 2  # [law] 代表法第四十九条: 两次
SITTING_KINDS = (MeetingKind.PREPARATORY, MeetingKind.PLENARY, MeetingKind.GROUP)
LAW = "代表法第四十九条"


@dataclass
class Proposal:
    """A deputy whose mandate ends by law, waiting for the clerk's confirmation."""

    mandate: Mandate
    person: Person
    sessions: list[Session]

    @property
    def reason(self) -> str:
        names = "、".join(f"第{s.number}次会议" for s in self.sessions)
        return f"未经批准两次不出席本级人民代表大会会议（{names}），依据{LAW}代表资格终止"


def missed_sessions(*, term: Term, person_ids: list[int] | None = None) -> dict[int, list[Session]]:
    """person id → the sessions of the term they did not attend without approved leave, in order."""
    rows = Attendance.objects.filter(
        meeting__term=term, meeting__session__isnull=False, meeting__body__isnull=True,
        meeting__kind__in=SITTING_KINDS, meeting__status=MeetingStatus.CLOSED)
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    seen: dict[tuple[int, int], set[str]] = defaultdict(set)
    for person_id, session_id, status in rows.values_list("person_id", "meeting__session_id", "status"):
        seen[(person_id, session_id)].add(status)
    missed: dict[int, list[int]] = defaultdict(list)
    for (person_id, session_id), statuses in seen.items():
        if AttendanceStatus.PRESENT not in statuses and AttendanceStatus.ABSENT in statuses:
            missed[person_id].append(session_id)
    sessions = Session.objects.in_bulk([sid for ids in missed.values() for sid in ids])
    return {pid: sorted((sessions[sid] for sid in ids), key=lambda s: (s.starts_on, s.number))
            for pid, ids in missed.items()}


def proposals_for(congress: Congress) -> list[Proposal]:
    term = congress.current_term()
    if term is None:
        return []
    missed = {pid: s for pid, s in missed_sessions(term=term).items() if len(s) >= ABSENCES_ENDING_A_MANDATE}
    mandates = (Mandate.objects.filter(term=term, status=MandateStatus.ACTIVE, person_id__in=list(missed))
                .select_related("person").order_by("person__name", "person_id"))
    return [Proposal(mandate=m, person=m.person, sessions=missed[m.person_id]) for m in mandates]


def termination_proposals(*, user: Any) -> list[Proposal]:
    """The proposals of every congress the staff member can see (their township, or the county and below)."""
    return [p for congress in org_selectors.congresses_visible(user=user).order_by("region__path")
            for p in proposals_for(congress)]


def proposal_for(mandate: Mandate) -> Proposal | None:
    """The mandate's proposal if the rule holds for it now (the confirmation re-checks with this)."""
    if mandate.status != MandateStatus.ACTIVE:
        return None
    sessions = missed_sessions(term=mandate.term, person_ids=[mandate.person_id]).get(mandate.person_id, [])
    if len(sessions) < ABSENCES_ENDING_A_MANDATE:
        return None
    return Proposal(mandate=mandate, person=mandate.person, sessions=sessions)
