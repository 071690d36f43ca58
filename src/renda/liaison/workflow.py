"""The opinion's state table (群众意见的办理流程, DOMAIN.md §4: 有诉必复).

| from | event | to | rule |
|---|---|---|---|
| 已登记 received | accept | 办理中 accepted | classified, a responsible person named |
| 已登记 received | reject | 不予受理 not_accepted | only in litigation or arbitration, the reason given back |
| 已登记 received | reply | 已答复 replied | answered on the spot (当场答复) |
| 办理中 accepted, 重新办理 reopened | assign | 已转办 assigned | to the township government or a county department |
| 已转办 assigned | assign | 已转办 assigned | re-routed to another unit |
| accepted, reopened | to_suggestion | 已转为代表建议 to_suggestion | several opinions → one suggestion |
| received, accepted, assigned, reopened | merge | 已合并办理 merged | the same complaint as another open one |
| accepted, assigned, to_suggestion, reopened | reply | 已答复 replied | the reply goes back to the constituent |
| 已合并办理 merged | reply | 已答复 replied | automatic: with the reply to the one it was merged into |
| 已答复 replied | evaluate | 已办结 closed | 满意/基本满意, or 不满意 after the reopen limit [setting] (or by 回访) |
| 已答复 replied | reopen | 重新办理 reopened | 不满意 while reopenings remain [setting, default 1] |
| 已答复 replied | close | 已办结 closed | staff close it (no judgment came) |

Every event is one service in services/opinions.py: atomic, version-checked, audited before → after.
"""

from __future__ import annotations

from renda.core.errors import InvalidTransition
from renda.liaison.models import ActivityStatus, OpinionStatus

S = OpinionStatus

TRANSITIONS: dict[str, dict[str, str]] = {
    S.RECEIVED: {"accept": S.ACCEPTED, "reject": S.NOT_ACCEPTED, "reply": S.REPLIED, "merge": S.MERGED},
    S.ACCEPTED: {"assign": S.ASSIGNED, "to_suggestion": S.TO_SUGGESTION, "reply": S.REPLIED, "merge": S.MERGED},
    S.ASSIGNED: {"assign": S.ASSIGNED, "reply": S.REPLIED, "merge": S.MERGED},
    S.TO_SUGGESTION: {"reply": S.REPLIED},
    S.REOPENED: {"assign": S.ASSIGNED, "to_suggestion": S.TO_SUGGESTION, "reply": S.REPLIED, "merge": S.MERGED},
    S.MERGED: {"reply": S.REPLIED, "reject": S.NOT_ACCEPTED},
    S.REPLIED: {"evaluate": S.CLOSED, "reopen": S.REOPENED, "close": S.CLOSED},
    S.NOT_ACCEPTED: {},
    S.CLOSED: {},
}

EVENT_LABELS = {
    "accept": "受理", "reject": "不予受理", "reply": "答复", "assign": "转办", "to_suggestion": "转为代表建议",
    "evaluate": "评价", "reopen": "重新办理", "close": "办结", "merge": "合并办理",
}

FINAL = frozenset(s for s, events in TRANSITIONS.items() if not events)
# States in which the reply clock runs: reminders before the deadline, escalation after it. An opinion turned
# into a deputy suggestion is chased through the suggestion's own deadline (3 months, DOMAIN.md §3) instead, and
# gets its reply when the suggestion is answered (services/conversion.py); a merged one with its primary's reply,
# whose deadline is the earlier of the two (services/opinions.py, opinion_merge).
AWAITING_REPLY = frozenset({S.RECEIVED, S.ACCEPTED, S.ASSIGNED, S.REOPENED})
# States an opinion can be merged from, and so also the open ones another opinion can be merged into (合并办理)
MERGEABLE = frozenset(s for s, events in TRANSITIONS.items() if "merge" in events)


# moves the platform makes by itself, never a person: a merged opinion is answered, or refused (不予受理), with its
# primary (services/opinions.py: reply_merged, opinion_reject)
AUTOMATIC: dict[str, frozenset[str]] = {S.MERGED: frozenset({"reply", "reject"})}


def allowed_events(status: str) -> list[str]:
    """The events a person may trigger now (the automatic ones left out)."""
    automatic = AUTOMATIC.get(status, frozenset())
    return [e for e in TRANSITIONS.get(status, {}) if e not in automatic]


def next_status(current: str, event: str) -> str:
    """The state `event` leads to from `current`; InvalidTransition when the table has no such move."""
    target = TRANSITIONS.get(current, {}).get(event)
    if target is not None:
        return target
    label = S(current).label if current in S.values else current
    message = f"意见当前为“{label}”，不能{EVENT_LABELS.get(event, event)}"
    raise InvalidTransition(message, fields={"status": [message]}, current=current, event=event)


# --- deliberation activities and voter meetings (代表议政, 见面会; seed 002) ---------------------------------------
A = ActivityStatus

ACTIVITY_TRANSITIONS: dict[str, dict[str, str]] = {
    A.PLANNED: {"notify": A.NOTIFIED},
    A.NOTIFIED: {"publish": A.PUBLISHED},
    A.PUBLISHED: {"hold": A.HELD},
    A.HELD: {"hand_over": A.HANDED_OVER},
    A.HANDED_OVER: {},
}
ACTIVITY_EVENT_LABELS = {"notify": "通知代表", "publish": "向社会公布", "hold": "记录召开情况", "hand_over": "交办建议"}


def activity_next_status(current: str, event: str) -> str:
    target = ACTIVITY_TRANSITIONS.get(current, {}).get(event)
    if target is not None:
        return target
    label = A(current).label if current in A.values else current
    message = f"活动当前为“{label}”，不能{ACTIVITY_EVENT_LABELS.get(event, event)}"
    raise InvalidTransition(message, fields={"status": [message]}, current=current, event=event)
