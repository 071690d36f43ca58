"""The public API of API.md: stations and their coming reception days (deputies published N days ahead
[setting]), a constituent's opinion → tracking code, tracking and judging without an account — and the
anti-abuse rules: per-IP and per-phone throttles (429 with a clear message), the honeypot, length limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client

from renda.core.models import AuditEntry, PlatformSetting
from renda.liaison import throttle
from renda.liaison.models import Opinion, OpinionStatus
from renda.liaison.services import opinions as opinion_services
from renda.organizations.services import congress_setting_set
from tests.liaison.portal_data import PLANTED_PHONE, build_portal_data

BEIJING_10AM = datetime(2026, 11, 23, 2, 0, tzinfo=UTC).timestamp()  # 10:00 at UTC+8

pytestmark = pytest.mark.django_db


def post(client: Client, payload: dict, ip: str = "10.0.0.1"):
    return client.post("/api/v1/public/opinions", data=json.dumps(payload), content_type="application/json",
                       REMOTE_ADDR=ip)


def submission(liaison, **kw) -> dict:
    return {"station": liaison.central.pk, "content": "村口路灯坏了三个月，晚上出行不安全。", **kw}


def test_stations_are_listed_with_their_schedules_in_words(liaison):
    build_portal_data(liaison)
    body = Client().get("/api/v1/public/stations").json()
    by_id = {s["id"]: s for s in body["items"]}
    central = by_id[liaison.central.pk]
    assert central["kind"] == "central" and central["address"] == "甲镇政府大院2号楼"
    assert central["schedules"] == ["每天 09:00—11:30"]
    found = Client().get(f"/api/v1/public/stations?region={liaison.tree.village_a.pk}").json()
    assert {s["id"] for s in found["items"]} == {liaison.village.pk, liaison.central.pk}


def test_reception_days_name_deputies_only_inside_the_publication_window(liaison):
    data = build_portal_data(liaison)
    start, end = data.today, data.today + timedelta(days=12)
    days = Client().get(f"/api/v1/public/stations/{liaison.central.pk}/receptions?from={start}&to={end}").json()
    by_date = {d["date"]: d for d in days}
    assert len(days) == 13
    near, far = by_date[str(data.near_day)], by_date[str(data.far_day)]
    assert near["published"] and [p["name"] for p in near["deputies"]] == sorted(p.name for p in liaison.deputies[:2])
    assert not far["published"] and far["deputies"] == []
    assert far["publish_on"] == str(data.far_day - timedelta(days=3))
    congress_setting_set(actor=liaison.clerk, congress=liaison.tree.congress_a, key="liaison.publish_days_ahead",
                         raw="10")
    url = f"/api/v1/public/stations/{liaison.central.pk}/receptions?from={start}&to={end}"
    far = {d["date"]: d for d in Client().get(url).json()}[str(data.far_day)]
    assert not far["published"], "a settings change reaches the portal when its short cache expires"
    cache.clear()  # … which this stands for (public_cache.TTL seconds)
    far = {d["date"]: d for d in Client().get(url).json()}[str(data.far_day)]
    assert far["published"] and len(far["deputies"]) == 2


def test_a_clerks_change_to_the_duty_shows_at_once(liaison, django_capture_on_commit_callbacks):
    from renda.liaison.services.stations import duty_set

    data = build_portal_data(liaison)
    url = f"/api/v1/public/stations/{liaison.central.pk}/receptions"
    near = {d["date"]: d for d in Client().get(url).json()}[str(data.near_day)]
    assert len(near["deputies"]) == 2
    with django_capture_on_commit_callbacks(execute=True):
        duty_set(actor=liaison.clerk, schedule=data.schedule, day=data.near_day, people=liaison.deputies[3:])
    near = {d["date"]: d for d in Client().get(url).json()}[str(data.near_day)]
    assert [p["name"] for p in near["deputies"]] == ["赵四"]


def test_reception_range_is_checked(liaison):
    url = f"/api/v1/public/stations/{liaison.central.pk}/receptions"
    assert Client().get(url + "?from=2026-05-01&to=2026-04-01").status_code == 422
    assert Client().get(url + "?from=2026-01-01&to=2028-01-01").json()["code"] == "invalid"
    assert Client().get("/api/v1/public/stations/999999/receptions").status_code == 404


def test_submitting_an_opinion_returns_only_a_tracking_code(liaison):
    response = post(Client(), submission(liaison, name="孙大娘", phone="138-1234-5678", category="城建交通",
                                         region=liaison.tree.village_a.pk))
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"tracking_code"}
    code = body["tracking_code"].replace("-", "")
    opinion = Opinion.objects.get(tracking_code=code)
    assert (opinion.channel, opinion.status, opinion.region, opinion.category) == (
        "online", "received", liaison.tree.village_a, "城建交通")
    assert opinion.constituent_phone == "13812345678" and opinion.responsible is None
    entry = AuditEntry.objects.get(action="opinion.register", object_id=str(opinion.pk))
    assert entry.actor_username == "public" and entry.ip == "10.0.0.1" and "13812345678" not in entry.after


def test_tracking_shows_status_and_reply_but_nothing_personal(liaison):
    data = build_portal_data(liaison)
    code = opinion_services.format_code(data.replied.tracking_code).lower()
    body = Client().get(f"/api/v1/public/opinions/{code}").json()
    assert body["status"] == "replied" and body["can_evaluate"] is True
    assert body["reply"]["text"].startswith("欧***您好")
    assert "content" not in body and "name" not in json.dumps(list(body))
    rejected = Client().get(f"/api/v1/public/opinions/{data.rejected.tracking_code}").json()
    assert rejected["status"] == "not_accepted" and rejected["not_accepted_reason"] == "arbitration"
    assert "仲裁" in rejected["note"]
    assert Client().get("/api/v1/public/opinions/NOPE-NOPE-NOPE").status_code == 404


def test_the_constituent_judges_the_answer_by_code(liaison):
    data = build_portal_data(liaison)
    url = f"/api/v1/public/opinions/{data.replied.tracking_code}/evaluate"
    bad = Client().post(url, data=json.dumps({"satisfaction": "meh", "phone": PLANTED_PHONE}),
                        content_type="application/json")
    assert bad.status_code == 422 and list(bad.json()["fields"]) == ["satisfaction"]
    assert Client().get(f"/api/v1/public/opinions/{data.replied.tracking_code}").json()["asks_phone"] is True
    for payload in ({"satisfaction": "satisfied"}, {"satisfaction": "satisfied", "phone": PLANTED_PHONE[-4:]}):
        refused = Client().post(url, data=json.dumps(payload), content_type="application/json")
        assert refused.status_code == 422 and list(refused.json()["fields"]) == ["phone"], payload
    assert Opinion.objects.get(pk=data.replied.pk).status == OpinionStatus.REPLIED
    ok = Client().post(url, data=json.dumps({"satisfaction": "unsatisfied", "comment": "还没修好",
                                             "phone": PLANTED_PHONE}), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "reopened"
    again = Client().post(url, data=json.dumps({"satisfaction": "satisfied", "phone": PLANTED_PHONE}),
                          content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert Opinion.objects.get(pk=data.replied.pk).status == OpinionStatus.REOPENED


def test_honeypot_gets_a_code_that_leads_nowhere(liaison):
    response = post(Client(), submission(liaison, website="http://spam.example"))
    assert response.status_code == 200
    assert not Opinion.objects.exists()
    assert Client().get(f"/api/v1/public/opinions/{response.json()['tracking_code']}").status_code == 404


def test_length_limits_and_required_contact_setting(liaison):
    PlatformSetting.objects.create(key="liaison.opinion_max_chars", value=100)
    too_long = post(Client(), submission(liaison, content="路" * 101))
    assert too_long.status_code == 422 and "content" in too_long.json()["fields"]
    assert post(Client(), submission(liaison, content="路灯")).status_code == 422
    assert post(Client(), submission(liaison, content="x" * 20000)).status_code == 422, "schema cap"
    bad_phone = post(Client(), submission(liaison, phone="call me")).json()
    assert bad_phone["fields"] == {"phone": ["请填写手机号或固定电话"]}
    congress_setting_set(actor=liaison.clerk, congress=liaison.tree.congress_a, key="liaison.require_contact",
                         raw="1")
    missing = post(Client(), submission(liaison))
    assert missing.status_code == 422 and set(missing.json()["fields"]) == {"name", "phone"}
    assert post(Client(), submission(liaison, name="孙大娘", phone="13812345678")).status_code == 200
    assert Opinion.objects.count() == 1


def test_per_ip_throttle_answers_429_with_a_clear_message(liaison):
    PlatformSetting.objects.create(key="liaison.throttle_per_ip_hour", value=3)
    client = Client()
    for _ in range(3):
        assert post(client, submission(liaison)).status_code == 200
    refused = post(client, submission(liaison))
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "throttled" and "一小时后再试" in body["message"] and body["retry_after"] > 0
    assert refused["Retry-After"] == str(body["retry_after"]), "the header carries the same wait in seconds"
    assert "后可以再试" in body["message"]
    assert post(client, submission(liaison), ip="10.0.0.2").status_code == 200, "another address is not affected"
    assert Opinion.objects.count() == 4


def test_per_phone_throttle_counts_across_addresses(liaison, monkeypatch):
    # 10:00 in Beijing: the day's window has 14 hours left whenever the suite runs
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: BEIJING_10AM))
    PlatformSetting.objects.create(key="liaison.throttle_per_phone_day", value=2)
    client = Client()
    for i in range(2):
        assert post(client, submission(liaison, phone="13812345678"), ip=f"10.1.0.{i}").status_code == 200
    refused = post(client, submission(liaison, phone="138 1234 5678"), ip="10.1.0.9")
    assert refused.status_code == 429 and "手机号" in refused.json()["message"]
    assert int(refused["Retry-After"]) > 3600, "a daily window: the header says how long, in seconds"
    assert post(client, submission(liaison, phone="13900000000"), ip="10.1.0.9").status_code == 200


def test_a_day_window_is_the_local_calendar_day():
    """The per-phone limit says "today … try tomorrow": its day turns at midnight in Beijing, not at 08:00 (UTC)."""
    kw = {"limit": 1, "window": 86400, "message": "今天已达上限"}
    before_midnight = BEIJING_10AM + 13.5 * 3600  # 23:30 in Beijing
    assert throttle.hit("d", "k", now=before_midnight, **kw) == 1
    with pytest.raises(Exception) as err:
        throttle.hit("d", "k", now=before_midnight + 60, **kw)
    assert err.value.extra["retry_after"] == 1800 - 60 + 1
    assert throttle.hit("d", "k", now=before_midnight + 1800, **kw) == 1, "a new day at 00:00 Beijing time"


def test_throttle_window_resets():
    kw = {"limit": 2, "window": 3600, "message": "太频繁"}
    now = 1_800_000_000.0 - (1_800_000_000.0 % 3600)
    assert throttle.hit("t", "k", now=now, **kw) == 1
    assert throttle.hit("t", "k", now=now + 10, **kw) == 2
    with pytest.raises(Exception) as err:
        throttle.hit("t", "k", now=now + 20, **kw)
    assert err.value.status == 429 and err.value.extra["retry_after"] == 3600 - 20 + 1
    assert throttle.hit("t", "k", now=now + 3600, **kw) == 1


def test_the_wait_is_told_in_plain_words():
    assert throttle.wait_in_words(45) == "45 秒"
    assert throttle.wait_in_words(61) == "2 分钟"
    assert throttle.wait_in_words(3581) == "60 分钟"
    assert throttle.wait_in_words(20000) == "6 小时"


def test_a_page_that_lets_throttled_through_still_says_how_long_to_wait(rf):
    from renda.core.errors import Throttled
    from renda.web.middleware import DomainErrorMiddleware

    response = DomainErrorMiddleware(lambda r: None).process_exception(
        rf.get("/portal/"), Throttled("提交过于频繁，请稍后再试", retry_after=120))
    assert response.status_code == 429 and response["Retry-After"] == "120"
    assert "提交过于频繁" in response.content.decode()
