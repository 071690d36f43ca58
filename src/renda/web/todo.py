"""待办: what is waiting for the signed-in user, for the home page.

Each line counts what one list of the platform shows when opened from it (its link carries that list's filters), and
names the first few, soonest due first, with a link to each. Lines with nothing waiting are left out. Every count is
read through the apps' own scope rules (suggestions.selectors.visible, liaison.selectors.opinions_visible,
meetings.selectors.meetings_visible; a deputy's followed opinions and reception days as 我的联络站 reads them), so
the home page shows nothing a user could not open:

- staff (county, township): suggestions and bills to review or decide (已提交), suggestions to assign (已立案待交办, by
  their 应交办日期), overdue (超期) and to close (已评价); constituents' opinions awaiting a reply, overdue first;
  meetings under way or in the coming 30 days (the meetings list with ?upcoming=1);
- a handling unit: suggestions it leads to sign for (已交办, by the assignment's 退回期限) and to answer (办理中, 重新
  办理, 跟踪办理, by the 答复期限), those it co-handles whose 协办意见 it has not sent (by that opinion's deadline),
  and opinions assigned to it awaiting its reply;
- a deputy: drafts they were asked to co-sign (附议) while in office, their own returned for revision, drafts, replies
  to judge (满意度测评); opinions they follow that await a reply; their meetings and reception days (the days 我的联络站
  shows: the next 90, at stations and on schedules still in use where they still serve);
- everyone: unread messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from renda.core.roles import STAFF_ROLES, Role

SHOWN = 3  # items named per line


@dataclass
class Item:
    title: str
    url: str
    due: date | None = None  # a deadline, or the day of a meeting or reception
    overdue: bool = False
    tag: str = ""  # a word shown beside it (a meeting under way: 进行中)


@dataclass
class Line:
    key: str  # names the line for tests and the page's data-testid
    label: str
    count: int
    url: str  # the list that shows exactly these
    items: list[Item] = field(default_factory=list)
    overdue: int = 0  # how many of them are past their deadline
    unit: str = "件"  # the counting word: 件 suggestions, 条 opinions and messages, 个 meetings, 次 reception duties


def _url(name: str, *args: Any, **query: Any) -> str:
    path = reverse(name, args=args)
    return f"{path}?{urlencode(query)}" if query else path


def _title(s: Any) -> str:
    return f"{s.number + ' ' if s.number else ''}{s.title}"


def _counts(qs: QuerySet[Any], late: Q | None) -> dict[str, int]:
    """A line's count (`n`) and its overdue count (`late`, 0 without a rule) in one pass over the rows (two counts
    before the nineteenth session)."""
    counts = qs.aggregate(n=Count("pk"), **({"late": Count("pk", filter=late)} if late is not None else {}))
    return {"n": counts["n"], "late": counts.get("late", 0)}


def _suggestion_line(key: str, label: str, qs: QuerySet[Any], today: date, *, due: str | None = None,
                     late: Q | None = None, **query: Any) -> Line | None:
    """`due`: the suggestion's date field this line waits on (答复期限 `deadline`, 应交办日期 `assign_due`): the
    first named are those due soonest, and those `late` are marked and counted as overdue (by default, those past
    `due`; a line of reply deadlines passes the suggestion list's own rule, `selectors.overdue_q`)."""
    late = late if late is not None or not due else Q(**{f"{due}__lt": today})
    counts = _counts(qs, late)
    if not counts["n"]:
        return None
    if late is not None:
        qs = qs.annotate(late=ExpressionWrapper(late, output_field=BooleanField()))
    first = list(qs.only("pk", "title", "number", *([due] if due else [])).order_by(
        *([F(due).asc(nulls_last=True)] if due else []), "pk")[:SHOWN])
    items = [Item(_title(s), reverse("suggestions:detail", args=[s.pk]), getattr(s, due) if due else None,
                  bool(getattr(s, "late", False))) for s in first]
    return Line(key, label, counts["n"], _url("suggestions:list", **query), items, counts["late"])


def _assignment_line(key: str, label: str, assignments: QuerySet[Any], today: date, due: str, url: str
                     ) -> Line | None:
    """A unit's line read from its assignments (交办), each waiting on the assignment's own date `due` (退回期限
    `accept_due`, 协办意见期限 `opinion_due`)."""
    counts = _counts(assignments, Q(**{f"{due}__lt": today}))
    if not counts["n"]:
        return None
    first = list(assignments.select_related("suggestion").order_by(F(due).asc(nulls_last=True), "pk")[:SHOWN])
    items = [Item(_title(a.suggestion), reverse("suggestions:detail", args=[a.suggestion_id]), getattr(a, due),
                  bool(getattr(a, due) and getattr(a, due) < today)) for a in first]
    return Line(key, label, counts["n"], url, items, counts["late"])


def _opinion_line(key: str, label: str, qs: QuerySet[Any], today: date, url: str, *, each: bool = True
                  ) -> Line | None:
    """`each`: link each opinion to its page (staff, units); else to the line's list (a deputy's 我的联络站)."""
    counts = _counts(qs, Q(deadline__lt=today))
    if not counts["n"]:
        return None
    from renda.liaison.models import Opinion

    first = Opinion.masked_together(qs.order_by("deadline", "pk")[:SHOWN])
    items = [Item((o.listed_content.strip().splitlines() or ["（无内容）"])[0][:40],
                  reverse("liaison:opinion_detail", args=[o.pk]) if each else url, o.deadline, o.deadline < today)
             for o in first]
    return Line(key, label, counts["n"], url, items, counts["late"], "条")


def _meeting_line(user: Any, today: date, *, phone: bool) -> Line | None:
    from renda.meetings.models import MeetingStatus
    from renda.meetings.selectors import meetings_visible, upcoming

    qs = upcoming(meetings_visible(user=user), today)
    count = qs.count()
    if not count:
        return None
    items = [Item(m.title, reverse("meetings:phone" if phone else "meetings:run", args=[m.pk]),
                  timezone.localtime(m.starts_at).date(),
                  tag="进行中" if m.status == MeetingStatus.IN_PROGRESS else "") for m in qs[:SHOWN]]
    return Line("meetings", "近期会议", count, _url("meetings:list", upcoming=1), items, unit="个")


def _staff(user: Any, today: date) -> list[Line | None]:
    from renda.liaison import selectors as liaison
    from renda.liaison.workflow import AWAITING_REPLY
    from renda.suggestions.models import Status
    from renda.suggestions.selectors import overdue_q, visible

    seen = visible(user=user)

    def in_status(key: str, label: str, status: str, due: str | None = None) -> Line | None:
        return _suggestion_line(key, label, seen.filter(status=status), today, due=due, status=status)

    return [
        in_status("review", "待审查的建议、议案", Status.SUBMITTED),
        in_status("assign", "待交办的建议", Status.ACCEPTED, due="assign_due"),
        _suggestion_line("late", "超期未答复的建议", seen.filter(overdue_q(today)), today, due="deadline",
                         late=overdue_q(today), overdue=1),
        in_status("close", "待办结的建议", Status.EVALUATED),
        _opinion_line("opinions", "待答复的群众意见", liaison.opinions_visible(user=user).filter(
            status__in=AWAITING_REPLY), today, _url("liaison:opinions", view="open")),
    ]


def _unit(user: Any, today: date) -> list[Line | None]:
    from renda.liaison import selectors as liaison
    from renda.liaison.models import OpinionStatus
    from renda.suggestions.models import Assignment, Status, UnitRole
    from renda.suggestions.selectors import awaiting_co_opinion, overdue_q, visible

    seen = visible(user=user)
    answering = (Status.HANDLING, Status.REHANDLING, Status.FOLLOW_UP)
    mine = Assignment.objects.filter(unit_id=user.unit_id, active=True, suggestion__in=seen)
    return [
        _assignment_line("sign", "待签收的建议（主办）", mine.filter(
            role=UnitRole.LEAD, suggestion__status=Status.ASSIGNED), today, "accept_due",
            _url("suggestions:list", status=Status.ASSIGNED, lead_unit=user.unit_id)),
        _suggestion_line("answer", "待答复的建议（主办）", seen.filter(lead_unit_id=user.unit_id, status__in=answering),
                         today, due="deadline", late=overdue_q(today), status=",".join(answering),
                         lead_unit=user.unit_id),
        _assignment_line("co_opinion", "待提出协办意见的建议", mine.filter(
            role=UnitRole.CO, suggestion__in=awaiting_co_opinion(seen, user.unit_id)), today, "opinion_due",
            _url("suggestions:list", co_opinion=1)),
        _opinion_line("opinions", "待答复的群众意见", liaison.opinions_visible(user=user).filter(
            status=OpinionStatus.ASSIGNED), today, _url("liaison:opinions", status=OpinionStatus.ASSIGNED)),
    ]


def _deputy(user: Any, today: date) -> list[Line | None]:
    from renda.liaison.selectors import DEPUTY_DAYS_AHEAD, followed_open, upcoming_duties
    from renda.suggestions.models import Status
    from renda.suggestions.selectors import awaiting_cosign, visible

    seen = visible(user=user)
    mine = seen.filter(lead_deputy_id=user.person_id)

    def led(key: str, label: str, status: str) -> Line | None:
        return _suggestion_line(key, label, mine.filter(status=status), today, status=status, mine=1)

    lines = [
        _suggestion_line("cosign", "请您附议的建议", awaiting_cosign(seen, user.person_id), today, cosign=1),
        led("returned", "退回待修改的建议", Status.RETURNED),
        led("evaluate", "待您评价的答复", Status.REPLIED),
        led("drafts", "未提交的草稿", Status.DRAFT),
        _opinion_line("opinions", "您跟进的待答复群众意见", followed_open(user.person_id), today,
                      reverse("liaison:me"), each=False),
    ]
    duties = upcoming_duties(person_id=user.person_id, today=today, days=DEPUTY_DAYS_AHEAD)
    if count := duties.count():
        lines.append(Line("duties", "近期接待日", count, reverse("liaison:me"), [
            Item(d.schedule.station.name, reverse("liaison:me"), d.date) for d in duties[:SHOWN]], unit="次"))
    return lines


def todo(user: Any) -> list[Line]:
    """The home page's 待办 of the user (see the module's docstring), in the order the page shows them."""
    from renda.notifications.selectors import unread_count
    from renda.suggestions.services import today as suggestions_today

    today = suggestions_today()  # the date the suggestion lists count deadlines from (tests move it)
    role = getattr(user, "role", None)
    lines: list[Line | None] = []
    if role in STAFF_ROLES:
        lines += [*_staff(user, today), _meeting_line(user, today, phone=False)]
    elif role == Role.UNIT_USER and user.unit_id:
        lines += _unit(user, today)
    elif role == Role.DEPUTY and user.person_id:
        lines += [*_deputy(user, today), _meeting_line(user, today, phone=True)]
    if unread := unread_count(user=user):
        lines.append(Line("unread", "未读消息", unread, _url("notifications:inbox", unread=1), unit="条"))
    return [line for line in lines if line is not None]
