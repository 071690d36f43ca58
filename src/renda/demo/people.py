"""Drafting the demo county's people: plausible names, genders, ages, parties, education, occupations and posts,
then ID numbers and phones consistent with them. Drafts are plain objects until seed.py writes them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pypinyin import Style, lazy_pinyin

from renda.deputies.models import Education, Gender, Occupation, Party, Person
from renda.organizations.models import Region

from . import identity, names

ELECTION_DAY = date(2021, 9, 28)  # ages are drawn as of the election of the current term
AREA_CODE = "439921"  # 示范县: see identity.py for why this code

OCCUPATION_MIX = {
    "township": [(Occupation.FARMER, 42), (Occupation.WORKER, 16), (Occupation.PROFESSIONAL, 17),
                 (Occupation.CADRE, 9), (Occupation.ENTERPRISE, 11), (Occupation.OTHER, 5)],
    "county": [(Occupation.FARMER, 22), (Occupation.WORKER, 15), (Occupation.PROFESSIONAL, 24),
               (Occupation.CADRE, 16), (Occupation.ENTERPRISE, 17), (Occupation.OTHER, 6)],
}
EDUCATION_MIX = {
    Occupation.FARMER: [(Education.JUNIOR, 45), (Education.SECONDARY, 35), (Education.COLLEGE, 15),
                        (Education.BACHELOR, 5)],
    Occupation.WORKER: [(Education.JUNIOR, 25), (Education.SECONDARY, 45), (Education.COLLEGE, 20),
                        (Education.BACHELOR, 10)],
    Occupation.PROFESSIONAL: [(Education.COLLEGE, 25), (Education.BACHELOR, 60), (Education.POSTGRADUATE, 15)],
    Occupation.CADRE: [(Education.COLLEGE, 10), (Education.BACHELOR, 70), (Education.POSTGRADUATE, 20)],
    Occupation.ENTERPRISE: [(Education.SECONDARY, 20), (Education.COLLEGE, 35), (Education.BACHELOR, 40),
                            (Education.POSTGRADUATE, 5)],
    Occupation.OTHER: [(Education.JUNIOR, 30), (Education.SECONDARY, 40), (Education.COLLEGE, 20),
                       (Education.BACHELOR, 10)],
}
FEMALE_SHARE = {Occupation.PROFESSIONAL: 0.45, Occupation.OTHER: 0.35}


def weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


@dataclass(eq=False)
class Draft:
    name: str
    gender: str
    birth_date: date
    party: str
    education: str
    occupation: str
    post: str
    region: Region
    ethnicity: str = "汉族"
    government: bool = False  # holds an executive post: may not sit on a presidium or standing committee
    appointed: bool = False  # holds a named post (a leader, a village secretary)
    id_number: str = ""
    phone: str = ""
    person: Person | None = field(default=None, repr=False)

    def to_person(self) -> Person:
        from renda.core.crypto import keyed_hash

        initials = "".join(lazy_pinyin(self.name, style=Style.FIRST_LETTER))
        return Person(
            name=self.name, name_initials=initials, gender=self.gender, ethnicity=self.ethnicity,
            birth_date=self.birth_date, party=self.party, education=self.education, occupation=self.occupation,
            organization_post=self.post, id_number=self.id_number, id_number_hash=keyed_hash(self.id_number),
            phone=self.phone, phone_hash=keyed_hash(self.phone), address=self.region.name, region=self.region)


class People:
    """Draws people from one random generator, so the same seed gives the same county."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.drafts: list[Draft] = []
        self._ids: set[str] = set()
        self._phones: set[str] = set()

    def birth(self, low: int, high: int) -> date:
        age_days = self.rng.randint(low * 365, high * 365 + 364)
        return ELECTION_DAY - timedelta(days=age_days)

    def draft(self, *, region: Region, township: str, level: str = "township") -> Draft:
        rng = self.rng
        occupation = weighted(rng, OCCUPATION_MIX[level])
        gender = Gender.FEMALE if rng.random() < FEMALE_SHARE.get(occupation, 0.25) else Gender.MALE
        birth = self.birth(24, 62) if occupation != Occupation.CADRE else self.birth(30, 57)
        d = Draft(name=names.person_name(rng, gender), gender=gender, birth_date=birth,
                  party=self._party(occupation, birth, level), education=weighted(rng, EDUCATION_MIX[occupation]),
                  occupation=occupation, post=self._post(occupation, region.name, township, level), region=region,
                  ethnicity="汉族" if rng.random() < 0.94 else rng.choice(names.ETHNIC_MINORITIES))
        self.drafts.append(d)
        return d

    def appoint(self, d: Draft, post: str, *, occupation: str = Occupation.CADRE, party: str = Party.CPC,
                age: tuple[int, int] = (40, 56), government: bool = False) -> Draft:
        """Make a drafted person the holder of a named post (a leader, a village secretary)."""
        d.post, d.occupation, d.party, d.government, d.appointed = post, occupation, party, government, True
        d.birth_date = self.birth(*age)
        if occupation == Occupation.CADRE:
            d.education = weighted(self.rng, EDUCATION_MIX[Occupation.CADRE])
        return d

    def _party(self, occupation: str, birth: date, level: str) -> str:
        if occupation == Occupation.CADRE:
            return Party.CPC
        r = self.rng.random()
        young = (ELECTION_DAY - birth).days < 30 * 365
        if young and r < 0.12:
            return Party.CYL
        if r < 0.55:
            return Party.CPC
        if r < 0.58:
            return Party.PROBATIONARY
        intellectual = occupation in (Occupation.PROFESSIONAL, Occupation.ENTERPRISE)
        if intellectual and r < (0.75 if level == "county" else 0.65):
            return Party.DEMOCRATIC
        return Party.NONE

    def _post(self, occupation: str, place: str, township: str, level: str) -> str:
        rng = self.rng
        crop = rng.choice(names.CROPS)
        urban = place.endswith("社区")
        county_side = level == "county" and rng.random() < 0.5
        options: dict[str, list[str]] = {
            Occupation.FARMER: ([f"{place}居民", f"{place}网格员"] if urban else
                                [f"{place}村民", f"{place}{crop}种植大户", f"{place}家庭农场负责人",
                                 f"{place}{crop}专业合作社理事长", f"{place}村民委员会委员"]),
            Occupation.WORKER: [f"{names.company(rng)}{r}" for r in ("工人", "车间主任", "班组长", "技术员")],
            Occupation.PROFESSIONAL: (
                ["示范县人民医院主任医师", "示范县中医院医生", "示范县第一中学教师", "示范县实验小学校长",
                 "示范县职业技术学校教师", "示范县疾病预防控制中心医师"] if county_side else
                [f"{township}中心小学教师", f"{township}中学教师", f"{township}卫生院医生",
                 f"{township}卫生院护士", f"{township}农业综合服务中心农艺师", f"{place}卫生室医生"]),
            Occupation.CADRE: (
                ["示范县财政局副局长", "示范县农业农村局副局长", "示范县教育局副局长", "示范县总工会副主席",
                 "共青团示范县委员会书记", "示范县妇女联合会主席"] if county_side else
                [f"{township}党委委员、组织委员", f"{township}党委委员、宣传委员", f"{township}党政办公室主任",
                 f"{township}财政所所长", f"{township}党委委员、纪委书记"]),
            Occupation.ENTERPRISE: [f"{names.company(rng)}董事长", f"{names.company(rng)}总经理",
                                    f"{place}{crop}专业合作社理事长"],
            Occupation.OTHER: [f"{township}个体工商户", f"{township}{crop}经销商", f"{place}便民超市经营者",
                               f"{township}退役军人服务站工作人员"],
        }
        return rng.choice(options[occupation])

    def finalize(self) -> None:
        """Give every draft an ID number (from its birth date and gender) and a phone, both unique."""
        for d in self.drafts:
            while not d.id_number or d.id_number in self._ids:
                d.id_number = identity.id_number(self.rng, area=AREA_CODE, birth_date=d.birth_date,
                                                 gender=d.gender)
            self._ids.add(d.id_number)
            while not d.phone or d.phone in self._phones:
                d.phone = identity.phone_number(self.rng)
            self._phones.add(d.phone)
