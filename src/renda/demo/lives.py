"""The path of each life of a suggestion through the state table (suggestions/workflow.py), as a script of
events with working-day gaps: `script(story, item)` writes it and dates it (session suggestions from the session,
recess ones so that they end inside the window of their life, ENDS)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from . import topics as tx
from .scripts import Ev, Script
from .story import Story

if TYPE_CHECKING:
    from .suggestions import Item

COUNTY_SESSION_DAYS = (date(2026, 1, 13), date(2026, 1, 14))  # suggestions and bills are handed in at the session
HOME_SESSION_DAY = date(2026, 1, 20)
MERGE_DAY = date(2026, 1, 28)
KEY_DAY = date(2026, 2, 6)  # the chairpersons' meeting picks the key suggestions
ASSIGNMENT_DAY = date(2026, 2, 10)  # 交办会
RECESS_FROM = date(2026, 2, 2)
ACTIVITY_FROM = date(2026, 6, 22)  # after the deliberation activity of 18 June (liaison.py)

# When the last step of a recess suggestion of each life falls (the window its story ends in).
ENDS: dict[str, tuple[date, date]] = {
    "replied": (date(2026, 10, 26), date(2026, 11, 19)), "evaluated": (date(2026, 11, 2), date(2026, 11, 19)),
    "rehandling": (date(2026, 11, 2), date(2026, 11, 12)), "handling": (date(2026, 11, 2), date(2026, 11, 19)),
    "assigned": (date(2026, 11, 16), date(2026, 11, 19)), "accepted": (date(2026, 11, 16), date(2026, 11, 19)),
    "submitted": (date(2026, 11, 12), date(2026, 11, 19)), "draft": (date(2026, 11, 9), date(2026, 11, 19)),
    "returned": (date(2026, 9, 1), date(2026, 11, 10)), "withdrawn_draft": (date(2026, 3, 2), date(2026, 10, 30)),
    "closed": (date(2026, 6, 1), date(2026, 10, 30)), "overdue": (date(2026, 8, 3), date(2026, 8, 14)),
}

S, R, A = "session", "recess", "activity"


def script(story: Story, item: Item) -> list[Ev]:
    rng = story.rng
    sc = Script(rng)
    session = item.channel == S
    county = item.congress.pk == story.county.pk
    life = item.life
    _intake(sc, item, submit=life not in ("draft", "withdrawn_draft"), same_day=session)
    build = LIVES[life]
    build(sc, item, session and county, rng)
    if session:
        start = rng.choice(COUNTY_SESSION_DAYS) if county else HOME_SESSION_DAY
        if item.kind == "bill":
            start = COUNTY_SESSION_DAYS[0] if county else HOME_SESSION_DAY
        return sc.realize(start, story.days)
    if item.channel == A:
        return sc.realize(story.days.after(ACTIVITY_FROM, rng.randint(0, 3)), story.days)
    if life == "linked":
        return sc.realize(date(2026, 4, 7), story.days)
    window = ENDS[_window(life)]
    target = window[0] + (window[1] - window[0]) * rng.random()
    return sc.ending(story.days.workday(target), RECESS_FROM, story.days)


def _window(life: str) -> str:
    return {"closed_follow_up": "closed", "closed_rehandling": "closed"}.get(life, life)


def _intake(sc: Script, item: Item, *, submit: bool, same_day: bool) -> None:
    """Written, co-signed and handed in; at a session all on one day (the session lasts three)."""
    gap = 0 if same_day else 1
    sc.then("create")
    for person in item.confirming:
        sc.then("cosign", 0, gap, person=person)
    if submit:
        sc.then("submit", 0, gap)


def _review(sc: Script, item: Item) -> None:
    sc.then("review", 3, 8, decision="accept")


def _assign(sc: Script, item: Item, at_meeting: bool) -> None:
    if at_meeting and "key" in item.marks:
        sc.on("key", KEY_DAY, 15, 0)
    if at_meeting:
        sc.on("assign", ASSIGNMENT_DAY, 9, 0)
    else:
        sc.then("assign", 1, 4)


def _handle(sc: Script, item: Item, rng: Any, contacts: int = 1) -> None:
    sc.then("accept", 1, 4)
    for unit in item.co_units:
        if "co_transport" in item.marks and unit.name == tx.TRANSPORT:
            continue  # 县交通运输局 still owes its opinion: work for the `unit` login
        sc.then("opinion", 2, 10, unit=unit)
    for _ in range(contacts):
        sc.then("contact", 3, 12, method=rng.choice(("meeting", "meeting", "phone", "letter")))
    if "key" in item.marks:
        sc.then("progress", 5, 15, kind="progress")
        sc.then("progress", 3, 10, kind="supervision")


def _result(item: Item, rng: Any) -> str:
    for cls in ("A", "B", "C", "D"):
        if cls in item.marks:
            return cls
    return "A" if rng.random() < 0.85 else "D"


def _answered(sc: Script, item: Item, at_meeting: bool, rng: Any, cls: str | None = None) -> str:
    _review(sc, item)
    _assign(sc, item, at_meeting)
    _handle(sc, item, rng, contacts=rng.choice((1, 1, 2)))
    cls = cls or _result(item, rng)
    sc.then("reply", 8, 25, cls=cls)
    if "key" in item.marks:
        sc.then("progress", 1, 3, kind="feedback")
    if "publish" in item.marks:
        sc.then("publish", 4, 10)
    return cls


def _satisfied(cls: str, rng: Any) -> str:
    return "basically_satisfied" if cls == "D" or rng.random() < 0.3 else "satisfied"


def _closed(sc: Script, item: Item, m: bool, rng: Any) -> None:
    cls = _answered(sc, item, m, rng)
    sc.then("evaluate", 3, 12, sat=_satisfied(cls, rng))
    sc.then("close", 2, 8)


def _closed_follow_up(sc: Script, item: Item, m: bool, rng: Any) -> None:
    _answered(sc, item, m, rng, cls="B")
    sc.then("evaluate", 3, 10, sat="satisfied")
    sc.then("contact", 20, 40, method="phone")
    sc.then("reply", 20, 45, cls="A", text="second")
    sc.then("evaluate", 3, 10, sat="satisfied")
    sc.then("close", 2, 6)


def _closed_rehandling(sc: Script, item: Item, m: bool, rng: Any) -> None:
    _rehandling(sc, item, m, rng)
    sc.then("contact", 2, 6, method="meeting")
    sc.then("reply", 4, 12, cls="A", text="rehandling")
    sc.then("evaluate", 3, 8, sat="satisfied")
    sc.then("close", 2, 6)


def _closed_late(sc: Script, item: Item, m: bool, rng: Any) -> None:
    _review(sc, item)
    _assign(sc, item, m)
    _handle(sc, item, rng)
    sc.then("reply", 30, 40, cls="A", late=True)
    sc.then("evaluate", 3, 10, sat="basically_satisfied")
    sc.then("close", 2, 6)


def _closed_misrouted(sc: Script, item: Item, m: bool, rng: Any) -> None:
    _review(sc, item)
    _assign(sc, item, m)
    sc.specs[-1].params["unit"] = item.wrong_unit
    sc.then("return", 1, 4, unit=item.wrong_unit)
    sc.then("assign", 1, 3)
    _handle(sc, item, rng)
    sc.then("reply", 8, 25, cls="A")
    sc.then("evaluate", 3, 10, sat="satisfied")
    sc.then("close", 2, 6)


def _follow_up(sc: Script, item: Item, m: bool, rng: Any) -> None:
    cls = _answered(sc, item, m, rng, cls="C" if "C" in item.marks else "B")
    sc.then("evaluate", 3, 10, sat=_satisfied(cls, rng))


def _overdue_extended(sc: Script, item: Item, m: bool, rng: Any) -> None:
    _review(sc, item)
    _assign(sc, item, m)
    _handle(sc, item, rng)
    sc.then("extend", 10, 20, months=6)
    sc.then("contact", 30, 50, method="meeting")


def _overdue(sc: Script, item: Item, m: bool, rng: Any) -> None:
    _review(sc, item)
    _assign(sc, item, m)
    sc.then("accept", 1, 4)
    sc.then("contact", 5, 15, method="phone")


def _primary(sc: Script, item: Item, m: bool, rng: Any) -> None:
    sc.then("review", 2, 6, decision="accept")  # before the merge
    sc.on("merge", MERGE_DAY, 10, 0)
    _closed_after_review(sc, item, m, rng)


def _closed_after_review(sc: Script, item: Item, m: bool, rng: Any) -> None:
    _assign(sc, item, m)
    _handle(sc, item, rng)
    sc.then("reply", 8, 25, cls="A")
    sc.then("evaluate", 3, 12, sat="satisfied")
    sc.then("close", 2, 8)


def _member(sc: Script, item: Item, m: bool, rng: Any) -> None:
    sc.then("review", 2, 6, decision="accept")  # before the merge
    sc.on("accept", ASSIGNMENT_DAY, 15, rng.randint(0, 59))
    sc.then("reply", 20, 40, cls="A")
    sc.then("evaluate", 3, 12, sat=rng.choice(("satisfied", "basically_satisfied")))


def _returned(sc: Script, item: Item, m: bool, rng: Any) -> None:
    sc.then("review", 3, 8, decision="return", reason=item.return_reason)


def _resubmitted(sc: Script, item: Item, m: bool, rng: Any) -> None:
    sc.specs[0].params["vague"] = True
    sc.then("review", 3, 6, decision="return", reason="no_content")
    sc.then("revise", 2, 6)
    sc.then("submit", 0, 2)
    _review(sc, item)
    _assign(sc, item, False)
    _handle(sc, item, rng)
    sc.then("reply", 8, 25, cls="A")
    sc.then("evaluate", 3, 12, sat="satisfied")
    sc.then("close", 2, 8)


def _withdrawn(sc: Script, item: Item, m: bool, rng: Any) -> None:
    sc.then("withdraw", 1, 3, reason="经与有关部门沟通，该问题已在解决之中，主动撤回")


def _withdrawn_draft(sc: Script, item: Item, m: bool, rng: Any) -> None:
    sc.then("withdraw", 2, 10, reason="与其他代表的建议内容重复，不再提出")


def _bill_agenda(sc: Script, item: Item, m: bool, rng: Any) -> None:
    sc.on("decide", COUNTY_SESSION_DAYS[1] if m else HOME_SESSION_DAY, 17, 30, decision="agenda")


def _bill_suggestion(sc: Script, item: Item, m: bool, rng: Any) -> None:
    sc.on("decide", COUNTY_SESSION_DAYS[1], 17, 40, decision="as_suggestion")
    _closed_after_review(sc, item, m, rng)


def _linked(sc: Script, item: Item, m: bool, rng: Any) -> None:
    sc.then("link", 1, 3)
    _review(sc, item)
    _assign(sc, item, False)
    _handle(sc, item, rng)
    sc.then("reply", 8, 20, cls="A")
    sc.right_after("answers", 15)
    sc.then("evaluate", 3, 10, sat="satisfied")
    sc.then("close", 2, 6)


def _replied(sc: Script, item: Item, m: bool, rng: Any) -> None:
    _review(sc, item)
    _assign(sc, item, m)
    _handle(sc, item, rng)
    sc.then("reply", 10, 30, cls=_result(item, rng))


def _evaluated(sc: Script, item: Item, m: bool, rng: Any) -> None:
    _replied(sc, item, m, rng)
    sc.then("evaluate", 3, 10, sat="satisfied")


def _rehandling(sc: Script, item: Item, m: bool, rng: Any) -> None:
    _review(sc, item)
    _assign(sc, item, m)
    _handle(sc, item, rng)
    sc.then("reply", 10, 30, cls="A")
    sc.then("evaluate", 3, 10, sat="unsatisfied")


def _handling(sc: Script, item: Item, m: bool, rng: Any) -> None:
    _review(sc, item)
    _assign(sc, item, m)
    _handle(sc, item, rng)


def _assigned(sc: Script, item: Item, m: bool, rng: Any) -> None:
    _review(sc, item)
    _assign(sc, item, m)


def _nothing(sc: Script, item: Item, m: bool, rng: Any) -> None:
    pass


LIVES: dict[str, Callable[[Script, Item, bool, Any], None]] = {
    "closed": _closed, "closed_follow_up": _closed_follow_up, "closed_rehandling": _closed_rehandling,
    "closed_late": _closed_late, "closed_misrouted": _closed_misrouted, "follow_up": _follow_up,
    "overdue_extended": _overdue_extended, "overdue": _overdue, "primary": _primary, "member": _member,
    "returned": _returned, "resubmitted": _resubmitted, "withdrawn": _withdrawn,
    "withdrawn_draft": _withdrawn_draft, "bill_agenda": _bill_agenda, "bill_suggestion": _bill_suggestion,
    "linked": _linked, "replied": _replied, "evaluated": _evaluated, "rehandling": _rehandling,
    "handling": _handling, "assigned": _assigned, "accepted": lambda sc, i, m, r: _review(sc, i),
    "submitted": _nothing, "draft": _nothing,
}
