"""待办: what is waiting for the signed-in user, for the home page.

Each line counts what one list of the platform shows when opened from it (its link carries that list's filters), and
names the first few, soonest due first, with a link to each. Lines with nothing waiting are left out. Every count is
read through the apps' own scope rules (suggestions.selectors.visible, liaison.selectors.opinions_visible,
meetings.selectors.meetings_visible), so the home page shows nothing a user could not open:

- staff (county, township): suggestions to review (已提交), to assign (已立案待交办), overdue (超期) and to close
  (已评价); constituents' opinions awaiting a reply, overdue first; meetings of the coming 30 days;
- a handling unit: suggestions it leads to sign for (已交办) and to answer (办理中, 重新办理, 跟踪办理), overdue
  first; those it co-handles whose 协办意见 it has not sent, by that opinion's deadline; opinions assigned to it
  awaiting its reply;
- a deputy: suggestions they were asked to co-sign (附议), their own returned for revision, drafts, replies to judge
  (满意度测评); opinions they follow that await a reply; their meetings and reception days of the coming 30 days;
- everyone: unread messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from renda.core.roles import STAFF_ROLES, Role

SHOWN = 3  # items named per line
AHEAD = timedelta(days=30)  # how far ahead meetings and reception days count as waiting


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
    unit: str = "件"  # the counting word: 件 suggestions, 条 opinions and messages, 个 meetings, 天 reception days


def _url(name: str, *args: Any, **query: Any) -> str:
    path = reverse(name, args=args)
    return f"{path}?{urlencode(query)}" if query else path


def _suggestion_line(key: str, label: str, qs: QuerySet[Any], today: date, **query: Any) -> Line | None:
    from renda.suggestions.selectors import is_overdue
    from renda.suggestions.workflow import OPEN_HANDLING

    count = qs.count()
    if not count:
        return None
    first = list(qs.only("pk", "title", "number", "status", "deadline").order_by("deadline", "pk")[:SHOWN])
    overdue = qs.filter(status__in=OPEN_HANDLING, deadline__lt=today).count()
    items = [Item(f"{s.number + ' ' if s.number else ''}{s.title}", reverse("suggestions:detail", args=[s.pk]),
                  s.deadline if s.status in OPEN_HANDLING else None, is_overdue(s, today)) for s in first]
    return Line(key, label, count, _url("suggestions:list", **query), items, overdue)


def _opinion_line(key: str, label: str, qs: QuerySet[Any], today: date, url: str, *, each: bool = True
                  ) -> Line | None:
    """`each`: link each opinion to its page (staff, units); else to the line's list (a deputy's 我的联络站)."""
    count = qs.count()
    if not count:
        return None
    first = list(qs.order_by("deadline", "pk")[:SHOWN])
    items = [Item(o.listed_content.strip().splitlines()[0][:40] if o.content.strip() else o.code,
                  reverse("liaison:opinion_detail", args=[o.pk]) if each else url, o.deadline, o.deadline < today)
             for o in first]
    return Line(key, label, count, url, items, qs.filter(deadline__lt=today).count(), "条")


def _meeting_line(user: Any, today: date, *, phone: bool) -> Line | None:
    from django.db.models import Q

    from renda.meetings.models import MeetingStatus
    from renda.meetings.selectors import meetings_visible

    start = timezone.make_aware(datetime.combine(today, time()))
    qs = meetings_visible(user=user).filter(Q(status=MeetingStatus.IN_PROGRESS) | Q(
        status=MeetingStatus.PLANNED, starts_at__gte=start, starts_at__lt=start + AHEAD))
    count = qs.count()
    if not count:
        return None
    first = list(qs.order_by("starts_at", "pk")[:SHOWN])
    items = [Item(m.title, reverse("meetings:phone" if phone else "meetings:run", args=[m.pk]),
                  timezone.localtime(m.starts_at).date(),
                  tag="进行中" if m.status == MeetingStatus.IN_PROGRESS else "") for m in first]
    return Line("meetings", "近期会议", count, reverse("meetings:list"), items, unit="个")


def _staff(user: Any, today: date) -> list[Line | None]:
    from renda.liaison import selectors as liaison
    from renda.liaison.workflow import AWAITING_REPLY
    from renda.suggestions.models import Status
    from renda.suggestions.selectors import visible
    from renda.suggestions.workflow import OPEN_HANDLING

    seen = visible(user=user)

    def in_status(key: str, label: str, status: str) -> Line | None:
        return _suggestion_line(key, label, seen.filter(status=status), today, status=status)

    return [
        in_status("review", "待审查的建议", Status.SUBMITTED),
        in_status("assign", "待交办的建议", Status.ACCEPTED),
        _suggestion_line("late", "超期未答复的建议", seen.filter(status__in=OPEN_HANDLING, deadline__lt=today), today,
                         overdue=1),
        in_status("close", "待办结的建议", Status.EVALUATED),
        _opinion_line("opinions", "待答复的群众意见", liaison.opinions_visible(user=user).filter(
            status__in=AWAITING_REPLY), today, _url("liaison:opinions", view="open")),
    ]


def _unit(user: Any, today: date) -> list[Line | None]:
    from renda.liaison import selectors as liaison
    from renda.liaison.models import OpinionStatus
    from renda.suggestions.models import Status
    from renda.suggestions.selectors import visible

    led = visible(user=user).filter(lead_unit_id=user.unit_id)
    answering = (Status.HANDLING, Status.REHANDLING, Status.FOLLOW_UP)
    return [
        _suggestion_line("sign", "待签收的建议（主办）", led.filter(status=Status.ASSIGNED), today,
                         status=Status.ASSIGNED, lead_unit=user.unit_id),
        _suggestion_line("answer", "待答复的建议（主办）", led.filter(status__in=answering), today,
                         status=",".join(answering), lead_unit=user.unit_id),
        _co_opinion_line(user, today),
        _opinion_line("opinions", "待答复的群众意见", liaison.opinions_visible(user=user).filter(
            status=OpinionStatus.ASSIGNED), today, _url("liaison:opinions", status=OpinionStatus.ASSIGNED)),
    ]


def _co_opinion_line(user: Any, today: date) -> Line | None:
    """The suggestions the unit co-handles whose 协办意见 it has not sent, by the co-unit's own deadline."""
    from renda.suggestions.models import Assignment, UnitRole
    from renda.suggestions.selectors import awaiting_co_opinion, visible

    qs = awaiting_co_opinion(visible(user=user), user.unit_id)
    count = qs.count()
    if not count:
        return None
    mine = Assignment.objects.filter(unit_id=user.unit_id, role=UnitRole.CO, active=True, suggestion__in=qs)
    first = list(mine.select_related("suggestion").order_by("opinion_due", "pk")[:SHOWN])
    late = mine.filter(opinion_due__lt=today).count()
    return Line("co_opinion", "待提出协办意见的建议", count, _url("suggestions:list", co_opinion=1), [
        Item(f"{a.suggestion.number + ' ' if a.suggestion.number else ''}{a.suggestion.title}",
             reverse("suggestions:detail", args=[a.suggestion_id]), a.opinion_due,
             bool(a.opinion_due and a.opinion_due < today)) for a in first], late)


def _deputy(user: Any, today: date) -> list[Line | None]:
    from renda.liaison.models import DutyAssignment, Opinion
    from renda.liaison.workflow import AWAITING_REPLY
    from renda.suggestions.models import Status, Suggestion

    mine = Suggestion.objects.filter(lead_deputy_id=user.person_id)
    asked = Suggestion.objects.filter(status=Status.DRAFT, cosigners__person_id=user.person_id,
                                      cosigners__confirmed_at__isnull=True).exclude(lead_deputy_id=user.person_id)

    def led(key: str, label: str, status: str) -> Line | None:
        return _suggestion_line(key, label, mine.filter(status=status), today, status=status, mine=1)

    lines = [
        _suggestion_line("cosign", "请您附议的建议", asked, today, cosign=1),
        led("returned", "退回待修改的建议", Status.RETURNED),
        led("evaluate", "待您评价的答复", Status.REPLIED),
        led("drafts", "未提交的草稿", Status.DRAFT),
        _opinion_line("opinions", "您跟进的待答复群众意见", Opinion.objects.filter(
            deputy_id=user.person_id, status__in=AWAITING_REPLY), today, reverse("liaison:me"), each=False),
    ]
    duties = DutyAssignment.objects.filter(person_id=user.person_id, date__gte=today,
                                           date__lt=today + AHEAD).select_related("schedule__station")
    if count := duties.count():
        lines.append(Line("duties", "近期接待日", count, reverse("liaison:me"), [
            Item(d.schedule.station.name, reverse("liaison:me"), d.date) for d in duties.order_by("date")[:SHOWN]],
            unit="天"))
    return lines


def todo(user: Any) -> list[Line]:
    """The home page's 待办 of the user (see the module's docstring), in the order the page shows them."""
    from renda.notifications.selectors import unread_count

    today = timezone.localdate()
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
