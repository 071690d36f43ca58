"""The organisation overview: staff see their region and everything below it, and nothing beside or above."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from renda.core.roles import Role
from renda.organizations.models import BodyKind, MemberPost
from tests.factories import BodyFactory, BodyMemberFactory, PersonFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def bodies(tree):
    presidium = BodyFactory(kind=BodyKind.PRESIDIUM, name="甲镇人大主席团", region=tree.town_a,
                            congress=tree.congress_a, term=tree.term_a)
    BodyMemberFactory(body=presidium, person=PersonFactory(name="张主席", region=tree.town_a), post=MemberPost.CHAIR)
    BodyMemberFactory(body=presidium, person=PersonFactory(name="李委员", region=tree.town_a))
    BodyMemberFactory(body=presidium, person=PersonFactory(name="王离任", region=tree.town_a),
                      until=dt.date(2024, 1, 1))
    BodyFactory(kind=BodyKind.STANDING_COMMITTEE, name="测试县人大常委会", region=tree.county,
                congress=tree.county_congress)
    UnitFactory(region=tree.town_b, name="乙镇农业服务中心")
    return presidium


def _regions(response) -> list[int]:
    html = response.content.decode()
    return [int(part.split('"', 1)[0]) for part in html.split('data-region="')[1:]]


def test_county_staff_see_every_township_with_congress_term_bodies_and_units(client, tree, bodies):
    client.force_login(UserFactory(role=Role.COUNTY_STAFF, region=tree.county), backend=BACKEND)
    response = client.get(reverse("organizations:overview"))
    assert response.status_code == 200
    assert _regions(response) == [tree.county.pk, tree.town_a.pk, tree.town_b.pk]
    html = response.content.decode()
    for text in ("测试县人民代表大会", "第19届", "甲镇人民代表大会", "第20届", "测试县人大常委会", "甲镇人大主席团",
                 "主任/主席：张主席", "委员/成员：李委员", "县交通运输局", "乙镇农业服务中心", "甲村", "乙村"):
        assert text in html, text
    assert "王离任" not in html, "a member who has left is not listed"
    assert html.index("张主席") < html.index("李委员"), "the chair comes first"


def test_township_staff_see_only_their_township(client, tree, bodies):
    client.force_login(UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b), backend=BACKEND)
    response = client.get(reverse("organizations:overview"))
    assert _regions(response) == [tree.town_b.pk]
    html = response.content.decode()
    assert "乙镇农业服务中心" in html and "乙村" in html
    for text in ("甲镇人大主席团", "张主席", "测试县人大常委会", "县交通运输局", "甲村"):
        assert text not in html, text


def test_system_administrator_sees_the_tree_of_their_region(client, tree, bodies):
    admin = UserFactory(role=Role.SYSTEM_ADMIN, region=tree.town_a)
    device = TOTPDevice.objects.create(user=admin, name="default", confirmed=True)
    client.force_login(admin, backend=BACKEND)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    response = client.get(reverse("organizations:overview"))
    assert response.status_code == 200
    assert _regions(response) == [tree.town_a.pk]


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_USER])
def test_deputies_and_units_have_no_organisation_page(client, tree, role):
    extra = {"person": PersonFactory(region=tree.town_a)} if role == Role.DEPUTY else {"unit": tree.unit_county}
    client.force_login(UserFactory(role=role, region=tree.county, **extra), backend=BACKEND)
    assert client.get(reverse("organizations:overview")).status_code == 403
