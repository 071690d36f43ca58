"""Stations, 六有 checklist [setting], 编组进站, schedules with exceptions and duties, publication N days ahead
[setting], and the yearly check that every deputy received [setting] — services against the database."""

from __future__ import annotations

from datetime import date, time

import pytest

from renda.core.errors import Invalid, NotFound
from renda.core.models import AuditEntry
from renda.liaison import selectors
from renda.liaison.models import DutyAssignment, ScheduleException
from renda.liaison.services import stations as svc
from renda.organizations.services import congress_setting_set
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def last_audit(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()


def seed_003_schedule(liaison):
    return svc.schedule_create(actor=liaison.clerk, station=liaison.central, rule="FREQ=MONTHLY;BYMONTHDAY=1,11,21",
                               starts_on=date(2026, 1, 1), start_time=time(9), end_time=time(11, 30),
                               note="镇党委书记带队，分组进村（社）接访")


def test_station_create_is_audited_and_a_central_station_sits_in_a_township(liaison):
    entry = last_audit("station.create")
    assert entry.object_id == str(liaison.village.pk) and '"kind":"village"' in entry.after
    with pytest.raises(Invalid) as err:
        svc.station_create(actor=liaison.clerk, region=liaison.tree.village_a, kind="central", name="错误",
                           address="某地")
    assert "region" in err.value.fields
    assert liaison.central.congress == liaison.tree.congress_a


def test_six_haves_checklist_follows_the_congress_setting(liaison):
    station = svc.station_set_six_haves(actor=liaison.clerk, station=liaison.central,
                                        met=["有固定场所", "有工作制度"], version=1)
    state = dict(svc.six_haves_state(station))
    assert state["有固定场所"] and state["有工作制度"] and not state["有经费保障"]
    assert len(state) == 6
    assert '"有经费保障":false' in last_audit("station.six_haves").after
    with pytest.raises(Invalid):
        svc.station_set_six_haves(actor=liaison.clerk, station=station, met=["有大楼"])
    congress_setting_set(actor=liaison.clerk, congress=liaison.tree.congress_a, key="liaison.six_haves",
                         raw="有固定场所,有标识牌匾,有工作制度,有活动计划,有工作台账,有经费保障,有信息化平台")
    assert dict(svc.six_haves_state(station))["有信息化平台"] is False


def test_a_stale_version_is_refused(liaison):
    from renda.core.errors import StaleVersion

    svc.station_update(actor=liaison.clerk, station=liaison.central, version=1, opening_hours="每天")
    with pytest.raises(StaleVersion):
        svc.station_update(actor=liaison.clerk, station=liaison.central, version=1, opening_hours="周一")


def test_only_a_deputy_with_an_active_mandate_joins_a_station_and_only_once(liaison):
    with pytest.raises(Invalid):
        svc.station_assign_deputy(actor=liaison.clerk, station=liaison.village,
                                  person=PersonFactory(region=liaison.tree.village_a), since=date(2026, 1, 1))
    with pytest.raises(Invalid):
        svc.station_assign_deputy(actor=liaison.clerk, station=liaison.central, person=liaison.deputies[0],
                                  since=date(2026, 1, 1))
    svc.station_release_deputy(actor=liaison.clerk, station=liaison.central, person=liaison.deputies[0],
                               until=date(2026, 3, 31))
    on_duty = selectors.station_deputies(station=liaison.central, on=date(2026, 4, 1))
    assert liaison.deputies[0] not in on_duty and liaison.deputies[1] in on_duty
    assert liaison.deputies[0] in selectors.station_deputies(station=liaison.central, on=date(2026, 3, 31))


def test_holiday_moves_carry_the_duties_and_the_station_calendar_shows_them(liaison):
    schedule = seed_003_schedule(liaison)
    a, b = liaison.deputies[:2]
    svc.duty_set(actor=liaison.clerk, schedule=schedule, day=date(2026, 10, 1), people=[a, b])
    svc.schedule_exception_add(actor=liaison.clerk, schedule=schedule, kind="move", day=date(2026, 10, 1),
                               new_date=date(2026, 10, 9), reason="国庆假期")
    svc.schedule_exception_add(actor=liaison.clerk, schedule=schedule, kind="cancel", day=date(2026, 1, 1),
                               reason="元旦")
    assert set(DutyAssignment.objects.filter(date=date(2026, 10, 9)).values_list("person__name", flat=True)) == {
        a.name, b.name}
    entry = last_audit("schedule.exception_move")
    assert '"duties_moved":2' in entry.after and '"reason":"国庆假期"' in entry.after

    cal = selectors.reception_days(stations=[liaison.central], start=date(2026, 1, 1), end=date(2026, 12, 31))
    dates = [day.date for day in cal[liaison.central.pk]]
    assert len(dates) == 36 - 1 and date(2026, 1, 1) not in dates and date(2026, 10, 1) not in dates
    moved = next(day for day in cal[liaison.central.pk] if day.date == date(2026, 10, 9))
    assert moved.moved_from == date(2026, 10, 1) and [p.name for p in moved.deputies] == sorted([a.name, b.name])
    assert moved.place == liaison.central.address

    # undoing the move brings the day and its duties back
    svc.schedule_exception_remove(actor=liaison.clerk,
                                  exception=ScheduleException.objects.get(schedule=schedule, kind="move"))
    assert DutyAssignment.objects.filter(date=date(2026, 10, 1)).count() == 2


def test_exceptions_must_name_a_real_reception_day(liaison):
    schedule = seed_003_schedule(liaison)
    with pytest.raises(Invalid):  # the 2nd is not a reception day
        svc.schedule_exception_add(actor=liaison.clerk, schedule=schedule, kind="cancel", day=date(2026, 5, 2),
                                   reason="假期")
    with pytest.raises(Invalid):  # moving onto another reception day
        svc.schedule_exception_add(actor=liaison.clerk, schedule=schedule, kind="move", day=date(2026, 5, 1),
                                   new_date=date(2026, 5, 11), reason="假期")
    with pytest.raises(Invalid):  # no reason
        svc.schedule_exception_add(actor=liaison.clerk, schedule=schedule, kind="cancel", day=date(2026, 5, 1),
                                   reason=" ")


def test_duty_needs_a_reception_day_and_a_deputy_of_the_station(liaison):
    schedule = seed_003_schedule(liaison)
    outsider = PersonFactory(region=liaison.tree.village_b, name="外站代表")
    with pytest.raises(Invalid) as err:
        svc.duty_set(actor=liaison.clerk, schedule=schedule, day=date(2026, 5, 11), people=[outsider])
    assert err.value.fields["persons"] == ["外站代表"]
    with pytest.raises(Invalid):
        svc.duty_set(actor=liaison.clerk, schedule=schedule, day=date(2026, 5, 12), people=liaison.deputies[:1])


def test_deputies_on_duty_are_published_only_n_days_ahead(liaison):
    schedule = seed_003_schedule(liaison)
    svc.duty_rotate(actor=liaison.clerk, schedule=schedule, start=date(2026, 5, 1), end=date(2026, 5, 31))
    today = date(2026, 5, 8)
    until = selectors.publish_until(liaison.central, today)
    assert until == date(2026, 5, 11)  # default 3 days ahead
    cal = selectors.reception_days(stations=[liaison.central], start=today, end=date(2026, 5, 31),
                                   publish_until=until)[liaison.central.pk]
    assert [(c.date.day, c.published, len(c.deputies)) for c in cal] == [(11, True, 2), (21, False, 0)]
    congress_setting_set(actor=liaison.clerk, congress=liaison.tree.congress_a, key="liaison.publish_days_ahead",
                         raw="14")
    assert selectors.publish_until(liaison.central, today) == date(2026, 5, 22)


def test_rotation_gives_every_deputy_a_turn_and_the_yearly_check_finds_who_did_not_receive(liaison):
    schedule = seed_003_schedule(liaison)
    created = svc.duty_rotate(actor=liaison.clerk, schedule=schedule, start=date(2026, 1, 1),
                              end=date(2026, 12, 31), per_day=2)
    assert created == 36 * 2
    rows = {r.person.name: r for r in selectors.yearly_reception_check(user=liaison.clerk, year=2026)}
    assert set(rows) == {"王一", "李二", "张三", "赵四", "钱县代表"}
    assert all(r.planned >= 14 for r in rows.values())  # 72 duties over 5 deputies, evenly
    assert max(r.planned for r in rows.values()) - min(r.planned for r in rows.values()) <= 1
    # only recorded receptions count as received
    svc.reception_record(actor=liaison.clerk, station=liaison.central, day=date(2026, 3, 11),
                         deputies_present=liaison.deputies[:2], visitors=12, summary="接待群众 12 人次")
    rows = {r.person.name: r for r in selectors.yearly_reception_check(user=liaison.clerk, year=2026)}
    assert (rows["王一"].attended, rows["王一"].short) == (1, False)
    assert (rows["张三"].attended, rows["张三"].short) == (0, True)
    congress_setting_set(actor=liaison.clerk, congress=liaison.tree.congress_a,
                         key="liaison.min_receptions_per_year", raw="2")
    rows = {r.person.name: r for r in selectors.yearly_reception_check(user=liaison.clerk, year=2026)}
    assert rows["王一"].short and rows["王一"].required == 2


def test_another_townships_clerk_cannot_reach_the_station(liaison):
    with pytest.raises(NotFound):
        selectors.access_station_by_id(user=liaison.clerk_b, station_id=liaison.central.pk)
    assert selectors.access_station_by_id(user=liaison.county_staff, station_id=liaison.central.pk) == liaison.central


def test_yearly_check_tells_the_staff_on_1_december_and_2_january(liaison):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from renda.core import jobs
    from renda.liaison.services.checks import reception_yearly_check
    from renda.notifications.models import Notification

    def at(*args):
        return datetime(*args, 8, tzinfo=ZoneInfo("Asia/Shanghai"))

    svc.reception_record(actor=liaison.clerk, station=liaison.central, day=date(2026, 6, 1),
                         deputies_present=liaison.deputies[:1], visitors=3)
    assert reception_yearly_check(now=at(2026, 11, 30)) == {"congresses": 0, "short": 0}
    assert reception_yearly_check(now=at(2026, 12, 1)) == {"congresses": 1, "short": 4}
    note = Notification.objects.get(recipient=liaison.clerk, kind="liaison.reception_check_interim")
    assert "4 名" in note.title and "李二（0/1）" in note.body and "王一" not in note.body
    reception_yearly_check(now=at(2026, 12, 1))
    assert Notification.objects.filter(kind="liaison.reception_check_interim").count() == 1, "once a year"
    assert reception_yearly_check(now=at(2027, 1, 2))["short"] == 4
    assert Notification.objects.filter(recipient=liaison.clerk, kind="liaison.reception_check_final").exists()
    assert "liaison.reception_check" in jobs.discover(), "run daily by the scheduler"
