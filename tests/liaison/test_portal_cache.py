"""The portal's short cache (public_cache.py): a liaison write bumps the generation after commit, so the next
visitor sees the change at once; and a warm portal request costs few queries."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from renda.core.models import AuditEntry
from renda.liaison.models import DutyAssignment
from renda.liaison.services import stations as svc

pytestmark = pytest.mark.django_db


def _day(page: str, day) -> str:
    return page.split(f'data-testid="day-{day:%Y-%m-%d}"')[1].split('<div class="day"')[0]


def test_portal_shows_the_new_duty_right_after_a_rotation(liaison, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        schedule = svc.schedule_create(actor=liaison.clerk, station=liaison.central, rule="FREQ=DAILY",
                                       starts_on=today, start_time=time(9), end_time=time(11))
    client = Client()
    before = client.get(f"/portal/stations/{liaison.central.pk}/").content.decode()
    assert "值班代表：" not in _day(before, tomorrow), "nobody is on duty yet (and the page is now cached)"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = svc.duty_rotate(actor=liaison.clerk, schedule=schedule, start=tomorrow, end=tomorrow, per_day=2)
    assert created == 2 and len(callbacks) == 1, "the rotation bumps the portal cache after commit"
    on_duty = list(DutyAssignment.objects.filter(schedule=schedule, date=tomorrow)
                   .order_by("person__name").values_list("person__name", flat=True))
    assert len(on_duty) == 2
    assert AuditEntry.objects.filter(action="schedule.duty_rotate").count() == 1

    after = _day(client.get(f"/portal/stations/{liaison.central.pk}/").content.decode(), tomorrow)
    assert "值班代表：" in after and all(name in after for name in on_duty)


def test_warm_portal_requests_cost_at_most_one_query(liaison, django_assert_max_num_queries):
    """Speed rule of the portal (200 phones at once): a warm station page and schedule API read only the cache,
    a tracking page or API reads its one opinion by code."""
    from renda.liaison.services.opinions import format_code
    from tests.liaison.portal_data import build_portal_data

    data = build_portal_data(liaison)
    client = Client()
    budget = {f"/portal/stations/{liaison.central.pk}/": 0,
              f"/api/v1/public/stations/{liaison.central.pk}/receptions": 0,
              f"/portal/place/{liaison.tree.village_a.pk}/": 0,
              f"/portal/track/{format_code(data.replied.tracking_code)}/": 1,
              f"/api/v1/public/opinions/{data.replied.tracking_code}": 1}
    for path, queries in budget.items():
        assert client.get(path).status_code == 200
        with django_assert_max_num_queries(queries):
            assert client.get(path).status_code == 200, path


def test_a_cached_tracking_page_changes_with_its_opinion_and_gives_each_visitor_their_own_csrf_token(liaison):
    from renda.liaison.models import Opinion, OpinionStatus
    from renda.liaison.services import opinions as opinion_services
    from renda.liaison.services.opinions import format_code

    opinion = opinion_services.opinion_register(actor=liaison.clerk, channel="phone", station=liaison.central,
                                                content="村口垃圾没人清运，已经一周。")
    url = f"/portal/track/{format_code(opinion.tracking_code)}/"
    first = Client().get(url).content.decode()
    assert 'data-testid="evaluate-form"' not in first and "垃圾已清运" not in first
    api = f"/api/v1/public/opinions/{opinion.tracking_code}"
    assert Client().get(api).json()["reply"] is None
    opinion_services.opinion_reply(actor=liaison.clerk, opinion=opinion, text="垃圾已清运，并安排每日清运。")
    answered = Client().get(api)
    assert "垃圾已清运" in answered.json()["reply"]["text"] and answered["Cache-Control"] == "no-store"

    visitors = [Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)]
    pages = [v.get(url) for v in visitors]
    for page in pages:
        body = page.content.decode()
        assert "垃圾已清运" in body and 'data-testid="evaluate-form"' in body, "a new version is rendered afresh"
        assert "csrf-slot" not in body
    tokens = [p.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0] for p in pages]
    assert tokens[0] != tokens[1], "the cached copy does not hand one visitor's token to another"
    judged = visitors[1].post(url + "evaluate/", {"satisfaction": "satisfied", "csrfmiddlewaretoken": tokens[1]})
    assert judged.status_code == 302
    assert Opinion.objects.get(pk=opinion.pk).status == OpinionStatus.CLOSED
    assert AuditEntry.objects.filter(action="opinion.evaluate", object_id=str(opinion.pk)).exists()
    assert "满意" in Client().get(url).content.decode()
