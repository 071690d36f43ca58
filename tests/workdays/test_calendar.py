"""Deadlines in working days follow China's official holidays and make-up working days (DOMAIN.md §3); a year
not yet entered counts weekends only, with a warning, and never fails."""

from __future__ import annotations

from datetime import date

import pytest

from renda.core.models import AuditEntry
from renda.workdays import calendar
from renda.workdays.models import CalendarYear, DayKind, Holiday
from renda.workdays.services import calendar_seed_from_package, calendar_year_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def known_years():
    # The data migration seeds every year the package knows; a transactional test elsewhere may have flushed it.
    calendar_seed_from_package(actor=None, years=[2025, 2026])


def _days(year, kind):
    return set(Holiday.objects.filter(date__year=year, kind=kind).values_list("date", flat=True))


def test_seed_holds_the_published_national_day_schedules_of_2025_and_2026(known_years):
    # 国办发明电〔2024〕12号: 10月1日至8日放假，9月28日（周日）、10月11日（周六）上班.
    assert {date(2025, 10, d) for d in range(1, 9)} <= _days(2025, DayKind.HOLIDAY)
    assert {date(2025, 9, 28), date(2025, 10, 11)} <= _days(2025, DayKind.MAKEUP_WORKDAY)
    # 2026: 10月1日至7日放假，9月20日（周日）、10月10日（周六）上班; 中秋 9月25日至27日.
    assert {date(2026, 10, d) for d in range(1, 8)} <= _days(2026, DayKind.HOLIDAY)
    assert {date(2026, 9, 20), date(2026, 10, 10)} <= _days(2026, DayKind.MAKEUP_WORKDAY)
    assert Holiday.objects.get(date=date(2026, 10, 1)).name == "国庆节"
    assert calendar.calendar_known(2025) and calendar.calendar_known(2026)


def test_working_days_skip_national_day_2025_and_count_its_saturday_makeup_day(known_years):
    # Assigned on Tue 30 Sep 2025: Oct 1–8 off; Thu 9, Fri 10, Sat 11 (make-up), Mon 13 … → 7th is Thu 16 Oct.
    assert calendar.add_working_days(date(2025, 9, 30), 7) == date(2025, 10, 16)
    # The make-up Sunday 28 Sep is a working day: one working day after Fri 26 Sep.
    assert calendar.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert not calendar.is_workday(date(2025, 10, 8)) and calendar.is_workday(date(2025, 10, 11))


def test_working_days_skip_national_day_2026_and_mid_autumn(known_years):
    # Wed 30 Sep 2026: Oct 1–7 off; Thu 8, Fri 9, Sat 10 (make-up), Mon 12, 13, 14, 15 → 15 Oct.
    assert calendar.add_working_days(date(2026, 9, 30), 7) == date(2026, 10, 15)
    assert calendar.add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)  # make-up Sunday
    assert calendar.add_working_days(date(2026, 9, 24), 1) == date(2026, 9, 28)  # Fri 25 is 中秋


def test_a_deadline_in_a_year_not_entered_counts_weekends_only_and_warns(known_years):
    assert not calendar.calendar_known(2027)
    result = calendar.deadline(date(2027, 9, 30), 7, "working_days")
    # Weekends only: Fri 1 Oct … Mon 11 Oct (2027's National Day is unknown, so it is not skipped).
    assert result.due == date(2027, 10, 11)
    assert "2027年" in result.warning and "尚未录入" in result.warning
    crossing = calendar.deadline(date(2026, 12, 28), 10, "working_days")
    assert crossing.due.year == 2027 and "2027年" in crossing.warning and "2026年" not in crossing.warning
    assert calendar.deadline(date(2026, 9, 30), 7, "working_days").warning == ""


def test_an_entered_year_is_used_and_removes_the_warning(known_years):
    clerk = None
    calendar_year_save(actor=clerk, year=2027,
                       holidays=[(date(2027, 10, d), "国庆节") for d in range(1, 8)],
                       makeup_days=[(date(2027, 9, 26), "国庆节"), (date(2027, 10, 9), "国庆节")],
                       source_detail="国务院办公厅关于2027年部分节假日安排的通知")
    result = calendar.deadline(date(2027, 9, 30), 7, "working_days")
    # Oct 1–7 off; Fri 8, Sat 9 (make-up), Mon 11, 12, 13, 14, 15 → Fri 15 Oct 2027.
    assert result == calendar.Deadline(due=date(2027, 10, 15), warning="")
    entry = CalendarYear.objects.get(year=2027)
    assert entry.source == "manual"
    audit = AuditEntry.objects.filter(action="calendar.enter").last()
    assert audit.object_id == str(entry.pk) and "2027-10-09" in audit.after


def test_seeding_never_overwrites_a_year_entered_by_hand(known_years):
    calendar_year_save(actor=None, year=2026, holidays=[(date(2026, 10, 1), "国庆节")], makeup_days=[])
    assert calendar_seed_from_package(actor=None, years=[2026], replace_package_years=True) == []
    assert Holiday.objects.filter(date__year=2026).count() == 1


def test_a_make_up_day_on_a_weekday_or_outside_the_year_is_refused(known_years):
    from renda.core.errors import Invalid

    with pytest.raises(Invalid) as exc:
        calendar_year_save(actor=None, year=2027, holidays=[(date(2028, 1, 1), "元旦")],
                           makeup_days=[(date(2027, 9, 27), "国庆节")])
    assert "makeup_days" in exc.value.fields and "holidays" in exc.value.fields
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize(("start", "months", "due"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 3, 15), 6, date(2026, 9, 15)),
])
def test_months_keep_the_day_or_fall_back_to_the_months_last_day(start, months, due):
    assert calendar.add_months(start, months) == due


def test_day_deadlines_follow_the_congress_counting_setting(known_years, tree):
    from renda.organizations.services import congress_setting_set

    congress = tree.congress_a
    assert calendar.days_deadline(date(2025, 9, 30), 7, congress=congress).due == date(2025, 10, 16)
    congress_setting_set(actor=None, congress=congress, key="workdays.day_counting", raw="calendar")
    assert calendar.days_deadline(date(2025, 9, 30), 7, congress=congress).due == date(2025, 10, 7)


def test_the_seed_command_fills_years_missing_from_the_table():
    from django.core.management import call_command

    Holiday.objects.filter(date__year=2025).delete()
    CalendarYear.objects.filter(year=2025).delete()
    call_command("calendar_seed", "--year", "2025", verbosity=0)
    assert calendar.calendar_known(2025)
    assert Holiday.objects.filter(date__year=2025, kind=DayKind.MAKEUP_WORKDAY).count() == 5
    assert AuditEntry.objects.filter(action="calendar.seed", object_id="2025").exists()
