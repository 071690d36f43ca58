"""Background jobs of suggestion handling (run daily by manage.py renda_worker through renda.core.jobs):

- reminders before each deadline, N days ahead for every N of the congress's setting (default 15 and 3): the
  lead unit for its reply, co-units for their opinion, the clerk for assigning a recess suggestion;
- the overdue flag the day after a reply deadline passes unanswered, with escalation: the unit is told, and the
  congress's staff (and the county's, for a township's suggestion) are told it is overdue.

Each job does "everything due now" (a day missed while no worker ran is caught up the next day), and each message
carries a dedupe key, so running a job twice sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from renda.core import audit
from renda.core.jobs import periodic
from renda.core.roles import STAFF_ROLES
from renda.notifications.services import notify
from renda.organizations.models import Congress
from renda.organizations.services import congress_setting
from renda.suggestions import workflow
from renda.suggestions.models import Assignment, Status, Suggestion, UnitRole
from renda.suggestions.selectors import overdue_q
from renda.suggestions.services._base import link, staff_of, unit_users, users

LONGEST_REMINDER = 90  # the setting's own upper bound (settings_specs._positive_ints)


def _reminder_days(congress: Congress) -> list[int]:
    return sorted({int(d) for d in congress_setting(congress, "suggestions.reminder_days")}, reverse=True)


def _due_threshold(days_left: int, thresholds: list[int]) -> int | None:
    """The smallest reminder threshold not yet passed: 10 days left with [15, 3] → 15; 2 left → 3."""
    hit = [d for d in thresholds if days_left <= d]
    return min(hit) if hit else None


def _remind(recipients: Iterable[Any], s: Suggestion, *, what: str, due: date, days_left: int,
            threshold: int) -> int:
    key = f"suggestion:{s.pk}:{what}:{due.isoformat()}:{threshold}"
    titles = {"reply": "答复期限临近", "opinion": "协办意见期限临近", "assign": "交办期限临近"}
    sent = notify(users=recipients, kind=f"suggestion.reminder_{what}", obj=s, link=link(s), dedupe_key=key,
                  title=f"{titles[what]}（还有{days_left}天）：{s.title}",
                  body=f"{s.number}《{s.title}》的{titles[what][:-2]}为 {due}，还有 {days_left} 天。")
    return len(sent)


def send_deadline_reminders(today: date) -> int:
    """Every reminder due today or earlier and not yet sent; the number of messages written."""
    horizon = today + timedelta(days=LONGEST_REMINDER)
    per_congress = cache(lambda congress_id: _reminder_days(Congress.objects.get(pk=congress_id)))
    due_items: list[tuple[Any, Suggestion, str, date | None]] = []
    for s in (Suggestion.objects.select_related("congress__region")
              .filter(status__in=workflow.OPEN_HANDLING, deadline__gte=today, deadline__lte=horizon)
              .exclude(lead_unit=None)):
        due_items.append((unit_users([s.lead_unit_id] if s.lead_unit_id else []), s, "reply", s.deadline))
    for a in (Assignment.objects.select_related("suggestion__congress__region")
              .filter(role=UnitRole.CO, active=True, opinion_on=None, opinion_due__gte=today,
                      opinion_due__lte=horizon, suggestion__status__in=workflow.OPEN_HANDLING)):
        due_items.append((unit_users([a.unit_id]), a.suggestion, "opinion", a.opinion_due))
    for s in (Suggestion.objects.select_related("congress__region")
              .filter(status=Status.ACCEPTED, assign_due__gte=today, assign_due__lte=horizon)):
        due_items.append((staff_of(s), s, "assign", s.assign_due))
    sent = 0
    with transaction.atomic():
        for recipients, s, what, due in due_items:
            if due is None:  # excluded by the filters above; for the type checker
                continue
            days_left = (due - today).days
            threshold = _due_threshold(days_left, per_congress(s.congress_id))
            if threshold is not None:
                sent += _remind(recipients, s, what=what, due=due, days_left=days_left, threshold=threshold)
    return sent


def _escalation_recipients(s: Suggestion) -> Any:
    """The congress's own staff, and for a township's suggestion the staff of the county above it."""
    region = s.congress.region
    ids = [region.pk] + ([region.parent_id] if region.parent_id and region.level == "township" else [])
    return users().filter(role__in=STAFF_ROLES, region_id__in=ids)


def flag_overdue(today: date) -> int:
    """Flag every suggestion whose reply deadline passed unanswered, tell the unit and escalate; audited."""
    flagged = 0
    candidates = (Suggestion.objects.select_related("congress__region")
                  .filter(overdue_q(today), escalated_on=None))
    for s in candidates:
        with transaction.atomic():
            before = {"overdue_since": s.overdue_since, "escalated_on": None}
            assert s.deadline is not None
            overdue_since = s.overdue_since or s.deadline + timedelta(days=1)
            Suggestion.objects.filter(pk=s.pk).update(overdue_since=overdue_since, escalated_on=today)
            key = f"suggestion:{s.pk}:overdue:{s.deadline.isoformat()}"
            body = f"{s.number}《{s.title}》的答复期限 {s.deadline} 已过，尚未答复。"
            if s.lead_unit_id:
                notify(users=unit_users([s.lead_unit_id]), kind="suggestion.overdue", obj=s, link=link(s),
                       dedupe_key=key, title=f"已超期，请尽快答复：{s.title}", body=body)
            notify(users=_escalation_recipients(s), kind="suggestion.escalated", obj=s, link=link(s),
                   dedupe_key=key, title=f"建议办理超期：{s.title}", body=body + "请督促承办单位办理。")
            audit.record(actor=None, action="suggestion.overdue", obj=s, before=before,
                         after={"overdue_since": overdue_since, "escalated_on": today})
            flagged += 1
    return flagged


@periodic(every=timedelta(days=1), offset=timedelta(hours=7))
@task()
def daily_deadline_reminders() -> int:
    return send_deadline_reminders(timezone.localdate())


@periodic(every=timedelta(days=1), offset=timedelta(hours=7, minutes=5))
@task()
def daily_overdue_escalation() -> int:
    return flag_overdue(timezone.localdate())
