"""What the hall screen and the clerk's live panel show: the item, who is signed in, the round under way (only how
many have voted, for a secret round) and the sealed result once closed. Nothing personal, nothing per ballot."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from renda.meetings import law, selectors
from renda.meetings.models import AgendaItem, Meeting, VoteKind
from renda.meetings.results import result_view
from renda.meetings.services import close_if_due


def live_context(meeting: Meeting) -> dict[str, Any]:
    meeting.refresh_from_db(fields=["status", "version"])
    members = selectors.members(meeting).count()
    vote = selectors.current_vote(meeting)
    if vote is not None:
        vote = close_if_due(vote)
    result = result_view(vote) if vote is not None else None
    candidates: list[dict[str, Any]] = []
    if result and vote is not None and vote.kind == VoteKind.ELECTION and result.get("counts"):
        elected = set(result["counts"].get("elected", []))
        candidates = [{**c, "elected": c["name"] in elected} for c in result["counts"].get("candidates", [])]
        candidates += [{"name": n, "yes": v, "no": None, "abstain": None, "elected": n in elected, "write_in": True}
                       for n, v in (result["counts"].get("write_ins") or {}).items()]
    grades: list[dict[str, Any]] = []
    if result and vote is not None and vote.kind == VoteKind.SATISFACTION and result.get("counts"):
        from renda.meetings.models import Satisfaction

        grades = [{"label": label, "n": result["counts"].get(code, 0)} for code, label in Satisfaction.choices]
    return {
        "meeting": meeting, "live_members": members, "live_present": selectors.present_count(meeting),
        "live_quorum": law.quorum(members),
        "live_item": AgendaItem.objects.filter(meeting=meeting, status="current").first(),
        "live_vote": vote, "live_result": result, "live_candidates": candidates, "live_grades": grades,
        "live_at": timezone.localtime(),
    }
