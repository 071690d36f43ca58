"""The calendar page: staff read it; county staff and the system administrator enter a new year's schedule."""

from __future__ import annotations

from datetime import date

import pytest

from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.workdays.models import CalendarYear, Holiday
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORM = {"holidays": "2027-10-01~2027-10-07 国庆节\n2027-01-01 元旦",
        "makeup_days": "2027-09-26 国庆节\n2027-10-09 国庆节", "source_detail": "国办发明电"}


def test_county_clerk_enters_2027_from_the_page(client, tree):
    clerk = UserFactory(role=Role.COUNTY_STAFF, region=tree.county)
    client.force_login(clerk)
    listing = client.get("/calendar/").content.decode()
    assert 'data-testid="missing-2027"' in listing or CalendarYear.objects.filter(year=2027).exists()
    response = client.post("/calendar/2027/", FORM)
    assert response.status_code == 302
    assert Holiday.objects.filter(date__year=2027).count() == 10
    assert Holiday.objects.get(date=date(2027, 10, 9)).kind == "makeup_workday"
    assert AuditEntry.objects.filter(action="calendar.enter", actor_id=clerk.pk).exists()
    page = client.get("/calendar/2027/").content.decode()
    assert "2027-10-01~2027-10-07 国庆节" in page


def test_a_bad_line_is_shown_and_nothing_is_saved(client, tree):
    client.force_login(UserFactory(role=Role.COUNTY_STAFF, region=tree.county))
    response = client.post("/calendar/2027/", {**FORM, "holidays": "十月一日 国庆"})
    assert response.status_code == 422
    assert "第 1 行格式有误" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_township_clerk_reads_but_cannot_enter(client, tree):
    client.force_login(UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a))
    assert client.get("/calendar/").status_code == 200
    response = client.post("/calendar/2027/", FORM)
    assert response.status_code == 200 and "<form method=\"post\" class=\"stack card\"" not in response.content.decode()
    assert not Holiday.objects.filter(date__year=2027).exists()


def test_deputy_and_unit_may_not_open_the_calendar(client, tree):
    client.force_login(UserFactory(role=Role.UNIT_USER, region=tree.county, unit=tree.unit_county))
    assert client.get("/calendar/").status_code == 403
