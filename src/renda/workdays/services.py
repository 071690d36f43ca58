"""Writes to the working-day calendar: seeding from the package, and an administrator's entry of a new year."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from renda.core import audit
from renda.core.errors import Invalid
from renda.workdays import seed
from renda.workdays.models import CalendarSource, CalendarYear, DayKind, Holiday


@transaction.atomic
def calendar_seed_from_package(*, actor: Any, years: list[int] | None = None,
                               replace_package_years: bool = False) -> list[int]:
    written = seed.seed_years(Holiday, CalendarYear, years, replace_package_years)
    for year in written:
        audit.record(actor=actor, action="calendar.seed", object_type="workdays.calendaryear", object_id=year,
                     object_repr=f"{year}年节假日安排",
                     after={"source": f"chinese-calendar {seed.package_version()}",
                            "days": Holiday.objects.filter(date__year=year).count()})
    return written


def _check_year_entry(year: int, holidays: list[tuple[date, str]], makeup_days: list[tuple[date, str]]) -> None:
    errors: dict[str, list[str]] = {}
    if not holidays:
        errors.setdefault("holidays", []).append("请至少录入一个放假日期")
    for field_name, rows in (("holidays", holidays), ("makeup_days", makeup_days)):
        for day, name in rows:
            if day.year != year:
                errors.setdefault(field_name, []).append(f"{day} 不在 {year} 年内")
            if not name.strip():
                errors.setdefault(field_name, []).append(f"{day} 缺少节日名称")
    for day, _ in makeup_days:
        if day.weekday() < 5:
            errors.setdefault("makeup_days", []).append(f"{day} 是工作日，无须调休上班")
    both = {d for d, _ in holidays} & {d for d, _ in makeup_days}
    if both:
        listed = "、".join(str(d) for d in sorted(both))
        errors.setdefault("makeup_days", []).append(f"{listed} 不能既放假又上班")
    for field_name, rows in (("holidays", holidays), ("makeup_days", makeup_days)):
        days = [d for d, _ in rows]
        if len(days) != len(set(days)):
            errors.setdefault(field_name, []).append("有重复的日期")
    if errors:
        raise Invalid("节假日安排有误，请检查", fields=errors)


@transaction.atomic
def calendar_year_save(*, actor: Any, year: int, holidays: list[tuple[date, str]],
                       makeup_days: list[tuple[date, str]], source_detail: str = "") -> CalendarYear:
    """Enter (or correct) one year's official schedule as the State Council published it; replaces the year."""
    if not 2000 <= year <= 2100:
        raise Invalid("年份无效", fields={"year": ["年份须在 2000–2100 之间"]})
    _check_year_entry(year, holidays, makeup_days)
    before_rows = list(Holiday.objects.filter(date__year=year).order_by("date").values_list("date", "kind", "name"))
    Holiday.objects.filter(date__year=year).delete()
    Holiday.objects.bulk_create(
        [Holiday(date=d, kind=DayKind.HOLIDAY, name=n.strip(), source=CalendarSource.MANUAL) for d, n in holidays]
        + [Holiday(date=d, kind=DayKind.MAKEUP_WORKDAY, name=n.strip(), source=CalendarSource.MANUAL)
           for d, n in makeup_days])
    entry, _ = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": CalendarSource.MANUAL, "source_detail": source_detail.strip(),
                             "entered_by": actor if getattr(actor, "pk", None) else None})
    after_rows = list(Holiday.objects.filter(date__year=year).order_by("date").values_list("date", "kind", "name"))
    audit.record(actor=actor, action="calendar.enter", obj=entry, object_repr=f"{year}年节假日安排",
                 before={"days": [list(r) for r in before_rows]},
                 after={"days": [list(r) for r in after_rows], "source_detail": entry.source_detail})
    return entry
