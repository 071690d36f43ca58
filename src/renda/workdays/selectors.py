from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q

from renda.workdays.models import CalendarYear, DayKind, Holiday


def years_overview(*, today: date) -> list[dict[str, Any]]:
    """Every entered year with its counts, plus this year and the next two when missing (to be entered)."""
    rows = Holiday.objects.values("date__year").annotate(
        holidays=Count("id", filter=Q(kind=DayKind.HOLIDAY)), makeup=Count("id", filter=Q(kind=DayKind.MAKEUP_WORKDAY)))
    counts: dict[int, dict[str, Any]] = {row["date__year"]: dict(row) for row in rows}
    entered = {y.year: y for y in CalendarYear.objects.select_related("entered_by")}
    years = sorted(set(entered) | {today.year, today.year + 1, today.year + 2}, reverse=True)
    return [{"year": y, "entry": entered.get(y), "holidays": counts.get(y, {}).get("holidays", 0),
             "makeup": counts.get(y, {}).get("makeup", 0)} for y in years]


def year_days(year: int) -> tuple[list[tuple[date, str]], list[tuple[date, str]]]:
    rows = list(Holiday.objects.filter(date__year=year).order_by("date").values_list("date", "kind", "name"))
    return ([(d, n) for d, k, n in rows if k == DayKind.HOLIDAY],
            [(d, n) for d, k, n in rows if k == DayKind.MAKEUP_WORKDAY])
