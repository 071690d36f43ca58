"""A township (甲镇 of org_tree) with a central station, a village station, four deputies assigned and staff."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from renda.core.roles import Role
from renda.liaison.services import stations as station_services
from tests.factories import DistrictFactory, MandateFactory, OrgTree, PersonFactory, UserFactory


@dataclass
class Liaison:
    tree: OrgTree
    clerk: Any
    clerk_b: Any
    county_staff: Any
    central: Any
    village: Any
    deputies: list[Any]
    county_deputy: Any


def build_liaison(tree: OrgTree) -> Liaison:
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a, display_name="甲镇秘书")
    clerk_b = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b)
    county_staff = UserFactory(role=Role.COUNTY_STAFF, region=tree.county)
    district = DistrictFactory(congress=tree.congress_a, region=tree.town_a, name="甲村选区")
    district.villages.add(tree.village_a)
    deputies = []
    for i, name in enumerate(["王一", "李二", "张三", "赵四"]):
        person = PersonFactory(region=tree.village_a, name=name, phone=f"1390000000{i}")
        MandateFactory(person=person, term=tree.term_a, district=district)
        deputies.append(person)
    county_district = DistrictFactory(congress=tree.county_congress, region=tree.town_a, name="县第5选区")
    county_district.villages.add(tree.village_a)
    county_deputy = PersonFactory(region=tree.town_a, name="钱县代表")
    MandateFactory(person=county_deputy, term=tree.county_term, district=county_district)
    central = station_services.station_create(
        actor=clerk, region=tree.town_a, kind="central", name="甲镇人大代表中心联络站", address="甲镇政府大院2号楼",
        opening_hours="工作日 9:00—17:00", phone="0571-88880000")
    village = station_services.station_create(
        actor=clerk, region=tree.village_a, kind="village", name="甲村代表联络站", address="甲村村委会")
    since = dt.date(2025, 1, 1)
    for person in [*deputies, county_deputy]:
        station_services.station_assign_deputy(actor=clerk, station=central, person=person, since=since)
    return Liaison(tree=tree, clerk=clerk, clerk_b=clerk_b, county_staff=county_staff, central=central,
                   village=village, deputies=deputies, county_deputy=county_deputy)
