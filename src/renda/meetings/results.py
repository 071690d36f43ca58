"""What a round's result says to a reader (API, clerk page, hall screen): the sealed result once closed; while
open, how many have voted, and per-choice counts only for a named round set to show them live."""

from __future__ import annotations

from typing import Any

from renda.meetings import law, selectors
from renda.meetings.models import Attendance, AttendanceStatus, Vote, VoteEligible, VoteKind, VoteResult, VoteStatus
from renda.meetings.services import live_counts


def result_view(vote: Vote) -> dict[str, Any]:
    base: dict[str, Any] = {"vote": vote.pk, "status": vote.status, "round": vote.round, "kind": vote.kind}
    if vote.status == VoteStatus.CLOSED:
        r = VoteResult.objects.get(vote=vote)
        yes_no = vote.kind == VoteKind.RESOLUTION and not r.void
        return base | {
            "yes": r.counts.get("yes") if yes_no else None, "no": r.counts.get("no") if yes_no else None,
            "abstain": r.counts.get("abstain") if yes_no else None, "not_voted": max(r.eligible - r.voted, 0),
            "eligible": r.eligible, "present": r.present, "voted": r.voted, "threshold": r.threshold,
            "passed": r.passed, "void": r.void, "basis": r.basis, "basis_code": r.basis_code, "counts": r.counts,
            "seal": r.seal, "sealed_at": r.sealed_at,
        }
    eligible = vote.eligible_count or 0
    voted = selectors.voted_count(vote)
    present = Attendance.objects.filter(
        meeting_id=vote.meeting_id, status=AttendanceStatus.PRESENT,
        person_id__in=VoteEligible.objects.filter(vote=vote).values("person_id")).count()
    live = live_counts(vote) if vote.status == VoteStatus.OPEN else None
    resolution = vote.kind == VoteKind.RESOLUTION
    return base | {
        "yes": live.get("yes") if live and resolution else None,
        "no": live.get("no") if live and resolution else None,
        "abstain": live.get("abstain") if live and resolution else None,
        "not_voted": max(eligible - voted, 0), "eligible": eligible, "present": present, "voted": voted,
        "threshold": law.majority_of_all(eligible) if eligible and vote.kind != VoteKind.SATISFACTION else None,
        "passed": None, "void": False, "counts": live, "seal": None, "sealed_at": None,
        "basis": "表决进行中" if vote.status == VoteStatus.OPEN else "表决尚未开始", "basis_code": vote.status,
    }
