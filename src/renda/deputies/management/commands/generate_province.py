"""`manage.py generate_province`: a whole province of made-up deputies, for benchmarks and load tests.

The default shape is Guangdong's (DOMAIN.md §1: 122 county congresses, 1,127 townships, 108,806 county and
township deputies): 21 cities, 120 counties, 1,100 townships, 250 deputies per county congress and 70 per township
congress, about one county deputy in ten also a township deputy — about 108,000 people and 110,600 mandates, with
districts, deputy groups (混合编组) and a few ended mandates. Everything is random but repeatable (--seed).

Speed over ceremony: rows are written with bulk_create, not through the services (one audit entry records the
generation). ID numbers are valid GB 11643 numbers and unique; phones are unique; both are encrypted and hashed
as the services would. Never run it on a real database: it refuses unless the database is empty of regions, or
--force is given.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from renda.core import audit, crypto
from renda.deputies.models import (
    DeputyGroup,
    Education,
    ElectoralDistrict,
    GroupMembership,
    Mandate,
    MandateStatus,
    Occupation,
    Party,
    Person,
)
from renda.deputies.services import name_initials
from renda.deputies.validation import id_check_char
from renda.organizations.models import Congress, Region, RegionLevel, Term

SURNAMES = ("陈李黄张梁刘林何罗郑谢杨吴周叶赖钟邓朱冯曾许蔡彭卢苏胡余潘黎江徐方温廖庄"
            "王谭邱马肖麦丘袁古欧龙蓝严莫伍戴孙汤高韦翟尹邝饶石覃傅朱简詹孔植区")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉海波宁晓东"
         "雪梅春燕金凤婷佳俊宏嘉豪颖欣怡振兴家乐锦荣")
MINORITIES = ("壮族", "瑶族", "畲族", "回族", "满族", "土家族", "苗族")
POSTS = ("村党支部书记", "村民委员会主任", "合作社理事长", "小学教师", "卫生院医生", "企业职工", "个体工商户",
         "镇党委委员", "农场职工", "社区居委会主任")
ENDINGS = (MandateStatus.RESIGNED, MandateStatus.MOVED, MandateStatus.DECEASED, MandateStatus.TERMINATED)


@dataclass
class Shape:
    cities: int = 21
    counties: int = 120
    townships: int = 1100
    county_deputies: int = 280
    township_deputies: int = 70
    districts_per_township: int = 6
    groups_per_township: int = 3
    both_levels: float = 0.10          # share of county deputies who are also township deputies
    ended: float = 0.03                # share of mandates ended (辞职、调离 …)
    seed: int = 20261123


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    province: Region | None = None


def _spread(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _regions(level: str, parents: Iterable[tuple[Region, int, str]]) -> list[Region]:
    """Regions under each parent (parent, how many, name pattern with {i}); paths set after the ids exist."""
    objs = [Region(name=pattern.format(i=i + 1), level=level, parent=parent, code="")
            for parent, count, pattern in parents for i in range(count)]
    Region.objects.bulk_create(objs, batch_size=2000)
    for r in objs:
        parent: Any = r.parent
        r.path, r.depth = f"{parent.path}{r.pk}/", parent.depth + 1
    Region.objects.bulk_update(objs, ["path", "depth"], batch_size=2000)
    return objs


class _People:
    """Made-up people with valid, unique ID numbers and phones."""

    def __init__(self, rnd: random.Random) -> None:
        self.ids: set[str] = set()
        self.rnd, self.phone = rnd, 13_000_000_000 + rnd.randrange(10_000_000)

    def id_number(self, area: str, birth: dt.date, female: bool) -> str:
        while True:
            seq = self.rnd.randrange(500) * 2 + (0 if female else 1)
            first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
            if first17 not in self.ids:
                self.ids.add(first17)
                return first17 + id_check_char(first17)

    def make(self, region: Region, area: str, term_start: dt.date) -> Person:
        rnd = self.rnd
        female = rnd.random() < 0.27
        birth = term_start - dt.timedelta(days=rnd.randrange(25 * 365, 68 * 365))
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))
        id_number = self.id_number(area, birth, female)
        self.phone += 1 + rnd.randrange(7)
        phone = str(self.phone)
        return Person(
            name=name, name_initials=name_initials(name), gender="female" if female else "male",
            ethnicity=rnd.choice(MINORITIES) if rnd.random() < 0.05 else "汉族", birth_date=birth,
            party=rnd.choices(Party.values, weights=(60, 2, 3, 5, 30))[0],
            education=rnd.choices(Education.values, weights=(5, 35, 30, 20, 10))[0],
            occupation=rnd.choices(Occupation.values, weights=(15, 30, 20, 20, 10, 1, 4))[0],
            organization_post=rnd.choice(POSTS), id_number=id_number,
            id_number_hash=crypto.keyed_hash(id_number), phone=phone,
            phone_hash=crypto.keyed_hash(phone), region=region)


def generate(*, name: str = "测试省", shape: Shape | None = None,
             progress: Callable[[str], None] | None = None) -> Report:
    shape = shape or Shape()
    rnd = random.Random(shape.seed)
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    report = Report()
    election, start = dt.date(2021, 10, 15), dt.date(2021, 10, 20)
    with transaction.atomic():
        province = Region.objects.create(name=name, level=RegionLevel.PROVINCE, code="440000")
        province.path = f"/{province.pk}/"
        province.save(update_fields=["path"])
        cities = _regions(RegionLevel.CITY, [(province, shape.cities, name + "第{i}市")])
        counties = _regions(RegionLevel.COUNTY, [(c, n, c.name + "第{i}县")
                                                 for c, n in zip(cities, _spread(shape.counties, shape.cities),
                                                                 strict=True)])
        per_county = _spread(shape.townships, shape.counties)
        townships = _regions(RegionLevel.TOWNSHIP, [(c, n, c.name + "第{i}镇")
                                                    for c, n in zip(counties, per_county, strict=True)])
        say(f"regions: {len(cities)} cities, {len(counties)} counties, {len(townships)} townships")
        congresses = {r.pk: Congress(region=r, name=f"{r.name}人民代表大会") for r in [*counties, *townships]}
        Congress.objects.bulk_create(congresses.values(), batch_size=2000)
        terms = {rid: Term(congress=c, number=18 if c.region.level == RegionLevel.COUNTY else 20,
                           election_date=election, start_date=start, is_current=True)
                 for rid, c in congresses.items()}
        Term.objects.bulk_create(terms.values(), batch_size=2000)
        districts: dict[int, list[ElectoralDistrict]] = {}
        county_districts: dict[int, ElectoralDistrict] = {}       # township id → the county's district there
        objs = []
        for t in townships:
            county_districts[t.pk] = ElectoralDistrict(congress=congresses[int(t.parent_id or 0)], name=f"{t.name}选区",
                                                       region=t, seats=shape.county_deputies // 9)
            districts[t.pk] = [ElectoralDistrict(congress=congresses[t.pk], name=f"第{i + 1}选区", region=t,
                                                 seats=shape.township_deputies // shape.districts_per_township)
                               for i in range(shape.districts_per_township)]
            objs += [county_districts[t.pk], *districts[t.pk]]
        ElectoralDistrict.objects.bulk_create(objs, batch_size=2000)
        groups = {t.pk: [DeputyGroup(name=f"第{i + 1}代表小组", region=t) for i in range(shape.groups_per_township)]
                  for t in townships}
        DeputyGroup.objects.bulk_create([g for gs in groups.values() for g in gs], batch_size=2000)
        say(f"congresses {len(congresses)}, districts {len(objs)}, groups {len(townships) * shape.groups_per_township}")

        people = _People(rnd)
        by_county: dict[int, list[Region]] = {}
        for t in townships:
            by_county.setdefault(int(t.parent_id or 0), []).append(t)
        persons: list[Person] = []
        mandates: list[tuple[Person, Congress, ElectoralDistrict, Region]] = []
        for ci, county in enumerate(counties):
            area = f"44{ci % 90 + 1:02d}{ci // 90 + 1:02d}"
            towns = by_county[county.pk]
            county_people = []
            for i in range(shape.county_deputies):
                town = towns[i % len(towns)]
                p = people.make(town, area, start)
                persons.append(p)
                county_people.append((p, town))
                mandates.append((p, congresses[county.pk], county_districts[town.pk], town))
            for town in towns:
                both = [p for p, t in county_people if t is town][:int(shape.county_deputies / len(towns)
                                                                         * shape.both_levels)]
                for i in range(shape.township_deputies):
                    p = both[i] if i < len(both) else people.make(town, area, start)
                    if i >= len(both):
                        persons.append(p)
                    mandates.append((p, congresses[town.pk], districts[town.pk][i % len(districts[town.pk])],
                                     town))
        Person.objects.bulk_create(persons, batch_size=2000)
        say(f"people {len(persons)}")
        mandate_objs = []
        for p, congress, district, _town in mandates:
            m = Mandate(person=p, congress=congress, term=terms[congress.region_id], district=district,
                        elected_on=election)
            if rnd.random() < shape.ended:
                m.status = rnd.choice(ENDINGS)
                m.status_date = election + dt.timedelta(days=rnd.randrange(300, 1500))
                m.status_reason = "生成数据"
            mandate_objs.append(m)
        Mandate.objects.bulk_create(mandate_objs, batch_size=2000)
        members = [GroupMembership(group=groups[town.pk][i % shape.groups_per_township], mandate=m, joined_on=start)
                   for i, ((_p, _c, _d, town), m) in enumerate(zip(mandates, mandate_objs, strict=True))
                   if m.status == MandateStatus.ACTIVE]
        GroupMembership.objects.bulk_create(members, batch_size=2000)
        report.counts = {"cities": len(cities), "counties": len(counties), "townships": len(townships),
                         "people": len(persons), "mandates": len(mandate_objs), "memberships": len(members)}
        audit.record(actor=None, action="province.generate", obj=province,
                     after={**report.counts, "seed": shape.seed})
    report.seconds = time.perf_counter() - started
    report.province = province
    return report


class Command(BaseCommand):
    help = "生成一个测试用的省（约 120 个县、1,100 个乡镇、11 万名代表）/ Generate a made-up province for benchmarks."

    def add_arguments(self, parser: Any) -> None:
        d = Shape()
        parser.add_argument("--name", default="测试省")
        for key in ("cities", "counties", "townships", "county_deputies", "township_deputies", "seed"):
            parser.add_argument(f"--{key.replace('_', '-')}", type=int, default=getattr(d, key), dest=key)
        parser.add_argument("--force", action="store_true", help="generate even if the database holds regions")

    def handle(self, *args: Any, **options: Any) -> None:
        if Region.objects.exists() and not options["force"]:
            raise CommandError("数据库中已有行政区域：本命令只用于空的测试或基准数据库（确需追加请加 --force）")
        shape = Shape(**{k: options[k] for k in ("cities", "counties", "townships", "county_deputies",
                                                 "township_deputies", "seed")})
        report = generate(name=options["name"], shape=shape, progress=lambda m: self.stdout.write("  " + m))
        self.stdout.write(self.style.SUCCESS(
            f"已生成“{options['name']}”，用时 {report.seconds:.1f} 秒：" + "，".join(
                f"{k} {v:,}" for k, v in report.counts.items())))
