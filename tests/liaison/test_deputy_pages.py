"""A deputy's own liaison page on a phone: their stations, coming duty days, receptions attended, the opinions
they follow with deadlines — and what they did, recorded by themself."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.liaison.models import DeputyWork, Opinion
from renda.liaison.services import opinions as opinion_services
from renda.liaison.services import stations as station_services
from renda.liaison.services.deputies import opinion_set_deputy
from renda.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PHONE_UA = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 8.1; Redmi 6A) Mobile Safari/537.36"}


@pytest.fixture
def deputy_world(liaison):
    today = timezone.localdate()
    wang = liaison.deputies[0]
    account = UserFactory(role=Role.DEPUTY, region=liaison.tree.town_a, person=wang, display_name="王一")
    schedule = station_services.schedule_create(actor=liaison.clerk, station=liaison.central, rule="FREQ=DAILY",
                                                starts_on=today - timedelta(days=30), start_time=time(9),
                                                end_time=time(11, 30))
    station_services.duty_set(actor=liaison.clerk, schedule=schedule, day=today + timedelta(days=2),
                              people=[wang, liaison.deputies[1]])
    station_services.duty_set(actor=liaison.clerk, schedule=schedule, day=today + timedelta(days=5),
                              people=[liaison.deputies[2]])
    station_services.reception_record(actor=liaison.clerk, station=liaison.central, day=today - timedelta(days=3),
                                      deputies_present=[wang], visitors=7, schedule=schedule)
    opinion = opinion_services.opinion_register(actor=liaison.clerk, channel="reception", station=liaison.central,
                                                content="甲村桥头路灯不亮，夜里出行不便。", name="村民甲",
                                                phone="13811112222")
    other = opinion_services.opinion_register(actor=liaison.clerk, channel="phone", station=liaison.central,
                                              content="乙组垃圾桶太少，需要增加。")
    return liaison, account, opinion, other, today


def test_a_deputy_sees_stations_duty_days_receptions_and_the_opinions_they_follow(deputy_world):
    liaison, account, opinion, other, today = deputy_world
    opinion_set_deputy(actor=liaison.clerk, opinion=opinion, person=account.person)
    assert Opinion.objects.get(pk=opinion.pk).deputy_id == account.person.pk
    entry = AuditEntry.objects.get(action="opinion.set_deputy")
    assert f'"deputy":{account.person.pk}' in entry.after
    assert Notification.objects.filter(recipient=account, kind="opinion.follow").count() == 1
    assert opinion.code in Notification.objects.get(recipient=account, kind="opinion.follow").title  # as on the pages

    client = Client()
    client.force_login(account)
    response = client.get("/liaison/me/", **PHONE_UA)
    assert response.status_code == 200
    page = response.content.decode()
    stations = page.split('data-testid="my-stations"')[1].split("</section>")[0]
    assert "甲镇人大代表中心联络站" in stations and "甲村代表联络站" not in stations
    duties = page.split('data-testid="my-duties"')[1].split("</section>")[0]
    two = today + timedelta(days=2)
    assert f"{two.month}月{two.day}日" in duties
    five = today + timedelta(days=5)
    assert f"{five.month}月{five.day}日" not in duties, "a day another deputy is on duty is not theirs"
    opinions = page.split('data-testid="my-opinions"')[1].split("</section>")[0]
    assert opinion.code in opinions and other.code not in opinions
    assert f"答复期限 {opinion.deadline.year}年{opinion.deadline.month}月{opinion.deadline.day}日" in opinions
    assert "13811112222" not in page and "村民甲" not in page, "the constituent's contact stays with the clerk"
    receptions = page.split('data-testid="my-receptions"')[1].split("</section>")[0]
    assert "接待群众 7 人次" in receptions
    assert 'name="viewport"' in page


def test_a_deputy_records_what_they_did_on_an_opinion_they_follow(deputy_world):
    liaison, account, opinion, other, today = deputy_world
    opinion_set_deputy(actor=liaison.clerk, opinion=opinion, person=account.person)
    client = Client()
    client.force_login(account)
    response = client.post("/liaison/me/record/", {"kind": "follow_up", "date": today.isoformat(),
                                                   "opinion": opinion.pk, "text": "到桥头查看，已请村委会报修。"})
    assert response.status_code == 302
    work = DeputyWork.objects.get()
    assert (work.person_id, work.opinion_id, work.station_id) == (account.person.pk, opinion.pk, liaison.central.pk)
    assert AuditEntry.objects.filter(action="deputy_work.record", object_id=str(work.pk)).exists()
    assert "已请村委会报修" in client.get("/liaison/me/").content.decode()

    # an opinion they do not follow is "not found"; a day in the future is refused
    refused = client.post("/liaison/me/record/", {"kind": "follow_up", "date": today.isoformat(),
                                                  "opinion": other.pk, "text": "看看"}, follow=True)
    assert "未找到" in refused.content.decode()
    client.post("/liaison/me/record/", {"kind": "visit", "date": (today + timedelta(days=1)).isoformat(),
                                        "text": "走访"})
    assert DeputyWork.objects.count() == 1


def test_only_a_deputy_of_the_area_may_follow_and_only_deputies_see_the_page(deputy_world):
    liaison, account, opinion, _other, _today = deputy_world
    from tests.factories import PersonFactory

    stranger = PersonFactory(region=liaison.tree.town_b, name="外镇人")
    from renda.core.errors import Invalid

    with pytest.raises(Invalid):
        opinion_set_deputy(actor=liaison.clerk, opinion=opinion, person=stranger)
    assert Opinion.objects.get(pk=opinion.pk).deputy_id is None
    client = Client()
    client.force_login(liaison.clerk)
    assert client.get("/liaison/me/").status_code == 403
    # the clerk names the deputy from the opinion page
    response = client.post(f"/liaison/opinions/{opinion.pk}/deputy/", {"deputy": account.person.pk,
                                                                        "version": opinion.version})
    assert response.status_code == 302
    assert Opinion.objects.get(pk=opinion.pk).deputy_id == account.person.pk


def test_the_deputy_who_follows_an_online_opinion_is_reminded_with_the_staff(deputy_world):
    """有诉必复: an opinion left on the portal has no responsible clerk yet; its reminders go to the township's staff
    and to the deputy following it — time-travelled with `now=`."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from renda.liaison.services.public import public_opinion_submit

    liaison, account, _opinion, _other, _today = deputy_world
    received = datetime(2026, 3, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    submitted = public_opinion_submit(ip="10.9.9.9", station=liaison.central, content="网上留言：村道路灯不亮。",
                                      now=received)
    online = Opinion.objects.get(tracking_code=submitted.tracking_code)
    assert online.responsible is None and online.deadline == date(2026, 4, 10)
    opinion_set_deputy(actor=liaison.clerk, opinion=online, person=account.person)
    swept = opinion_services.opinion_deadline_sweep(now=datetime(2026, 4, 3, 8, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert swept["reminders"] >= 1
    assert Notification.objects.filter(recipient=liaison.clerk, kind="opinion.reminder", object_id=str(online.pk)
                                       ).exists()
    mine = Notification.objects.get(recipient=account, kind="opinion.reminder", object_id=str(online.pk))
    assert mine.link == "/liaison/me/"


def test_the_home_page_counts_the_deputys_duty_days_and_open_opinions_as_their_page_shows_them(deputy_world):
    """The home page's 待办 and 我的联络站 agree: a deputy with a term of answered opinions still sees the one
    waiting (it used to fall out of the page's 100 earliest deadlines), and a station the deputy left takes its duty
    days with it from both."""
    from renda.liaison.models import OpinionStatus
    from renda.liaison.services.stations import station_release_deputy
    from renda.web.todo import todo

    liaison, account, opinion, _, today = deputy_world
    opinion_set_deputy(actor=liaison.clerk, opinion=opinion, person=account.person)
    template = Opinion.objects.get(pk=opinion.pk)
    answered = []
    for i in range(101):  # answered long ago, each deadline before the open one's
        old = Opinion.objects.get(pk=opinion.pk)
        old.pk, old.tracking_code, old.status = None, f"OLD{i:09d}", OpinionStatus.CLOSED
        old.deadline = template.deadline - timedelta(days=400 - i)
        answered.append(old)
    Opinion.objects.bulk_create(answered)

    def seen() -> tuple[dict, str]:
        client = Client()
        client.force_login(account)
        page = client.get("/liaison/me/").content.decode()
        return {line.key: line for line in todo(account)}, page

    lines, page = seen()
    assert lines["opinions"].count == 1 and lines["duties"].count == 1
    assert opinion.code in page.split('data-testid="my-opinions"')[1].split("</section>")[0]
    two = today + timedelta(days=2)
    assert lines["duties"].items[0].due == two and f"{two.month}月{two.day}日" in page

    assert "（待答复 1 件）" in page

    waiting = []  # a hundred more waiting: the page lists 100 and says how many there are, as the home page counts
    for i in range(100):
        more = Opinion.objects.get(pk=opinion.pk)
        more.pk, more.tracking_code = None, f"NEW{i:09d}"
        more.deadline = template.deadline + timedelta(days=1 + i)
        waiting.append(more)
    Opinion.objects.bulk_create(waiting)
    lines, page = seen()
    assert lines["opinions"].count == 101 and "（待答复 101 件，下列前 100 件）" in page
    assert opinion.code in page, "the soonest due is among those listed"

    station_release_deputy(actor=liaison.clerk, station=liaison.central, person=account.person, until=today)
    lines, page = seen()
    assert "duties" not in lines, "a station the deputy left is no longer their duty"
    assert f"{two.month}月{two.day}日" not in page.split('data-testid="my-duties"')[1].split("</section>")[0]
