"""The state tables of meetings, agenda items, leave requests, votes and elections (data, not code paths).

Meeting (会议)
| from | event | to | condition |
|---|---|---|---|
| 筹备中 planned | start | 进行中 in_progress | quorum ⌈2N/3⌉ present [law] (not for 分组审议) |
| 筹备中 planned | cancel | 已取消 cancelled | |
| 进行中 in_progress | close | 已结束 closed | no vote open; absentees written as absent or on leave |

Agenda item (议程): pending → open → current → close → done; one current item per meeting; the meeting runs.

Leave request (请假): pending → approve → approved | pending → refuse → refused.

Vote round (表决): draft → open → open → close → closed. Opening freezes the eligible voters; closing seals the
result. A closed round is final: a re-vote creates a new round (revote) and keeps this one.

Election (选举): nominating → ballot (first round opens) → balloting → complete (all seats filled or the clerk
ends it) → completed.
"""

from __future__ import annotations

from typing import Any

from renda.core.errors import InvalidTransition
from renda.meetings.models import AgendaItemStatus, ElectionStatus, LeaveStatus, MeetingStatus, VoteStatus

M, A, L, V, E = MeetingStatus, AgendaItemStatus, LeaveStatus, VoteStatus, ElectionStatus

MEETING: dict[str, dict[str, str]] = {
    M.PLANNED: {"start": M.IN_PROGRESS, "cancel": M.CANCELLED},
    M.IN_PROGRESS: {"close": M.CLOSED},
    M.CLOSED: {},
    M.CANCELLED: {},
}
AGENDA_ITEM: dict[str, dict[str, str]] = {
    A.PENDING: {"open": A.CURRENT},
    A.CURRENT: {"close": A.DONE},
    A.DONE: {},
}
LEAVE: dict[str, dict[str, str]] = {
    L.PENDING: {"approve": L.APPROVED, "refuse": L.REFUSED},
    L.APPROVED: {},
    L.REFUSED: {},
}
VOTE: dict[str, dict[str, str]] = {
    V.DRAFT: {"open": V.OPEN},
    V.OPEN: {"close": V.CLOSED},
    V.CLOSED: {},
}
ELECTION: dict[str, dict[str, str]] = {
    E.NOMINATING: {"ballot": E.BALLOTING},
    E.BALLOTING: {"complete": E.COMPLETED},
    E.COMPLETED: {},
}

TABLES: dict[str, tuple[dict[str, dict[str, str]], Any, str]] = {
    "meeting": (MEETING, MeetingStatus, "会议"),
    "agenda_item": (AGENDA_ITEM, AgendaItemStatus, "议程"),
    "leave": (LEAVE, LeaveStatus, "请假"),
    "vote": (VOTE, VoteStatus, "表决"),
    "election": (ELECTION, ElectionStatus, "选举"),
}
EVENT_LABELS = {"start": "开始", "cancel": "取消", "close": "结束", "open": "开始", "approve": "批准",
                "refuse": "不批准", "ballot": "投票", "complete": "完成"}


def allowed(machine: str, status: str) -> dict[str, str]:
    return dict(TABLES[machine][0].get(status, {}))


def next_status(machine: str, status: str, event: str) -> str:
    """The state `event` leads to from `status`, or InvalidTransition (409) naming both."""
    table, labels, noun = TABLES[machine]
    target = table.get(status, {}).get(event)
    if target is not None:
        return target
    current = labels(status).label if status in labels.values else status
    message = f"{noun}当前为“{current}”，不能{EVENT_LABELS.get(event, event)}"
    raise InvalidTransition(message, fields={"status": [message]}, current=status, event=event)
