"""Deadline arithmetic over China's official calendar: working days, calendar days and months.

A working day is Monday–Friday unless the table says the day is a holiday, plus a weekend day the table lists as
a make-up working day (调休上班). A year whose schedule is not entered counts weekends only: the result is still a
date (deadlines never fail), and `calendar_warning` says in Chinese why it is only an estimate.

"n working days after `start`" is the n-th working day strictly after `start` (the day of assignment is not
counted, 期限自次日起算).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from renda.workdays.models import CalendarYear, DayKind, Holiday

Unit = Literal["working_days", "calendar_days", "months"]
UNIT_LABELS: dict[str, str] = {"working_days": "个工作日", "calendar_days": "日", "months": "个月"}


class WorkCalendar:
    """The table for the years one computation touches, loaded one year at a time (one query per year)."""

    def __init__(self) -> None:
        self._days: dict[int, dict[date, str]] = {}
        self._known: set[int] | None = None

    def _year(self, year: int) -> dict[date, str]:
        if year not in self._days:
            self._days[year] = dict(
                Holiday.objects.filter(date__year=year).values_list("date", "kind"))
        return self._days[year]

    def known(self, year: int) -> bool:
        if self._known is None:
            self._known = set(CalendarYear.objects.values_list("year", flat=True))
        return year in self._known

    def is_workday(self, day: date) -> bool:
        kind = self._year(day.year).get(day)
        if kind == DayKind.HOLIDAY:
            return False
        if kind == DayKind.MAKEUP_WORKDAY:
            return True
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day


def is_workday(day: date) -> bool:
    return WorkCalendar().is_workday(day)


def add_working_days(start: date, n: int) -> date:
    return WorkCalendar().add_working_days(start, n)


def add_calendar_days(start: date, n: int) -> date:
    return start + timedelta(days=n)


def add_months(start: date, n: int) -> date:
    """The same day n months later; a day the month lacks becomes its last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + n
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def calendar_known(year: int) -> bool:
    return CalendarYear.objects.filter(year=year).exists()


def calendar_warning(start: date, end: date) -> str:
    """A warning for the clerk when the span start..end touches a year whose official schedule is not entered;
    "" when every year is known."""
    years = range(start.year, end.year + 1)
    known = set(CalendarYear.objects.filter(year__in=list(years)).values_list("year", flat=True))
    missing = [y for y in years if y not in known]
    if not missing:
        return ""
    listed = "、".join(f"{y}年" for y in missing)
    return (f"{listed}的法定节假日安排尚未录入，期限暂按周末推算，仅供参考；"
            f"国务院公布安排后请管理员在“工作日历”中录入，并核对本期限。")


@dataclass(frozen=True)
class Deadline:
    due: date
    warning: str = ""
    basis: str = field(default="", compare=False)  # "3个月" / "7个工作日", for the page and the audit entry


def deadline(start: date, amount: int, unit: Unit) -> Deadline:
    """`amount` units after `start`, with the calendar warning when working days cross an unknown year."""
    if unit == "working_days":
        due = add_working_days(start, amount)
        warning = calendar_warning(start, due)
    elif unit == "calendar_days":
        due, warning = add_calendar_days(start, amount), ""
    elif unit == "months":
        due, warning = add_months(start, amount), ""
    else:
        raise ValueError(f"unknown unit {unit}")
    return Deadline(due=due, warning=warning, basis=f"{amount}{UNIT_LABELS[unit]}")


def days_deadline(start: date, amount: int, *, congress: Any) -> Deadline:
    """A deadline set in days: working or calendar days, as the congress counts them ([setting])."""
    from renda.organizations.services import congress_setting

    counting = congress_setting(congress, "workdays.day_counting")
    return deadline(start, amount, "calendar_days" if counting == "calendar" else "working_days")
