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
- a leave approved outside the platform for the session, recorded afterwards (ExcusedAbsence: who approved it,
  when — no later than the session's last day — and on what grounds), excuses it as an approved leave does;
- two such sessions in the term, consecutive or not, make the proposal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from renda.deputies.models import Mandate, MandateStatus, Person
from renda.meetings.models import Attendance, AttendanceStatus, ExcusedAbsence, MeetingKind, MeetingStatus, Session
from renda.organizations import selectors as org_selectors
from renda.organizations.models import Term

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
    return _missed_by_term([term], person_ids=person_ids).get(term.pk, {})


def _missed_by_term(terms: list[Term], person_ids: list[int] | None = None) -> dict[int, dict[int, list[Session]]]:
    """term id → person id → missed sessions, for several terms in three queries whatever their number."""
    rows = Attendance.objects.filter(
        meeting__term__in=terms, meeting__session__isnull=False, meeting__body__isnull=True,
        meeting__kind__in=SITTING_KINDS, meeting__status=MeetingStatus.CLOSED)
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    seen: dict[tuple[int, int, int], set[str]] = defaultdict(set)
    for term_id, person_id, session_id, status in rows.values_list(
            "meeting__term_id", "person_id", "meeting__session_id", "status"):
        seen[(term_id, person_id, session_id)].add(status)
    excused = ExcusedAbsence.objects.filter(session__term__in=terms)
    if person_ids is not None:
        excused = excused.filter(person_id__in=person_ids)
    excused_pairs = set(excused.values_list("person_id", "session_id"))
    missed: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (term_id, person_id, session_id), statuses in seen.items():
        if (AttendanceStatus.PRESENT not in statuses and AttendanceStatus.ABSENT in statuses
                and (person_id, session_id) not in excused_pairs):
            missed[(term_id, person_id)].append(session_id)
    sessions = Session.objects.in_bulk([sid for ids in missed.values() for sid in ids])
    out: dict[int, dict[int, list[Session]]] = defaultdict(dict)
    for (term_id, person_id), ids in missed.items():
        out[term_id][person_id] = sorted((sessions[sid] for sid in ids), key=lambda s: (s.starts_on, s.number))
    return out


def _proposals(terms: list[Term]) -> list[Proposal]:
    """The proposals of the terms, in the terms' order, then by name: four queries for any number of terms."""
    missed = _missed_by_term(terms)
    due = {(term_id, pid): sessions for term_id, people in missed.items() for pid, sessions in people.items()
           if len(sessions) >= ABSENCES_ENDING_A_MANDATE}
    if not due:
        return []
    mandates = (Mandate.objects.filter(term__in=[t for t, _ in due], status=MandateStatus.ACTIVE,
                                       person_id__in={p for _, p in due})
                .select_related("person").order_by("person__name", "person_id"))
    rank = {t.pk: i for i, t in enumerate(terms)}
    found = [Proposal(mandate=m, person=m.person, sessions=due[(m.term_id, m.person_id)])
             for m in mandates if (m.term_id, m.person_id) in due]
    return sorted(found, key=lambda p: rank[p.mandate.term_id])  # stable: names stay in order within a term


def termination_proposals(*, user: Any) -> list[Proposal]:
    """The proposals of every congress the staff member can see (their township, or the county and below)."""
    terms = list(Term.objects.filter(is_current=True, congress__in=org_selectors.congresses_visible(user=user))
                 .order_by("congress__region__path", "congress_id"))
    return _proposals(terms)


def proposal_for(mandate: Mandate) -> Proposal | None:
    """The mandate's proposal if the rule holds for it now (the confirmation re-checks with this)."""
    if mandate.status != MandateStatus.ACTIVE:
        return None
    sessions = missed_sessions(term=mandate.term, person_ids=[mandate.person_id]).get(mandate.person_id, [])
    if len(sessions) < ABSENCES_ENDING_A_MANDATE:
        return None
    return Proposal(mandate=mandate, person=mandate.person, sessions=sessions)
