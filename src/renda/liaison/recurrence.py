"""Reception days from an iCalendar recurrence rule (RFC 5545 RRULE, expanded by python-dateutil) and the
schedule's exceptions: a cancelled day is an EXDATE, a moved day an EXDATE plus an RDATE, an added day an RDATE.

    每月1日、11日、21日 (seed 003)   FREQ=MONTHLY;BYMONTHDAY=1,11,21
    单月15日                          FREQ=MONTHLY;BYMONTH=1,3,5,7,9,11;BYMONTHDAY=15
    每月第一、第三个星期二              FREQ=MONTHLY;BYDAY=1TU,3TU
    每周一                            FREQ=WEEKLY;BYDAY=MO
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rruleset, rrulestr

from renda.core.errors import Invalid

ALLOWED_FREQ = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
FORBIDDEN_PARTS = {"BYHOUR", "BYMINUTE", "BYSECOND", "DTSTART", "BYEASTER"}
MAX_WINDOW_DAYS = 800  # one request never expands more than about two years

PRESETS: list[tuple[str, str]] = [
    ("FREQ=MONTHLY;BYMONTHDAY=1,11,21", "每月1日、11日、21日"),
    ("FREQ=MONTHLY;BYMONTH=1,3,5,7,9,11;BYMONTHDAY=15", "单月15日"),
    ("FREQ=MONTHLY;BYDAY=1TU,3TU", "每月第一、第三个星期二"),
    ("FREQ=WEEKLY;BYDAY=MO", "每周一"),
]

WEEKDAYS = {"MO": "一", "TU": "二", "WE": "三", "TH": "四", "FR": "五", "SA": "六", "SU": "日"}
ORDINALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", -1: "最后一"}


def _parts(rule: str) -> dict[str, str]:
    parts = {}
    for chunk in rule.split(";"):
        if "=" not in chunk:
            raise ValueError(chunk)
        key, _, value = chunk.partition("=")
        parts[key.strip().upper()] = value.strip().upper()
    return parts


def normalize_rule(rule: str, starts_on: date) -> str:
    """The rule as stored (upper case, no "RRULE:" prefix), or Invalid with a message a clerk can act on."""
    text = (rule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    text = text.upper().replace(" ", "")
    try:
        parts = _parts(text)
    except ValueError:
        raise Invalid("重复规则格式有误，应形如 FREQ=MONTHLY;BYMONTHDAY=1,11,21",
                      fields={"rule": ["格式有误"]}) from None
    if parts.get("FREQ") not in ALLOWED_FREQ:
        raise Invalid("重复频率须为每天、每周、每月或每年", fields={"rule": ["FREQ 须为 DAILY/WEEKLY/MONTHLY/YEARLY"]})
    bad = FORBIDDEN_PARTS & set(parts)
    if bad:
        raise Invalid("接待日规则只按日期重复，不能含时、分、秒", fields={"rule": [f"不支持 {', '.join(sorted(bad))}"]})
    _check_days_exist(parts)
    try:
        first = rrulestr("RRULE:" + text, dtstart=datetime.combine(starts_on, time.min))
        begin = datetime.combine(starts_on, time.min)
        # Bounded: a rule that never falls (30 February) is not searched for until the year 9999.
        probe = first.between(begin, begin + timedelta(days=5 * 366), inc=True)
    except (ValueError, TypeError) as exc:
        raise Invalid(f"重复规则无法解析：{exc}", fields={"rule": ["无法解析"]}) from None
    if not probe:
        raise Invalid("按此规则起始日期之后五年内没有任何接待日", fields={"rule": ["没有任何日期"]})
    return text


MONTH_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


def _check_days_exist(parts: dict[str, str]) -> None:
    """30 February never comes: refuse it here, since the library would search every year up to 9999 for it."""
    try:
        months = [int(m) for m in parts.get("BYMONTH", "").split(",") if m] or list(MONTH_DAYS)
        days = [int(d) for d in parts.get("BYMONTHDAY", "").split(",") if d]
    except ValueError:
        return  # the parser below names the problem
    if days and all(d > 0 and all(d > MONTH_DAYS.get(m, 31) for m in months) for d in days):
        raise Invalid("所选月份没有这一天", fields={"rule": ["日期不存在"]})


@dataclass(frozen=True)
class ExceptionRow:
    kind: str  # cancel / move / add
    date: dt.date | None
    new_date: dt.date | None
    reason: str = ""


@dataclass(frozen=True)
class Occurrence:
    date: dt.date
    moved_from: dt.date | None = None
    added: bool = False
    reason: str = ""


def rule_set(rule: str, starts_on: date, exceptions: Iterable[ExceptionRow]) -> rruleset:
    rs = rruleset()
    rs.rrule(rrulestr("RRULE:" + rule, dtstart=datetime.combine(starts_on, time.min)))
    for ex in exceptions:
        if ex.kind in ("cancel", "move") and ex.date:
            rs.exdate(datetime.combine(ex.date, time.min))
        if ex.kind in ("move", "add") and ex.new_date:
            rs.rdate(datetime.combine(ex.new_date, time.min))
    return rs


def occurrences(rule: str, starts_on: date, ends_on: date | None, exceptions: Iterable[ExceptionRow],
                start: date, end: date) -> list[Occurrence]:
    """The reception days from `start` to `end` inclusive, exceptions applied."""
    if end < start:
        return []
    if (end - start).days > MAX_WINDOW_DAYS:
        raise Invalid(f"查询区间不能超过 {MAX_WINDOW_DAYS} 天", fields={"to": ["区间过长"]})
    rows = list(exceptions)
    moved = {ex.new_date: ex for ex in rows if ex.kind == "move"}
    added = {ex.new_date: ex for ex in rows if ex.kind == "add"}
    found = rule_set(rule, starts_on, rows).between(
        datetime.combine(start, time.min), datetime.combine(end, time.min), inc=True)
    out = []
    for found_at in found:
        day = found_at.date()
        if ends_on is not None and day > ends_on and day not in moved and day not in added:
            continue  # the schedule has ended; days moved or added by hand still stand
        if day in moved:
            out.append(Occurrence(day, moved_from=moved[day].date, reason=moved[day].reason))
        elif day in added:
            out.append(Occurrence(day, added=True, reason=added[day].reason))
        else:
            out.append(Occurrence(day))
    return out


def is_regular_day(rule: str, starts_on: date, ends_on: date | None, day: date) -> bool:
    """Whether the bare rule (no exceptions) falls on `day`: only such a day can be cancelled or moved."""
    return any(o.date == day for o in occurrences(rule, starts_on, ends_on, [], day, day))


def describe(rule: str) -> str:
    """The rule in words for the portal: 每月1日、11日、21日 / 单月15日 / 每月第一、第三个星期二 / 每周一."""
    for preset, label in PRESETS:
        if rule == preset:
            return label
    try:
        parts = _parts(rule)
        interval = int(parts.get("INTERVAL", "1") or 1)
    except ValueError:
        return rule
    freq, days = parts.get("FREQ"), [d for d in parts.get("BYDAY", "").split(",") if d]
    if freq == "DAILY":
        return "每天" if interval == 1 else f"每{interval}天"
    if freq == "WEEKLY" and days:
        every = "每周" if interval == 1 else f"每{interval}周的周"
        return every + "、".join(WEEKDAYS.get(d[-2:], d) for d in days)
    if freq == "MONTHLY":
        months = parts.get("BYMONTH", "")
        prefix = {"1,3,5,7,9,11": "单月", "2,4,6,8,10,12": "双月"}.get(months)
        if prefix is None:
            prefix = ("每年" + "、".join(f"{m}月" for m in months.split(","))) if months else (
                "每月" if interval == 1 else f"每{interval}个月")
        if parts.get("BYMONTHDAY"):
            return prefix + "、".join(f"{d}日" for d in parts["BYMONTHDAY"].split(","))
        words = []
        for d in days:
            match = re.fullmatch(r"([+-]?\d+)?([A-Z]{2})", d)
            if not match:
                return rule
            n = int(match.group(1)) if match.group(1) else None
            weekday = "星期" + WEEKDAYS.get(match.group(2), "")
            words.append(f"第{ORDINALS.get(n, str(n))}个{weekday}" if n else f"每个{weekday}")
        if words:
            return prefix + "、".join(words)
    return rule


def window(today: date, days: int) -> tuple[date, date]:
    return today, today + timedelta(days=days)
