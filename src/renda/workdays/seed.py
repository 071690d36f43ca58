"""The years the `chinese-calendar` package knows, as rows of the calendar table.

Written against model classes passed in, so the data migration (historical models) and the management command
(real models, audited by the service) share it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chinese-calendar")
    except PackageNotFoundError:  # pragma: no cover - it is a base requirement
        return "?"


def package_days() -> dict[int, list[tuple[date, str, str]]]:
    """{year: [(date, kind, Chinese name)]} for every year the package knows."""
    from chinese_calendar import constants

    out: dict[int, list[tuple[date, str, str]]] = {}
    for day, name in constants.holidays.items():
        out.setdefault(day.year, []).append((day, "holiday", NAMES_ZH.get(str(name), str(name))))
    for day, name in constants.workdays.items():
        out.setdefault(day.year, []).append((day, "makeup_workday", NAMES_ZH.get(str(name), str(name))))
    return {year: sorted(rows) for year, rows in sorted(out.items())}


def seed_years(holiday_model: Any, year_model: Any, years: list[int] | None = None,
               replace_package_years: bool = False) -> list[int]:
    """Write the package's years not yet entered (a year entered by hand is never overwritten); the years written.
    With replace_package_years, years seeded earlier from the package are rewritten (after a package upgrade)."""
    data = package_days()
    detail = f"chinese-calendar {package_version()}"
    written = []
    for year, rows in data.items():
        if years is not None and year not in years:
            continue
        existing = year_model.objects.filter(year=year).first()
        if existing is not None and (existing.source != "package" or not replace_package_years):
            continue
        holiday_model.objects.filter(date__year=year).delete()
        holiday_model.objects.bulk_create(
            [holiday_model(date=d, kind=kind, name=name, source="package") for d, kind, name in rows])
        year_model.objects.update_or_create(year=year, defaults={"source": "package", "source_detail": detail})
        written.append(year)
    return written
