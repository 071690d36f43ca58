"""The month's hot issues of the townships a staff member sees: what the page 热点问题, its export and the API show.
The county's staff see every township (and street) of the county, a township's staff their own; opinions are read
through the liaison app's scope rule (liaison.selectors.opinions_visible), those not accepted left out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from renda.insights import hot
from renda.organizations.models import Region, RegionLevel

TOP = 5  # groups shown per township


@dataclass
class TownshipMonth:
    township: Region
    count: int  # the township's opinions of the month (not those refused)
    issues: list[hot.HotIssue]  # its top groups, hottest first
    opinions: dict[str, Any]  # the opinions by id (as the groups' messages name them)


def parse_month(value: str | None) -> date | None:
    """"2026-05" → 1 May 2026; None for anything else."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", (value or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return date(int(m.group(1)), int(m.group(2)), 1)


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def townships(user: Any) -> list[Region]:
    region = getattr(user, "region", None)
    if region is None:
        return []
    levels = (RegionLevel.TOWNSHIP, RegionLevel.STREET)
    if region.level in levels:
        return [region]
    return list(Region.objects.filter(path__startswith=region.path, level__in=levels).order_by("path"))


def message(o: Any) -> hot.Message:
    first = o.content.strip().splitlines()[0] if o.content.strip() else ""
    return hot.Message(id=str(o.pk), title=first[:60], body=o.content, author=o.phone_hash or f"opinion:{o.pk}",
                       at=o.received_at)


def hot_month(user: Any, month: date) -> list[TownshipMonth]:
    """Per township the user sees: its opinions of the month and their top groups (hot.hot_issues)."""
    from renda.liaison import selectors

    start = timezone.make_aware(datetime.combine(month, time()))
    end = timezone.make_aware(datetime.combine((month + timedelta(days=32)).replace(day=1), time()))
    rows = []
    for township in townships(user):
        opinions = list(selectors.opinions_visible(user=user).filter(
            region__path__startswith=township.path, received_at__gte=start, received_at__lt=end)
            .exclude(status="not_accepted").order_by("received_at"))
        issues = hot.hot_issues([message(o) for o in opinions], now=end, top=TOP)
        rows.append(TownshipMonth(township, len(opinions), issues, {str(o.pk): o for o in opinions}))
    return rows
