"""Factories for every model; `org_tree()` builds a small county with two townships for scope tests."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import factory
from factory.django import DjangoModelFactory

from renda.accounts.models import User
from renda.core.roles import Role
from renda.deputies.models import ElectoralDistrict, Gender, Mandate, Person
from renda.organizations.models import (
    Body,
    BodyKind,
    BodyMember,
    Congress,
    HandlingUnit,
    Region,
    Term,
    UnitKind,
)

PASSWORD = "Renda-test-2026"
_region_seq = itertools.count(1)


def make_region(name: str, level: str, parent: Region | None = None) -> Region:
    region = Region.objects.create(name=name, level=level, parent=parent)
    region.path = f"{parent.path if parent else '/'}{region.pk}/"
    region.depth = parent.depth + 1 if parent else 0
    region.save(update_fields=["path", "depth"])
    return region


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"区域{n}")
    level = "county"
    parent = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Region:
        return make_region(kwargs["name"], kwargs["level"], kwargs.get("parent"))


class CongressFactory(DjangoModelFactory):
    class Meta:
        model = Congress

    region = factory.SubFactory(RegionFactory)
    name = factory.LazyAttribute(lambda o: f"{o.region.name}人民代表大会")


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    congress = factory.SubFactory(CongressFactory)
    number = 19
    start_date = dt.date(2021, 10, 1)
    election_date = dt.date(2021, 9, 20)
    is_current = True


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = HandlingUnit

    name = factory.Sequence(lambda n: f"县单位{n}")
    kind = UnitKind.GOVERNMENT_DEPARTMENT
    region = factory.SubFactory(RegionFactory)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"代表{n}")
    gender = Gender.MALE
    birth_date = dt.date(1975, 3, 8)
    region = factory.SubFactory(RegionFactory)


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = ElectoralDistrict

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"第{n}选区")
    region = factory.LazyAttribute(lambda o: o.congress.region)


class MandateFactory(DjangoModelFactory):
    class Meta:
        model = Mandate

    person = factory.SubFactory(PersonFactory)
    term = factory.SubFactory(TermFactory)
    congress = factory.LazyAttribute(lambda o: o.term.congress)
    elected_on = dt.date(2021, 9, 20)


class BodyFactory(DjangoModelFactory):
    class Meta:
        model = Body

    kind = BodyKind.PRESIDIUM
    name = factory.Sequence(lambda n: f"主席团{n}")
    region = factory.SubFactory(RegionFactory)


class BodyMemberFactory(DjangoModelFactory):
    class Meta:
        model = BodyMember

    body = factory.SubFactory(BodyFactory)
    person = factory.SubFactory(PersonFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.COUNTY_STAFF
    region = factory.SubFactory(RegionFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


@dataclass
class OrgTree:
    county: Region
    town_a: Region
    town_b: Region
    village_a: Region
    village_b: Region
    county_congress: Congress
    congress_a: Congress
    congress_b: Congress
    county_term: Term
    term_a: Term
    term_b: Term
    unit_county: HandlingUnit
    unit_other: HandlingUnit


def org_tree() -> OrgTree:
    province = make_region("测试省", "province")
    city = make_region("测试市", "city", province)
    county = make_region("测试县", "county", city)
    town_a = make_region("甲镇", "township", county)
    town_b = make_region("乙镇", "township", county)
    village_a = make_region("甲村", "village", town_a)
    village_b = make_region("乙村", "village", town_b)
    cc = CongressFactory(region=county)
    ca = CongressFactory(region=town_a)
    cb = CongressFactory(region=town_b)
    return OrgTree(
        county=county, town_a=town_a, town_b=town_b, village_a=village_a, village_b=village_b,
        county_congress=cc, congress_a=ca, congress_b=cb,
        county_term=TermFactory(congress=cc), term_a=TermFactory(congress=ca, number=20),
        term_b=TermFactory(congress=cb, number=20),
        unit_county=UnitFactory(region=county, name="县交通运输局"),
        unit_other=UnitFactory(region=county, name="县教育局"),
    )
