"""The mandate's state table (代表资格的状态).

A mandate is 在任 from election until it ends in one of five ways; an ended mandate is final: a deputy who
returns is elected anew and gets a new mandate, so the history of the old one stays as it was.

| from | event | to | source |
|---|---|---|---|
| 在任 active | resign | 辞职 resigned | 代表法第四十九条（辞职被接受） |
| 在任 active | recall | 罢免 recalled | 代表法第四十九条、选举法第十章 |
| 在任 active | terminate | 终止 terminated | 代表法第四十九条（如未经批准两次不出席会议） |
| 在任 active | decease | 去世 deceased | 代表法第四十九条 |
| 在任 active | move | 调离 moved | 代表法第四十九条（迁出或调离本行政区域） |

Every move needs a date and a reason, and writes an audit entry (services.mandate_change_status).
"""

from __future__ import annotations

from renda.core.errors import InvalidTransition
from renda.deputies.models import MandateStatus

S = MandateStatus

# state → {event: next state}
TRANSITIONS: dict[str, dict[str, str]] = {
    S.ACTIVE: {
        "resign": S.RESIGNED,
        "recall": S.RECALLED,
        "terminate": S.TERMINATED,
        "decease": S.DECEASED,
        "move": S.MOVED,
    },
    S.RESIGNED: {},
    S.RECALLED: {},
    S.TERMINATED: {},
    S.DECEASED: {},
    S.MOVED: {},
}

END_STATUSES = frozenset(state for state, events in TRANSITIONS.items() if not events)
EVENT_FOR_STATUS = {target: event for events in TRANSITIONS.values() for event, target in events.items()}


def allowed_events(status: str) -> dict[str, str]:
    return dict(TRANSITIONS.get(status, {}))


def next_status(current: str, target: str) -> str:
    """`target` if the table allows moving there from `current`; InvalidTransition otherwise."""
    if target in TRANSITIONS.get(current, {}).values():
        return target
    current_label = S(current).label if current in S.values else current
    target_label = S(target).label if target in S.values else target
    if current in END_STATUSES:
        message = f"代表资格已“{current_label}”，不能再变更为“{target_label}”"
    else:
        message = f"代表资格不能从“{current_label}”变更为“{target_label}”"
    raise InvalidTransition(message, fields={"status": [message]}, current=current, target=target)
