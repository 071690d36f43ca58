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
