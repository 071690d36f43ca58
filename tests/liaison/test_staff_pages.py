"""The staff pages at /liaison/ drive the same services: a township clerk runs a station, its schedule, a
reception day and an opinion from the pages; a unit user answers what was assigned; scope is 404, not 403."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.liaison.models import DutyAssignment, Opinion, OpinionStatus, Reception, ReceptionSchedule, Station
from renda.liaison.services import opinions as opinion_services
from renda.organizations.models import UnitKind
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_clerk_creates_a_station_and_sets_its_checklist_and_deputies(liaison):
    client = logged_in(liaison.clerk)
    page = client.get("/liaison/")
    assert page.status_code == 200 and "甲镇人大代表中心联络站" in page.content.decode()
    assert "联络站" in [i["label"] for i in page.context["nav_items"]]
    response = client.post("/liaison/stations/new/", {
        "name": "甲村第二联络站", "kind": "village", "region": liaison.tree.village_a.pk, "address": "甲村二组",
        "opening_hours": "", "phone": ""})
    station = Station.objects.get(name="甲村第二联络站")
    assert response["Location"] == f"/liaison/stations/{station.pk}/"
    client.post(f"/liaison/stations/{station.pk}/six-haves/", {"met": ["有固定场所", "有标识牌匾"], "version": 1})
    station.refresh_from_db()
    assert station.six_haves["有固定场所"] and not station.six_haves["有经费保障"]
    client.post(f"/liaison/stations/{station.pk}/assign/", {"person": liaison.deputies[0].pk, "since": "2026-01-01"})
    assert station.assignments.filter(person=liaison.deputies[0], until__isnull=True).exists()
    stale = client.post(f"/liaison/stations/{station.pk}/six-haves/", {"met": [], "version": 1}, follow=True)
    assert any("已被他人修改" in m for m in messages_of(stale))


def test_clerk_builds_a_schedule_moves_a_holiday_and_sets_duty(liaison):
    client = logged_in(liaison.clerk)
    st = liaison.central
    client.post(f"/liaison/stations/{st.pk}/schedules/new/", {
        "preset": "FREQ=MONTHLY;BYMONTHDAY=1,11,21", "rule": "", "title": "代表接待日", "starts_on": "2026-01-01",
        "start_time": "09:00", "end_time": "11:30", "place": "", "note": ""})
    schedule = ReceptionSchedule.objects.get(station=st)
    assert schedule.rule == "FREQ=MONTHLY;BYMONTHDAY=1,11,21"
    page = client.get(f"/liaison/schedules/{schedule.pk}/?from=2026-09-01").content.decode()
    assert "10月1日" in page and "每月1日、11日、21日" in page
    client.post(f"/liaison/schedules/{schedule.pk}/exceptions/", {"kind": "move", "date": "2026-10-01",
                                                                  "new_date": "2026-10-09", "reason": "国庆假期"})
    assert schedule.exceptions.get().new_date == date(2026, 10, 9)
    pair = [liaison.deputies[0].pk, liaison.deputies[1].pk]
    client.post(f"/liaison/schedules/{schedule.pk}/duty/", {"date": "2026-10-09", "persons": pair})
    assert DutyAssignment.objects.filter(schedule=schedule, date=date(2026, 10, 9)).count() == 2
    bad = client.post(f"/liaison/schedules/{schedule.pk}/duty/", {"date": "2026-10-10",
                                                                  "persons": [liaison.deputies[0].pk]}, follow=True)
    assert any("不是该安排的接待日" in m for m in messages_of(bad))
    year = timezone.localdate().year + 1
    client.post(f"/liaison/schedules/{schedule.pk}/rotate/", {"year": year, "per_day": 1})
    assert DutyAssignment.objects.filter(schedule=schedule, date__year=year).count() == 36


def test_reception_record_turns_each_matter_into_an_opinion(liaison):
    client = logged_in(liaison.clerk)
    client.post(f"/liaison/stations/{liaison.central.pk}/receptions/new/", {
        "date": "2026-03-11", "present": [liaison.deputies[0].pk], "visitors": "9", "summary": "接待顺利",
        "matters": "村口路灯不亮\n\n小学门口缺少减速带"})
    reception = Reception.objects.get()
    assert reception.visitors == 9 and list(reception.deputies_present.all()) == [liaison.deputies[0]]
    assert set(reception.opinions.values_list("content", flat=True)) == {"村口路灯不亮", "小学门口缺少减速带"}
    assert AuditEntry.objects.filter(action="reception.record").count() == 1
    check = client.get("/liaison/check/?year=2026").content.decode()
    assert 'data-testid="short">4<' in check, "four of the five deputies have not received in 2026"


def test_opinion_handled_from_the_pages_and_answered_by_the_unit(liaison):
    client = logged_in(liaison.clerk)
    response = client.post(f"/liaison/stations/{liaison.central.pk}/opinions/new/", {
        "channel": "phone", "content": "自来水经常停水，影响生活。", "category": "", "name": "周大爷",
        "phone": "13811112222"})
    opinion = Opinion.objects.get()
    assert response["Location"] == f"/liaison/opinions/{opinion.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "周**" in detail and "138****2222" in detail and "13811112222" not in detail
    client.post(f"/liaison/opinions/{opinion.pk}/accept/", {"category": "民生事业", "responsible": liaison.clerk.pk,
                                                           "version": 1})
    unit = UnitFactory(region=liaison.tree.town_a, kind=UnitKind.TOWNSHIP_GOVERNMENT, name="甲镇人民政府")
    client.post(f"/liaison/opinions/{opinion.pk}/assign/", {"unit": unit.pk, "version": 2})
    opinion.refresh_from_db()
    assert (opinion.status, opinion.unit) == (OpinionStatus.ASSIGNED, unit)

    unit_user = UserFactory(role=Role.UNIT_USER, region=liaison.tree.town_a, unit=unit)
    unit_client = logged_in(unit_user)
    assert "自来水" in unit_client.get("/liaison/opinions/").content.decode()
    unit_client.post(f"/liaison/opinions/{opinion.pk}/reply/", {"text": "已更换水泵，供水恢复。", "version": 3})
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.REPLIED
    refused = unit_client.post(f"/liaison/opinions/{opinion.pk}/close/", {"version": 4}, follow=True)
    assert any("人大工作人员" in m for m in messages_of(refused))
    client.post(f"/liaison/opinions/{opinion.pk}/publish/", {"summary": "群众反映经常停水", "published": "1"})
    assert Opinion.objects.get(pk=opinion.pk).published


def test_overdue_count_on_the_list(liaison):
    opinion_services.opinion_register(actor=liaison.clerk, channel="phone", station=liaison.central,
                                      content="很早以前反映的问题", now=timezone.now() - timedelta(days=60))
    page = logged_in(liaison.clerk).get("/liaison/opinions/").content.decode()
    assert 'data-testid="overdue-count">1<' in page


def test_another_township_gets_404_and_a_deputy_403(liaison):
    opinion = opinion_services.opinion_register(actor=liaison.clerk, channel="phone", station=liaison.central,
                                                content="甲镇的问题，乙镇看不到")
    other = logged_in(liaison.clerk_b)
    assert other.get(f"/liaison/stations/{liaison.central.pk}/").status_code == 404
    assert other.get(f"/liaison/opinions/{opinion.pk}/").status_code == 404
    assert other.post(f"/liaison/opinions/{opinion.pk}/reply/", {"text": "越权答复"}).status_code == 404
    deputy = logged_in(UserFactory(role=Role.DEPUTY, region=liaison.tree.town_a, person=liaison.deputies[0]))
    assert deputy.get("/liaison/").status_code == 403
    assert Client().get("/liaison/").status_code == 302


def test_activity_from_the_pages(liaison):
    client = logged_in(liaison.clerk)
    day = timezone.localdate() + timedelta(days=45)
    response = client.post("/liaison/activities/", {
        "kind": "deliberation", "congress": liaison.tree.congress_a.pk, "topic": "乡村振兴议政",
        "meeting_date": day.isoformat(), "place": "镇会议室", "stations": [liaison.central.pk],
        "deputies": [liaison.deputies[0].pk]})
    from renda.liaison.models import Activity

    activity = Activity.objects.get()
    assert response["Location"] == f"/liaison/activities/{activity.pk}/"
    client.post(f"/liaison/activities/{activity.pk}/notify/", {"version": 1})
    client.post(f"/liaison/activities/{activity.pk}/publish/", {"version": 2})
    client.post(f"/liaison/activities/{activity.pk}/hold/", {"version": 3, "participants": "40", "summary": "好",
                                                             "matters": "修建文化广场"})
    activity.refresh_from_db()
    assert activity.status == "held" and activity.opinions.count() == 1


def test_a_refused_reply_comes_back_as_typed_and_a_reply_overtaken_is_kept_to_copy(liaison):
    """A unit writes a long reply; a clerk changed the opinion meanwhile (stale version): the reply is refused, not
    merged, and the page shows it again as typed. When the reply can no longer be sent at all, the text is kept on
    the page to copy. Before, both were lost with the redirect."""
    clerk = logged_in(liaison.clerk)
    opinion = opinion_services.opinion_register(actor=liaison.clerk, channel="phone", station=liaison.central,
                                                content="村口路灯坏了一个月，晚上出行不便。")
    unit = UnitFactory(region=liaison.tree.town_a, kind=UnitKind.TOWNSHIP_GOVERNMENT, name="甲镇人民政府")
    opinion = opinion_services.opinion_accept(actor=liaison.clerk, opinion=opinion, category="民生事业",
                                              responsible=liaison.clerk)
    opinion = opinion_services.opinion_assign(actor=liaison.clerk, opinion=opinion, unit=unit)
    unit_client = logged_in(UserFactory(role=Role.UNIT_USER, region=liaison.tree.town_a, unit=unit))
    draft = "经核实，镇城建办已安排电工，将于本周五前更换村口路灯灯头并检修线路。"

    stale = unit_client.post(f"/liaison/opinions/{opinion.pk}/reply/", {"text": draft, "version": 1})
    assert stale.status_code == 422
    assert any("已被他人修改" in m for m in messages_of(stale)), messages_of(stale)
    page = stale.content.decode()
    assert f'name="text" rows="4">{draft}</textarea>' in page
    assert f'name="version" value="{opinion.version}"' in page  # the page as it now stands
    assert Opinion.objects.get(pk=opinion.pk).status == OpinionStatus.ASSIGNED  # refused, not merged

    empty = unit_client.post(f"/liaison/opinions/{opinion.pk}/reply/", {"text": " ", "version": opinion.version})
    assert empty.status_code == 422 and messages_of(empty)

    clerk.post(f"/liaison/opinions/{opinion.pk}/reply/", {"text": "已修好。", "version": opinion.version})
    assert Opinion.objects.get(pk=opinion.pk).status == OpinionStatus.REPLIED
    overtaken = unit_client.post(f"/liaison/opinions/{opinion.pk}/reply/", {"text": draft, "version": opinion.version})
    assert overtaken.status_code == 422
    page = overtaken.content.decode()
    assert 'data-testid="typed-lost"' in page and draft in page
    assert 'name="text"' not in page  # no reply form: the opinion is answered

    # the clerk's publishing summary, refused on a stale page, comes back too
    summary = "群众反映村口路灯损坏，已更换修复"
    current = Opinion.objects.get(pk=opinion.pk).version
    refused = clerk.post(f"/liaison/opinions/{opinion.pk}/publish/", {"summary": summary, "published": "1",
                                                                      "version": current - 1})
    assert refused.status_code == 422 and f'value="{summary}"' in refused.content.decode()
    assert not Opinion.objects.get(pk=opinion.pk).published
