"""On a generated province (generate_province, a small shape): the composition API agrees with the registry for a
county and for each township beside it, the list finds exactly the deputies of the clerk's scope, and the
generator refuses a database that already holds regions."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.deputies.management.commands.generate_province import Shape, generate
from renda.deputies.models import Mandate, MandateStatus, Person
from renda.deputies.validation import validate_id_number
from renda.organizations.models import Congress, Region
from tests.factories import UserFactory
from tests.helpers import api_client

pytestmark = pytest.mark.django_db

SMALL = Shape(cities=1, counties=2, townships=5, county_deputies=24, township_deputies=12,
              districts_per_township=2, groups_per_township=2, ended=0.1, seed=3)


@pytest.fixture
def province():
    return generate(name="小省", shape=SMALL)


def test_the_generator_makes_the_shape_asked_for_with_valid_unique_ids(province):
    assert province.counts["counties"] == 2 and province.counts["townships"] == 5
    assert Mandate.objects.count() == 2 * 24 + 5 * 12
    people = list(Person.objects.all())
    assert len({p.id_number for p in people}) == len(people) == province.counts["people"]
    for person in people[:40]:
        assert validate_id_number(person.id_number) == person.id_number
    assert Mandate.objects.exclude(status=MandateStatus.ACTIVE).exists()
    assert AuditEntry.objects.filter(action="province.generate").count() == 1


def test_county_composition_and_each_township_agree_with_the_registry(province):
    county = Region.objects.filter(level="county").order_by("pk").first()
    clerk = UserFactory(role=Role.COUNTY_STAFF, region=county)
    body = api_client(clerk).get("/api/v1/deputies/stats?status=all").json()
    congress = Congress.objects.get(region=county)
    assert body["total"] == Mandate.objects.filter(congress=congress).count()
    expected = dict(Mandate.objects.filter(congress=congress).values_list("person__party")
                    .annotate(n=Count("id")))
    party = next(d for d in body["dimensions"] if d["key"] == "party")
    assert {r["code"]: r["count"] for r in party["rows"] if r["count"]} == expected
    towns = Congress.objects.filter(region__parent=county).order_by("region__path")
    assert [t["congress"]["id"] for t in body["townships"]] == [t.pk for t in towns]
    for column in body["townships"]:
        theirs = Mandate.objects.filter(congress_id=column["congress"]["id"])     # status=all: everyone elected
        women = next(h for h in column["highlights"] if h["code"] == "women")
        assert (column["total"], women["count"]) == (theirs.count(), theirs.filter(person__gender="female").count())
    active = api_client(clerk).get("/api/v1/deputies/stats").json()
    assert active["total"] == Mandate.objects.filter(congress=congress, status=MandateStatus.ACTIVE).count()


def test_the_list_finds_exactly_the_deputies_of_the_clerks_scope(province):
    town = Region.objects.filter(level="township").order_by("pk").first()
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=town)
    listed = api_client(clerk).get("/api/v1/deputies?page_size=200").json()
    expected = Person.objects.filter(mandates__in=Mandate.objects.filter(
        congress__region=town) | Mandate.objects.filter(district__region=town)).distinct().count()
    assert listed["count"] == expected and expected > 12, "the township's deputies and the county's elected there"


def test_the_command_refuses_a_database_with_regions(province):
    with pytest.raises(CommandError):
        call_command("generate_province", counties=1, townships=1, cities=1)
