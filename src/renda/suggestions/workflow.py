"""The state table of a suggestion and of a bill (DOMAIN.md §3), as data: state → event → possible next states,
and for each event who may take it.

Suggestion (建议):

| from | event | to | who |
|---|---|---|---|
| 草稿 draft | submit | 已提交 submitted | lead deputy |
| 草稿 draft | cosign | 草稿 draft | an invited co-signer (附议) |
| 草稿 draft | withdraw | 已撤回 withdrawn | lead deputy |
| 已提交 submitted | review | 已立案 accepted / 已退回 returned (with an inadmissibility reason) | staff |
| 已提交 submitted | withdraw | 已撤回 withdrawn | lead deputy |
| 已退回 returned | revise | 草稿 draft | lead deputy |
| 已退回 returned | withdraw | 已撤回 withdrawn | lead deputy |
| 已立案 accepted | assign | 已交办 assigned (one lead unit, co-units, deadline) | staff |
| 已立案 accepted | merge | 已立案 accepted (the primary, and the members handled with it) | staff |
| 已立案 accepted | withdraw | 已撤回 withdrawn | lead deputy |
| 已交办 assigned | accept | 办理中 handling | lead unit |
| 已交办 assigned | return | 已立案 accepted (misrouted, within the return period) | lead unit |
| 已交办 assigned | opinion | 已交办 assigned | co-unit |
| 已交办 assigned | extend | 已交办 assigned (≤ 6 months, reason recorded) | staff |
| 已交办, 办理中, 重新办理, 跟踪办理 | remind (催办) | (same; the units are told) | staff |
| 办理中 handling | contact | 办理中 handling (见面/电话/书面) | lead unit |
| 办理中 handling | opinion | 办理中 handling | co-unit |
| 办理中 handling | extend | 办理中 handling | staff |
| 办理中 handling | reply | 已答复 replied | lead unit |
| 已答复 replied | evaluate: satisfied, A/D | 已评价 evaluated | lead deputy |
| 已答复 replied | evaluate: satisfied, B/C | 跟踪办理 follow_up | lead deputy |
| 已答复 replied | evaluate: 不满意 | 重新办理 rehandling (new deadline [setting]) | lead deputy |
| 重新办理 rehandling | contact, opinion | 重新办理 rehandling | lead unit, co-unit |
| 重新办理 rehandling | reply | 已答复 replied | lead unit |
| 跟踪办理 follow_up | contact | 跟踪办理 follow_up | lead unit |
| 跟踪办理 follow_up | reply | 已答复 replied (the second reply when solved) | lead unit |
| 已评价 evaluated | close | 已办结 closed | staff |

Bill (议案): draft → submit (10+ signers at a county session, 5+ at a township session [law]) → submitted →
decide (presidium / chairpersons' meeting, reason recorded) → 列入会议议程 on_agenda, or handled as a suggestion:
it becomes a suggestion in 已立案 accepted and follows the table above. A bill is never reviewed or assigned.

已撤回, 已办结 and 列入会议议程 are final.
"""

from __future__ import annotations

from dataclasses import dataclass

from renda.core.errors import InvalidTransition
from renda.core.roles import Role
from renda.suggestions.models import Kind, Status

S = Status

SUGGESTION_TABLE: dict[str, dict[str, tuple[str, ...]]] = {
    S.DRAFT: {"submit": (S.SUBMITTED,), "cosign": (S.DRAFT,), "withdraw": (S.WITHDRAWN,)},
    S.SUBMITTED: {"review": (S.ACCEPTED, S.RETURNED), "withdraw": (S.WITHDRAWN,)},
    S.RETURNED: {"revise": (S.DRAFT,), "withdraw": (S.WITHDRAWN,)},
    S.WITHDRAWN: {},
    S.ACCEPTED: {"assign": (S.ASSIGNED,), "merge": (S.ACCEPTED,), "withdraw": (S.WITHDRAWN,)},
    S.ON_AGENDA: {},
    S.ASSIGNED: {"accept": (S.HANDLING,), "return": (S.ACCEPTED,), "opinion": (S.ASSIGNED,),
                 "extend": (S.ASSIGNED,), "remind": (S.ASSIGNED,)},
    S.HANDLING: {"contact": (S.HANDLING,), "opinion": (S.HANDLING,), "extend": (S.HANDLING,),
                 "reply": (S.REPLIED,), "remind": (S.HANDLING,)},
    S.REPLIED: {"evaluate": (S.EVALUATED, S.FOLLOW_UP, S.REHANDLING)},
    S.REHANDLING: {"contact": (S.REHANDLING,), "opinion": (S.REHANDLING,), "reply": (S.REPLIED,),
                   "remind": (S.REHANDLING,)},
    S.FOLLOW_UP: {"contact": (S.FOLLOW_UP,), "reply": (S.REPLIED,), "remind": (S.FOLLOW_UP,)},
    S.EVALUATED: {"close": (S.CLOSED,)},
    S.CLOSED: {},
}

BILL_TABLE: dict[str, dict[str, tuple[str, ...]]] = {
    S.DRAFT: {"submit": (S.SUBMITTED,), "cosign": (S.DRAFT,), "withdraw": (S.WITHDRAWN,)},
    S.SUBMITTED: {"decide": (S.ON_AGENDA, S.ACCEPTED), "withdraw": (S.WITHDRAWN,)},
    S.WITHDRAWN: {},
    S.ON_AGENDA: {},
}

TABLES = {Kind.SUGGESTION: SUGGESTION_TABLE, Kind.BILL: BILL_TABLE}


@dataclass(frozen=True)
class Actor:
    """Who takes an event: a role, and the actor's relation to the suggestion."""

    roles: frozenset[str]
    relation: str  # lead_deputy | co_signer | staff | lead_unit | co_unit
    label: str


LEAD_DEPUTY = Actor(frozenset({Role.DEPUTY}), "lead_deputy", "领衔代表")
CO_SIGNER = Actor(frozenset({Role.DEPUTY}), "co_signer", "附议代表")
STAFF = Actor(frozenset({Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF}), "staff", "人大工作人员")
LEAD_UNIT = Actor(frozenset({Role.UNIT_USER}), "lead_unit", "主办单位")
CO_UNIT = Actor(frozenset({Role.UNIT_USER}), "co_unit", "协办单位")

EVENTS: dict[str, Actor] = {
    "submit": LEAD_DEPUTY, "cosign": CO_SIGNER, "withdraw": LEAD_DEPUTY, "revise": LEAD_DEPUTY,
    "evaluate": LEAD_DEPUTY,
    "review": STAFF, "decide": STAFF, "assign": STAFF, "merge": STAFF, "extend": STAFF, "close": STAFF,
    "remind": STAFF,
    "accept": LEAD_UNIT, "return": LEAD_UNIT, "contact": LEAD_UNIT, "reply": LEAD_UNIT,
    "opinion": CO_UNIT,
}

EVENT_LABELS = {
    "submit": "提交", "cosign": "确认附议", "withdraw": "撤回", "revise": "修改后重新提交", "evaluate": "评价",
    "review": "审查", "decide": "议案处理决定", "assign": "交办", "merge": "并案办理", "extend": "延期",
    "close": "办结", "accept": "签收", "return": "退回（交办不当）", "contact": "沟通联系", "reply": "答复",
    "opinion": "协办意见", "remind": "催办",
}

FINAL_STATUSES = frozenset({S.WITHDRAWN, S.CLOSED, S.ON_AGENDA})
# Being handled by a unit: the reply deadline runs.
OPEN_HANDLING = frozenset({S.ASSIGNED, S.HANDLING, S.REHANDLING})


def table(kind: str) -> dict[str, dict[str, tuple[str, ...]]]:
    return TABLES[Kind(kind)]


def allowed(kind: str, status: str, event: str) -> bool:
    return event in table(kind).get(status, {})


def check(kind: str, status: str, event: str, target: str | None = None) -> str:
    """The next status (`target` when the event has several); InvalidTransition when the table refuses."""
    targets = table(kind).get(status, {}).get(event)
    if not targets:
        status_label = S(status).label if status in S.values else status
        what = "议案" if kind == Kind.BILL else "建议"
        message = f"{what}处于“{status_label}”状态，不能{EVENT_LABELS.get(event, event)}"
        raise InvalidTransition(message, fields={"status": [message]}, current=status, event=event)
    if target is None:
        return targets[0]
    if target not in targets:  # a service asked for a target its own event cannot reach: a bug, not input
        raise AssertionError(f"{event} from {status} cannot reach {target}")
    return target


def every_pair() -> list[tuple[str, str, str]]:
    """(kind, status, event) for every status of each kind's table and every event: what the tests walk."""
    return [(kind, status, event) for kind, tbl in TABLES.items() for status in tbl for event in EVENTS]
