"""A small registry for the pages, API, export and statistics tests: town A's and town B's deputies, a county
deputy elected in town A, districts and a mixed group — built through the services, as staff would."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

from renda.core.roles import Role
from renda.deputies import services
from renda.deputies.models import DeputyGroup, ElectoralDistrict, Mandate, Person
from renda.deputies.validation import id_check_char
from tests.factories import OrgTree, UserFactory


def make_id(birth: str, seq: int = 1, *, female: bool = False, area: str = "440106") -> str:
    """A valid GB 11643 number: area code, birth date YYYYMMDD, a sequence whose last digit says the gender."""
    order = seq * 2 + (0 if female else 1)
    first17 = f"{area}{birth}{order % 1000:03d}"
    return first17 + id_check_char(first17)


@dataclass
class Registry:
    tree: OrgTree
    county_clerk: Any
    clerk_a: Any
    clerk_b: Any
    district_a: ElectoralDistrict
    county_district_a: ElectoralDistrict
    group_a: DeputyGroup
    zhang: Person          # town A deputy, in group A
    li: Person             # town A deputy, woman, 回族
    wang: Person           # town B deputy
    zhao: Person           # county deputy elected in town A
    mandate_zhang: Mandate
    mandate_zhao: Mandate


def build(tree: OrgTree) -> Registry:
    county_clerk = UserFactory(role=Role.COUNTY_STAFF, region=tree.county, username="county")
    clerk_a = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a, username="clerk_a")
    clerk_b = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b, username="clerk_b")
    district_a = services.district_create(actor=None, congress=tree.congress_a, name="第一选区")
    county_district_a = services.district_create(actor=None, congress=tree.county_congress, name="县第一选区",
                                                 region=tree.town_a)
    zhang = services.person_create(actor=None, region=tree.town_a, name="张三", id_number=make_id("19750308", 1),
                                   phone="13800138000", party="cpc", education="bachelor", occupation="farmer")
    li = services.person_create(actor=None, region=tree.town_a, name="李四",
                                id_number=make_id("19900101", 2, female=True), ethnicity="回族",
                                education="college", occupation="worker")
    wang = services.person_create(actor=None, region=tree.town_b, name="王五", id_number=make_id("19600101", 3),
                                  party="cpc", occupation="cadre")
    zhao = services.person_create(actor=None, region=tree.town_a, name="赵六", id_number=make_id("19800505", 4),
                                  party="democratic", education="postgraduate", occupation="professional")
    m_zhang = services.mandate_create(actor=None, person=zhang, congress=tree.congress_a, district=district_a)
    services.mandate_create(actor=None, person=li, congress=tree.congress_a, district=district_a)
    services.mandate_create(actor=None, person=wang, congress=tree.congress_b)
    m_zhao = services.mandate_create(actor=None, person=zhao, congress=tree.county_congress,
                                     district=county_district_a)
    group_a = services.group_create(actor=None, name="甲镇第一代表小组", region=tree.town_a, members=[m_zhang])
    return Registry(tree=tree, county_clerk=county_clerk, clerk_a=clerk_a, clerk_b=clerk_b, district_a=district_a,
                    county_district_a=county_district_a, group_a=group_a, zhang=zhang, li=li, wang=wang,
                    zhao=zhao, mandate_zhang=m_zhang, mandate_zhao=m_zhao)


def sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return [tuple(row) for row in wb.worksheets[0].iter_rows(values_only=True)]


def xlsx_date(value: Any) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value
