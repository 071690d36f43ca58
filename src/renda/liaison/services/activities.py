"""Deliberation activities and deputy-voter meetings (seed 002): a topic, notice to the deputies and stations a
month ahead [setting], publication, the meeting (matters raised become opinions), the suggestions collected and
handed over — each step one audited service on the state table of workflow.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from renda.core import audit
from renda.core.errors import Invalid
from renda.core.scope import check_version
from renda.deputies.models import MandateStatus, Person
from renda.liaison import public_cache, workflow
from renda.liaison.codes import clean_text
from renda.liaison.models import Activity, ActivityKind, Station
from renda.notifications.services import notify
from renda.organizations.models import Congress
from renda.organizations.services import congress_setting

FIELDS = ("kind", "topic", "meeting_date", "place", "status", "participants", "stations", "deputies", "suggestions")


def _view(a: Activity) -> dict[str, Any]:
    return audit.snapshot(a, FIELDS)


def _locked(activity: Activity, version: int | None) -> Activity:
    fresh = Activity.objects.select_for_update().get(pk=activity.pk)
    check_version(fresh, version)
    return fresh


def _save(a: Activity, *fields: str) -> None:
    a.version += 1
    a.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def activity_create(*, actor: Any, congress: Congress, kind: str, topic: str, meeting_date: date,
                    place: str = "", description: str = "", stations: Sequence[Station] = (),
                    deputies: Sequence[Person] = ()) -> Activity:
    if kind not in ActivityKind.values:
        raise Invalid("活动类型无效", fields={"kind": ["无效"]})
    if len(clean_text(topic)) < 2:
        raise Invalid("请填写议题", fields={"topic": ["必填"]})
    strangers = [s.name for s in stations if not s.region.path.startswith(congress.region.path)]
    if strangers:
        raise Invalid("联络站须在本级人大范围内：" + "、".join(strangers), fields={"stations": strangers})
    outside = [p.name for p in deputies if not p.mandates.filter(status=MandateStatus.ACTIVE).exists()]
    if outside:
        raise Invalid("参加代表须为在任代表：" + "、".join(outside), fields={"deputies": outside})
    activity = Activity.objects.create(congress=congress, kind=kind, topic=clean_text(topic)[:200],
                                       meeting_date=meeting_date, place=clean_text(place)[:200],
                                       description=clean_text(description), created_by=actor)
    activity.stations.set(stations)
    activity.deputies.set(deputies)
    audit.record(actor=actor, action="activity.create", obj=activity, after=_view(activity))
    public_cache.bump_on_commit()
    return activity


@transaction.atomic
def activity_notify(*, actor: Any, activity: Activity, version: int | None = None,
                    now: datetime | None = None) -> Activity:
    """Notice to the deputies at least N days [setting, default 30: 提前一个月] before the meeting."""
    a = _locked(activity, version)
    before = _view(a)
    a.status = workflow.activity_next_status(a.status, "notify")
    now = now or timezone.now()
    days = int(congress_setting(a.congress, "liaison.activity_notice_days"))
    if (a.meeting_date - timezone.localdate(now)).days < days:
        raise Invalid(f"须在活动日期前至少 {days} 天通知代表，请调整活动日期",
                      fields={"meeting_date": [f"距今不足 {days} 天"]})
    a.notified_at = now
    _save(a, "status", "notified_at")
    accounts = [p.account for p in a.deputies.select_related("account") if getattr(p, "account", None)]
    notify(users=accounts, kind="activity.notice", obj=a,
           title=f"{a.get_kind_display()}通知：{a.topic}",
           body=f"时间：{a.meeting_date:%Y年%m月%d日}；地点：{a.place or '另行通知'}。请提前走访选民，了解群众意见。")
    audit.record(actor=actor, action="activity.notify", obj=a, before=before,
                 after={**_view(a), "notified": len(accounts)})
    public_cache.bump_on_commit()
    return a


@transaction.atomic
def activity_publish(*, actor: Any, activity: Activity, version: int | None = None) -> Activity:
    """Published: the topic, date and place appear on the pages of its stations on the portal."""
    a = _locked(activity, version)
    before = _view(a)
    a.status = workflow.activity_next_status(a.status, "publish")
    a.published_at = timezone.now()
    _save(a, "status", "published_at")
    audit.record(actor=actor, action="activity.publish", obj=a, before=before, after=_view(a))
    public_cache.bump_on_commit()
    return a


@transaction.atomic
def activity_hold(*, actor: Any, activity: Activity, participants: int, summary: str,
                  matters: Sequence[str] = (), station: Station | None = None,
                  version: int | None = None) -> Activity:
    """The meeting was held: who came, what was said; each matter raised by voters becomes an opinion."""
    from renda.liaison.services.opinions import opinion_register

    a = _locked(activity, version)
    before = _view(a)
    a.status = workflow.activity_next_status(a.status, "hold")
    if participants < 0:
        raise Invalid("参加人次不能为负", fields={"participants": ["不能为负"]})
    station = station or a.stations.first()
    if matters and station is None:
        raise Invalid("记录群众意见须选择联络站", fields={"station": ["必填"]})
    a.participants, a.summary, a.held_at = participants, clean_text(summary), timezone.now()
    _save(a, "status", "participants", "summary", "held_at")
    opinions = [opinion_register(actor=actor, channel="reception", station=station, content=m) for m in matters]
    from renda.liaison.models import Opinion

    Opinion.objects.filter(pk__in=[o.pk for o in opinions]).update(activity=a)
    audit.record(actor=actor, action="activity.hold", obj=a, before=before,
                 after={**_view(a), "opinions": [o.pk for o in opinions]})
    public_cache.bump_on_commit()
    return a


@transaction.atomic
def activity_hand_over(*, actor: Any, activity: Activity, suggestions: Sequence[Any],
                       version: int | None = None) -> Activity:
    """The deputies' suggestions collected at the activity are linked to it and handed over for handling."""
    a = _locked(activity, version)
    before = _view(a)
    a.status = workflow.activity_next_status(a.status, "hand_over")
    path = a.congress.region.path
    wrong = [s.title for s in suggestions if not path.startswith(s.congress.region.path)
             and not s.congress.region.path.startswith(path)]
    if wrong:
        raise Invalid("建议须属于本级或上级人大：" + "、".join(wrong), fields={"suggestions": wrong})
    a.handed_over_at = timezone.now()
    _save(a, "status", "handed_over_at")
    a.suggestions.add(*suggestions)
    audit.record(actor=actor, action="activity.hand_over", obj=a, before=before, after=_view(a))
    public_cache.bump_on_commit()
    return a
