"""Reception days over the whole of 2026 from the four rules of DOMAIN.md §4, holidays cancelled or moved,
compared with dates listed by hand from a wall calendar (1 January 2026 is a Thursday)."""

from __future__ import annotations

from datetime import date

import pytest

from renda.core.errors import Invalid
from renda.liaison import recurrence
from renda.liaison.recurrence import ExceptionRow

Y0, Y1 = date(2026, 1, 1), date(2026, 12, 31)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def days(rule: str, exceptions=(), start=Y0, end=Y1, starts_on=Y0, ends_on=None) -> list[date]:
    rule = recurrence.normalize_rule(rule, starts_on)
    return [o.date for o in recurrence.occurrences(rule, starts_on, ends_on, exceptions, start, end)]


def test_seed_003_first_eleventh_and_twenty_first_of_every_month_with_holidays():
    exceptions = [
        ExceptionRow("cancel", d(1, 1), None, "元旦"),
        ExceptionRow("move", d(2, 21), d(2, 24), "春节假期"),
        ExceptionRow("cancel", d(5, 1), None, "劳动节"),
        ExceptionRow("add", None, d(6, 25), "端午节后加开"),
        ExceptionRow("move", d(10, 1), d(10, 9), "国庆假期"),
    ]
    expected = [
        d(1, 11), d(1, 21),
        d(2, 1), d(2, 11), d(2, 24),
        d(3, 1), d(3, 11), d(3, 21),
        d(4, 1), d(4, 11), d(4, 21),
        d(5, 11), d(5, 21),
        d(6, 1), d(6, 11), d(6, 21), d(6, 25),
        d(7, 1), d(7, 11), d(7, 21),
        d(8, 1), d(8, 11), d(8, 21),
        d(9, 1), d(9, 11), d(9, 21),
        d(10, 9), d(10, 11), d(10, 21),
        d(11, 1), d(11, 11), d(11, 21),
        d(12, 1), d(12, 11), d(12, 21),
    ]
    assert days("FREQ=MONTHLY;BYMONTHDAY=1,11,21", exceptions) == expected
    assert len(expected) == 36 - 2 + 1  # two cancelled, one added, two moved within the year


def test_odd_months_on_the_fifteenth_with_a_sunday_moved_to_monday():
    exceptions = [ExceptionRow("move", d(3, 15), d(3, 16), "逢周日顺延")]
    assert days("FREQ=MONTHLY;BYMONTH=1,3,5,7,9,11;BYMONTHDAY=15", exceptions) == [
        d(1, 15), d(3, 16), d(5, 15), d(7, 15), d(9, 15), d(11, 15)]


def test_first_and_third_tuesday_with_spring_festival_and_national_day():
    exceptions = [
        ExceptionRow("cancel", d(2, 17), None, "春节"),
        ExceptionRow("move", d(5, 5), d(5, 6), "劳动节假期"),
        ExceptionRow("cancel", d(10, 6), None, "国庆假期"),
    ]
    assert days("FREQ=MONTHLY;BYDAY=1TU,3TU", exceptions) == [
        d(1, 6), d(1, 20), d(2, 3), d(3, 3), d(3, 17), d(4, 7), d(4, 21), d(5, 6), d(5, 19),
        d(6, 2), d(6, 16), d(7, 7), d(7, 21), d(8, 4), d(8, 18), d(9, 1), d(9, 15), d(10, 20),
        d(11, 3), d(11, 17), d(12, 1), d(12, 15)]


def test_every_monday_of_the_year_with_exceptions():
    exceptions = [
        ExceptionRow("cancel", d(2, 16), None, "春节假期"),
        ExceptionRow("cancel", d(2, 23), None, "春节假期"),
        ExceptionRow("move", d(10, 5), d(10, 9), "国庆假期"),
    ]
    expected = [
        d(1, 5), d(1, 12), d(1, 19), d(1, 26),
        d(2, 2), d(2, 9),
        d(3, 2), d(3, 9), d(3, 16), d(3, 23), d(3, 30),
        d(4, 6), d(4, 13), d(4, 20), d(4, 27),
        d(5, 4), d(5, 11), d(5, 18), d(5, 25),
        d(6, 1), d(6, 8), d(6, 15), d(6, 22), d(6, 29),
        d(7, 6), d(7, 13), d(7, 20), d(7, 27),
        d(8, 3), d(8, 10), d(8, 17), d(8, 24), d(8, 31),
        d(9, 7), d(9, 14), d(9, 21), d(9, 28),
        d(10, 9), d(10, 12), d(10, 19), d(10, 26),
        d(11, 2), d(11, 9), d(11, 16), d(11, 23), d(11, 30),
        d(12, 7), d(12, 14), d(12, 21), d(12, 28),
    ]
    assert days("FREQ=WEEKLY;BYDAY=MO", exceptions) == expected
    assert len(expected) == 52 - 2


def test_moved_and_added_days_are_marked_for_the_portal():
    exceptions = [ExceptionRow("move", d(10, 1), d(10, 9), "国庆假期"), ExceptionRow("add", None, d(10, 3), "加开")]
    occ = recurrence.occurrences("FREQ=MONTHLY;BYMONTHDAY=1,11,21", Y0, None, exceptions, d(9, 30), d(10, 12))
    assert [(o.date, o.moved_from, o.added) for o in occ] == [
        (d(10, 3), None, True), (d(10, 9), d(10, 1), False), (d(10, 11), None, False)]
    assert occ[1].reason == "国庆假期"


def test_schedule_window_and_bounds_across_the_new_year():
    assert days("FREQ=MONTHLY;BYMONTHDAY=1,11,21", start=d(12, 20), end=date(2027, 1, 15)) == [
        d(12, 21), date(2027, 1, 1), date(2027, 1, 11)]
    # starts mid-year, ends at the end of September
    assert days("FREQ=MONTHLY;BYMONTH=1,3,5,7,9,11;BYMONTHDAY=15", starts_on=d(4, 1), ends_on=d(9, 30)) == [
        d(5, 15), d(7, 15), d(9, 15)]


@pytest.mark.parametrize("rule", ["FREQ=HOURLY", "FREQ=MONTHLY;BYHOUR=9", "nonsense", "FREQ=MONTHLY;BYDAY=XX",
                                  "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"])
def test_rules_that_are_not_reception_days_are_refused(rule):
    with pytest.raises(Invalid) as err:
        recurrence.normalize_rule(rule, Y0)
    assert "rule" in err.value.fields


def test_rule_accepts_an_rrule_prefix_and_lower_case():
    assert recurrence.normalize_rule("RRULE:freq=weekly;byday=mo", Y0) == "FREQ=WEEKLY;BYDAY=MO"


def test_a_window_longer_than_two_years_is_refused():
    with pytest.raises(Invalid):
        recurrence.occurrences("FREQ=WEEKLY;BYDAY=MO", Y0, None, [], Y0, date(2030, 1, 1))


@pytest.mark.parametrize(("rule", "words"), [
    ("FREQ=MONTHLY;BYMONTHDAY=1,11,21", "每月1日、11日、21日"),
    ("FREQ=MONTHLY;BYMONTH=1,3,5,7,9,11;BYMONTHDAY=15", "单月15日"),
    ("FREQ=MONTHLY;BYDAY=1TU,3TU", "每月第一、第三个星期二"),
    ("FREQ=WEEKLY;BYDAY=MO", "每周一"),
    ("FREQ=WEEKLY;BYDAY=MO,TH", "每周一、四"),
    ("FREQ=MONTHLY;BYDAY=2FR", "每月第二个星期五"),
    ("FREQ=MONTHLY;BYMONTH=2,4,6,8,10,12;BYMONTHDAY=10", "双月10日"),
])
def test_rules_are_described_in_words_for_the_portal(rule, words):
    assert recurrence.describe(rule) == words
