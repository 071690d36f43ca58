"""Every staff user sees only their own region and below; outside the scope is 404, never 403."""

from __future__ import annotations

import pytest

from renda.core.roles import Role
from tests.factories import DistrictFactory, MandateFactory, PersonFactory, UserFactory
from tests.helpers import api_client

pytestmark = pytest.mark.django_db


def _ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_county_staff_sees_every_township_below_the_county(tree):
    county = UserFactory(role=Role.COUNTY_STAFF, region=tree.county)
    ids = _ids(api_client(county).get("/api/v1/regions?page_size=200"))
    assert {tree.county.pk, tree.town_a.pk, tree.town_b.pk, tree.village_a.pk, tree.village_b.pk} <= ids
    assert tree.county.parent_id not in ids, "the city above the county is outside its scope"


def test_township_staff_sees_only_their_township_and_its_villages(tree):
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    assert _ids(api_client(clerk).get("/api/v1/regions")) == {tree.town_a.pk, tree.village_a.pk}
    assert _ids(api_client(clerk).get("/api/v1/congresses")) == {tree.congress_a.pk}


def test_congresses_carry_region_and_current_term(tree):
    county = UserFactory(role=Role.COUNTY_STAFF, region=tree.county)
    items = api_client(county).get("/api/v1/congresses").json()["items"]
    by_id = {c["id"]: c for c in items}
    assert by_id[tree.county_congress.pk]["term"] == tree.county_term.number
    assert by_id[tree.congress_a.pk]["region"] == {"id": tree.town_a.pk, "name": "甲镇", "level": "township"}


@pytest.fixture
def people(tree):
    person_a = PersonFactory(region=tree.village_a, name="甲代表")
    person_b = PersonFactory(region=tree.village_b, name="乙代表")
    MandateFactory(person=person_a, term=tree.term_a)
    MandateFactory(person=person_b, term=tree.term_b)
    # A county deputy elected in town A's district is organised by town A (混合编组).
    county_deputy = PersonFactory(region=tree.county, name="县代表")
    MandateFactory(person=county_deputy, term=tree.county_term,
                   district=DistrictFactory(congress=tree.county_congress, region=tree.town_a))
    return person_a, person_b, county_deputy


def test_township_clerk_gets_404_for_another_townships_deputy(tree, people):
    person_a, person_b, county_deputy = people
    client = api_client(UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a))
    assert client.get(f"/api/v1/deputies/{person_a.pk}").status_code == 200
    response = client.get(f"/api/v1/deputies/{person_b.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get(f"/api/v1/deputies/{county_deputy.pk}").status_code == 200
    assert client.get("/api/v1/deputies/999999").json()["code"] == "not_found"
    listed = _ids(client.get("/api/v1/deputies"))
    assert listed == {person_a.pk, county_deputy.pk}


def test_county_staff_reaches_deputies_of_every_township(tree, people):
    client = api_client(UserFactory(role=Role.COUNTY_STAFF, region=tree.county))
    assert _ids(client.get("/api/v1/deputies")) == {p.pk for p in people}


def test_deputy_sees_only_themself(tree, people):
    person_a, person_b, _ = people
    me = UserFactory(role=Role.DEPUTY, region=tree.town_a, person=person_a)
    client = api_client(me)
    assert _ids(client.get("/api/v1/deputies")) == {person_a.pk}
    assert client.get(f"/api/v1/deputies/{person_b.pk}").status_code == 404
    assert client.get("/api/v1/me").json()["deputy"] == {"id": person_a.pk, "name": "甲代表"}


@pytest.mark.parametrize("role", [Role.UNIT_USER, Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.SECURITY_ADMIN])
def test_roles_without_the_registry_are_forbidden_from_it(tree, people, role):
    kwargs = {"unit": tree.unit_county} if role == Role.UNIT_USER else {}
    user = UserFactory(role=role, region=tree.county, **kwargs)
    response = api_client(user).get("/api/v1/deputies")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_anonymous_gets_401_from_every_non_public_endpoint(tree):
    from django.test import Client

    for path in ("/api/v1/me", "/api/v1/regions", "/api/v1/congresses", "/api/v1/deputies"):
        response = Client().get(path)
        assert response.status_code == 401, path
        assert response.json()["code"] == "not_authenticated"


def test_township_clerk_home_page_counts_only_their_scope(client, tree, people):
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    client.force_login(clerk)
    html = client.get("/").content.decode()
    # town A: one township deputy and one county deputy elected there; town B's deputy is not counted.
    assert 'data-testid="total-mandates">2<' in html
