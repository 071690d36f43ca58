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

# 主要职责 (from each department's 三定 plan, abridged): the unit model learns them beside the history
UNIT_DUTIES = {
    "县教育局": "学校建设、校车、学前教育、义务教育、教师队伍、学生资助",
    "县交通运输局": "农村公路建设养护、通组公路、道路运输、公交线路、客运班线、桥梁",
    "县住建局": "城镇住房、老旧小区改造、物业管理、建筑施工、燃气、市政设施",
    "县农业农村局": "种植养殖、农技推广、高标准农田、农村人居环境、农产品质量",
    "县卫健局": "卫生院、村卫生室、医疗服务、疾病预防、家庭医生签约、计划生育",
    "县人社局": "就业创业、养老保险、工伤保险、劳动保障监察、欠薪、技能培训",
    "县生态环境分局": "环境污染防治、噪声、油烟、污水排放、扬尘、环境影响评价",
    "县水利局": "饮水安全、河道治理、水库、山塘、灌溉渠道、防汛抗旱",
    "县民政局": "低保、特困供养、养老服务、残疾人两项补贴、婚姻登记、殡葬",
    "县市场监管局": "食品安全、药品、保健品、价格、计量、消费者权益",
}

# 曾用名、简称: the names before the 2019 reorganisation and the full names older ledgers write (demo.archive)
UNIT_OTHER_NAMES = {
    "县卫健局": "县卫生健康局、县卫生和计划生育局",
    "县人社局": "县人力资源和社会保障局",
    "县住建局": "县住房和城乡建设局",
    "县交通运输局": "县交通局",
    "县农业农村局": "县农业局",
    "县自然资源局": "县国土资源局",
    "县市场监管局": "县市场监督管理局",
}


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
        rng, rng.choice(("male", "female"))), duties=UNIT_DUTIES.get(n, ""),
        other_names=UNIT_OTHER_NAMES.get(n, "")) for n, k in COUNTY_UNITS]
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
