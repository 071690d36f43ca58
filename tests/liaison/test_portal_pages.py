"""The portal's pages without login: find my deputies and station from my village, the station page with its
coming reception days, leave an opinion and follow it by code, judge the answer, large-text mode."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client

from renda.core.models import PlatformSetting
from renda.liaison.models import Opinion, OpinionStatus
from renda.liaison.services import opinions as opinion_services
from renda.liaison.services.opinions import format_code
from tests.liaison.portal_data import PLANTED_PHONE, build_portal_data

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_find_my_deputies_and_station_from_my_village(liaison):
    build_portal_data(liaison)
    client = Client()
    page = html(client.get("/portal/?q=甲村"))
    assert f'href="/portal/place/{liaison.tree.village_a.pk}/"' in page
    place = html(client.get(f"/portal/place/{liaison.tree.village_a.pk}/"))
    assert "甲村代表联络站" in place and "甲镇人大代表中心联络站" in place
    for name in ("王一", "李二", "张三", "赵四", "钱县代表"):
        assert name in place
    assert "县（区、市）人大代表" in place and "乡镇人大代表" in place
    town = html(client.get(f"/portal/place/{liaison.tree.town_a.pk}/"))
    assert f'href="/portal/place/{liaison.tree.village_a.pk}/"' in town, "a township lists its villages"
    assert client.get("/portal/place/999999/").status_code == 404


def _day(page: str, day) -> str:
    return page.split(f'data-testid="day-{day:%Y-%m-%d}"')[1].split('<div class="day"')[0]


def test_station_page_shows_coming_days_and_publishes_duty_three_days_ahead(liaison):
    data = build_portal_data(liaison)
    page = html(Client().get(f"/portal/stations/{liaison.central.pk}/"))
    assert "每天，09:00—11:30（镇党委书记带队）" in page
    assert "值班代表：李二、王一" in _day(page, data.near_day)
    far = _day(page, data.far_day)
    publish_on = data.far_day - timedelta(days=3)
    assert f"值班代表将于{publish_on.month}月{publish_on.day}日公布" in far
    assert "张三" not in far and "赵四" not in far, "the far day's deputies are not published yet"


def test_leave_an_opinion_and_follow_it_by_code(liaison):
    client = Client()
    form = client.get(f"/portal/opinions/new/?station={liaison.central.pk}")
    assert form.status_code == 200 and 'name="website"' in html(form)
    response = client.post("/portal/opinions/new/", {
        "station": liaison.central.pk, "content": "村里垃圾清运不及时，夏天气味很大。",
        "village": liaison.tree.village_a.pk, "category": "环境保护", "name": "", "phone": "", "website": ""})
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert response["Location"] == f"/portal/track/{format_code(opinion.tracking_code)}/?new=1"
    page = html(client.get(response["Location"]))
    assert format_code(opinion.tracking_code) in page and "留言已提交" in page
    found = client.get("/portal/track/", {"code": opinion.tracking_code.lower()})
    assert found.status_code == 302 and format_code(opinion.tracking_code) in found["Location"]
    assert "当前状态：已登记" in html(client.get(found["Location"]))
    missing = client.get("/portal/track/ABCD-EFGH-JKMN/")
    assert missing.status_code == 404 and "没有找到这个查询码" in html(missing)


def test_form_errors_are_shown_and_honeypot_stores_nothing(liaison):
    client = Client()
    short = client.post("/portal/opinions/new/", {"station": liaison.central.pk, "content": "灯"})
    assert short.status_code == 422 and "至少 5 个字" in html(short)
    bot = client.post("/portal/opinions/new/", {"station": liaison.central.pk, "content": "买便宜的药请联系我们",
                                                "website": "spam"})
    assert bot.status_code == 302 and not Opinion.objects.exists()


def test_throttled_submission_gets_429_and_a_plain_message(liaison):
    PlatformSetting.objects.create(key="liaison.throttle_per_ip_hour", value=1)
    client = Client()
    data = {"station": liaison.central.pk, "content": "村里垃圾清运不及时，夏天气味很大。"}
    assert client.post("/portal/opinions/new/", data).status_code == 302
    refused = client.post("/portal/opinions/new/", data)
    assert refused.status_code == 429 and "一小时后再试" in html(refused)
    assert 0 < int(refused["Retry-After"]) <= 3601, "the wait in seconds (RFC 9110)"
    assert "分钟后可以再试" in html(refused) or "秒后可以再试" in html(refused)
    assert Opinion.objects.count() == 1


def test_throttled_judgment_gets_429_with_retry_after_and_changes_nothing(liaison):
    PlatformSetting.objects.create(key="liaison.throttle_per_ip_hour", value=0)
    data = build_portal_data(liaison)
    url = f"/portal/track/{format_code(data.replied.tracking_code)}/evaluate/"
    refused = Client().post(url, {"satisfaction": "satisfied"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "太频繁" in html(refused)
    assert Opinion.objects.get(pk=data.replied.pk).status == OpinionStatus.REPLIED


def test_judging_the_answer_on_the_tracking_page(liaison):
    data = build_portal_data(liaison)
    url = f"/portal/track/{format_code(data.replied.tracking_code)}/"
    page = html(Client().get(url))
    assert 'data-testid="evaluate-form"' in page and 'data-testid="evaluate-phone"' in page
    # the code alone is not enough where the constituent left a phone: the staff and the deputies see the code, and
    # every page shows the number as 139****4321, so its last four digits are no proof
    masked = PLANTED_PHONE[:3] + "****" + PLANTED_PHONE[-4:]
    for phone, why in (("", "missing"), (PLANTED_PHONE[-4:], "the last four"), (masked, "as pages show it"),
                       (PLANTED_PHONE[:-1] + "0", "one digit wrong")):
        refused = Client().post(url + "evaluate/", {"satisfaction": "satisfied", "phone": phone})
        assert refused.status_code == 422, why
        body = html(refused)
        assert "与您留言时登记的联系电话不一致" in body and 'aria-invalid="true"' in body, why
        assert 'value="satisfied" id="id_satisfaction_0" required checked' in body, "the choice is kept"
        assert not phone or f'value="{phone}"' not in body, "a number typed is not written back into the page"
    assert Opinion.objects.get(pk=data.replied.pk).status == OpinionStatus.REPLIED
    assert Opinion.objects.get(pk=data.replied.pk).judge_tries == 4  # the right number is the fifth try of five
    written = f"+86 {PLANTED_PHONE[:3]}-{PLANTED_PHONE[3:7]}-{PLANTED_PHONE[7:]}".translate(
        str.maketrans("0123456789", "０１２３４５６７８９"))  # full-width, with the country code and dashes
    response = Client().post(url + "evaluate/", {"satisfaction": "satisfied", "phone": written})
    assert response.status_code == 302
    assert Opinion.objects.get(pk=data.replied.pk).status == OpinionStatus.CLOSED


def test_tries_at_the_phone_are_counted_per_opinion_in_its_row_whatever_the_address(liaison):
    PlatformSetting.objects.create(key="liaison.evaluate_tries_day", value=3)
    data = build_portal_data(liaison)
    url = f"/portal/track/{format_code(data.replied.tracking_code)}/evaluate/"
    for n in range(3):
        wrong = Client(REMOTE_ADDR=f"10.0.0.{n + 1}").post(url, {"satisfaction": "satisfied",
                                                                 "phone": f"1390000000{n}"})
        assert wrong.status_code == 422
    cache.clear()  # kept in the opinion's row, not in a worker's cache: a restart or another worker forgets nothing
    assert Opinion.objects.get(pk=data.replied.pk).judge_tries == 3
    right = Client(REMOTE_ADDR="10.0.0.9").post(url, {"satisfaction": "satisfied", "phone": PLANTED_PHONE})
    assert right.status_code == 429 and "评价尝试次数已达上限" in html(right)
    assert 0 < int(right["Retry-After"]) <= 86400 + 1, "until the local midnight"
    assert Opinion.objects.get(pk=data.replied.pk).status == OpinionStatus.REPLIED
    other = opinion_services.opinion_reply(  # another opinion of the same person: its tries are its own
        actor=liaison.clerk, text="已修复。", opinion=opinion_services.opinion_register(
            actor=liaison.clerk, channel="reception", station=liaison.central, phone=PLANTED_PHONE,
            content="路灯又坏了。"))
    judged = Client().post(f"/portal/track/{other.code}/evaluate/", {"satisfaction": "satisfied",
                                                                      "phone": PLANTED_PHONE})
    assert judged.status_code == 302
    # the next local day starts again
    Opinion.objects.filter(pk=data.replied.pk).update(judge_tries_on=data.today - timedelta(days=1))
    assert Client().post(url, {"satisfaction": "satisfied", "phone": PLANTED_PHONE}).status_code == 302


def test_an_opinion_left_without_a_phone_is_judged_by_its_code(liaison):
    opinion = opinion_services.opinion_register(actor=liaison.clerk, channel="reception", station=liaison.central,
                                                content="村口的垃圾桶满了没人清运。")
    opinion = opinion_services.opinion_reply(actor=liaison.clerk, opinion=opinion, text="已安排清运。")
    url = f"/portal/track/{opinion.code}/"
    page = html(Client().get(url))
    assert 'data-testid="evaluate-form"' in page and 'data-testid="evaluate-phone"' not in page
    assert Client().post(url + "evaluate/", {"satisfaction": "satisfied"}).status_code == 302
    assert Opinion.objects.get(pk=opinion.pk).status == OpinionStatus.CLOSED


def test_large_text_mode_is_a_cookie_and_never_an_open_redirect(liaison):
    client = Client()
    response = client.get("/portal/text-size/", {"size": "large", "next": "/portal/replies/"})
    assert response.status_code == 302 and response["Location"] == "/portal/replies/"
    assert '<html lang="zh-CN" class="large-text">' in html(client.get("/portal/"))
    evil = client.get("/portal/text-size/", {"size": "normal", "next": "https://evil.example/"})
    assert evil["Location"] == "/portal/"
    assert 'class="large-text"' not in html(client.get("/portal/"))


def test_published_replies_page(liaison):
    build_portal_data(liaison)
    page = html(Client().get("/portal/replies/"))
    assert "村民反映路灯损坏" in page and "路灯本月修复" in page
    assert re.search(r"139\*+", page), "a phone written into the summary is masked when published"


def test_the_phone_typed_is_read_as_the_phone_left_in_the_forms_people_write_it():
    from renda.liaison.services.opinions import normalize_phone
    from renda.liaison.services.public import same_phone

    def same(typed: str, left: str) -> bool:
        return same_phone(typed, normalize_phone(left))

    assert same("13812345678", "+86 138 1234 5678") and same("13812345678", "0086 13812345678")
    assert same("+86-138-1234-5678", "13812345678") and same("１３８ １２３４ ５６７８", "13812345678")
    assert same("12345678", "010-12345678") and same("010 1234 5678", "12345678")
    assert same("0731-8888-6666", "073188886666")
    for typed in ("", "5678", "138****5678", "13812345679", "2345678", "99912345678"):
        assert not same(typed, "13812345678"), typed
    assert not same("12345678", "0731-1234567"), "an area code takes the number's own digits"
    assert not same("", "")


def test_tries_past_the_limit_are_not_counted_on(liaison):
    PlatformSetting.objects.create(key="liaison.evaluate_tries_day", value=2)
    data = build_portal_data(liaison)
    url = f"/portal/track/{format_code(data.replied.tracking_code)}/evaluate/"
    statuses = [Client().post(url, {"satisfaction": "satisfied", "phone": "13900000000"}).status_code
                for _ in range(6)]
    assert statuses == [422, 422, 429, 429, 429, 429]
    assert Opinion.objects.get(pk=data.replied.pk).judge_tries == 3, "one past the limit, then no further"
