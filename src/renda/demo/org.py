"""The organisation of 示范县: region tree, congresses with their current terms, handling units.
Every write goes through renda.organizations.services."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from renda.organizations import services as org
from renda.organizations.models import Congress, HandlingUnit, Region, RegionLevel, Term, UnitKind

from . import names

COUNTY_NAME = "示范县"
COUNTY_TERM = 19
COUNTY_ELECTION = date(2021, 9, 28)
COUNTY_TERM_START = date(2021, 10, 15)
TOWNSHIP_TERM_START = date(2021, 10, 9)

COUNTY_UNITS: list[tuple[str, str]] = [
    ("县发改局", UnitKind.GOVERNMENT_DEPARTMENT), ("县教育局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县交通运输局", UnitKind.GOVERNMENT_DEPARTMENT), ("县住建局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县农业农村局", UnitKind.GOVERNMENT_DEPARTMENT), ("县卫健局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县人社局", UnitKind.GOVERNMENT_DEPARTMENT), ("县生态环境分局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县水利局", UnitKind.GOVERNMENT_DEPARTMENT), ("县民政局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县自然资源局", UnitKind.GOVERNMENT_DEPARTMENT), ("县公安局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县财政局", UnitKind.GOVERNMENT_DEPARTMENT), ("县市场监管局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县文广旅体局", UnitKind.GOVERNMENT_DEPARTMENT), ("县应急管理局", UnitKind.GOVERNMENT_DEPARTMENT),
    ("县城管执法局", UnitKind.GOVERNMENT_DEPARTMENT), ("县供电公司", UnitKind.OTHER),
    ("县人民法院", UnitKind.COURT), ("县人民检察院", UnitKind.PROCURATORATE),
    ("县监察委员会", UnitKind.SUPERVISORY_COMMISSION),
]


@dataclass
class Area:
    """A township (with its own congress) or a street (whose county deputies its 人大工委 organises)."""

    region: Region
    villages: list[Region]
    congress: Congress | None = None
    term: Term | None = None
    government: HandlingUnit | None = None

    @property
    def name(self) -> str:
        return self.region.name

    @property
    def is_street(self) -> bool:
        return self.region.level == RegionLevel.STREET


@dataclass
class Org:
    county: Region
    congress: Congress
    term: Term
    areas: list[Area] = field(default_factory=list)
    units: list[HandlingUnit] = field(default_factory=list)

    @property
    def townships(self) -> list[Area]:
        return [a for a in self.areas if not a.is_street]


def build(rng: random.Random) -> Org:
    province = org.region_create(actor=None, name="示范省", level=RegionLevel.PROVINCE, code="430000000000")
    city = org.region_create(actor=None, name="示范市", level=RegionLevel.CITY, parent=province,
                             code="439900000000")
    county = org.region_create(actor=None, name=COUNTY_NAME, level=RegionLevel.COUNTY, parent=city,
                               code="439921000000")
    congress = org.congress_create(actor=None, region=county)
    term = org.term_open(actor=None, congress=congress, number=COUNTY_TERM, start_date=COUNTY_TERM_START,
                         election_date=COUNTY_ELECTION)
    result = Org(county=county, congress=congress, term=term)
    for i, street in enumerate(names.STREETS, start=1):
        result.areas.append(_area(rng, county, street, RegionLevel.STREET, f"439921{i:03d}000"))
    for i, (township, kind) in enumerate(names.TOWNSHIPS, start=1):
        code = f"439921{(100 if kind == 'town' else 200) + i:03d}000"
        area = _area(rng, county, township, RegionLevel.TOWNSHIP, code)
        area.congress = org.congress_create(actor=None, region=area.region)
        area.term = org.term_open(actor=None, congress=area.congress, number=rng.choice((18, 19, 20)),
                                  start_date=TOWNSHIP_TERM_START, election_date=COUNTY_ELECTION)
        result.areas.append(area)
    result.areas.sort(key=lambda a: (a.is_street, a.region.code))
    result.units = [org.unit_create(actor=None, name=n, kind=k, region=county, contact=names.person_name(
        rng, rng.choice(("male", "female")))) for n, k in COUNTY_UNITS]
    for area in result.areas:
        office = f"{area.name}办事处" if area.is_street else f"{area.name}人民政府"
        area.government = org.unit_create(actor=None, name=office, kind=UnitKind.TOWNSHIP_GOVERNMENT,
                                          region=area.region)
    return result


def _area(rng: random.Random, county: Region, name: str, level: str, code: str) -> Area:
    region = org.region_create(actor=None, name=name, level=level, parent=county, code=code)
    stem = name.removesuffix("街道").removesuffix("镇").removesuffix("乡")
    if level == RegionLevel.STREET:
        village_names = [f"{n}社区" for n in rng.sample(names.COMMUNITY_NAMES, rng.randint(5, 8))]
    else:
        village_names = [f"{stem}社区"] + [f"{n}村" for n in rng.sample(names.VILLAGE_NAMES, rng.randint(4, 11))]
    villages = []
    for j, village in enumerate(village_names, start=1):
        # 居委会 codes run 001–199, 村委会 codes from 200 (the statistical division code convention)
        number = j if village.endswith("社区") else 199 + j
        villages.append(org.region_create(actor=None, name=village, level=RegionLevel.VILLAGE, parent=region,
                                          code=f"{code[:9]}{number:03d}"))
    return Area(region=region, villages=villages)
