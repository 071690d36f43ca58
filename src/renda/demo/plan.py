"""Planning the demo county's deputies in memory: electoral districts, who holds which seat, who leads which body.

Township congresses first (40–90 seats each, districts of 1–3 seats inside one village), then the county congress
(~200 seats in districts located in the townships and streets; some county deputies also hold a township seat,
among them each township's Party secretary), then the bodies: presidiums, the standing committee, the
chairpersons' meeting, working committees and the street working committees. Nothing is written here."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from renda.deputies.models import ElectoralDistrict, MandateStatus, Occupation, Party
from renda.organizations.models import BodyKind, Congress, MemberPost, Region, Term

from .org import Area, Org
from .people import Draft, People


@dataclass(eq=False)
class DistrictPlan:
    congress: Congress
    name: str
    region: Region
    villages: list[Region]
    seats: int
    obj: ElectoralDistrict | None = None  # once written


@dataclass(eq=False)
class Seat:
    draft: Draft
    congress: Congress
    term: Term
    district: DistrictPlan
    status: str = MandateStatus.ACTIVE
    status_date: date | None = None
    status_reason: str = ""


@dataclass(eq=False)
class BodyPlan:
    kind: str
    name: str
    region: Region
    congress: Congress
    term: Term
    members: list[tuple[Draft, MemberPost]] = field(default_factory=list)


@dataclass
class Plan:
    districts: list[DistrictPlan] = field(default_factory=list)
    seats: list[Seat] = field(default_factory=list)
    bodies: list[BodyPlan] = field(default_factory=list)
    duals: dict[str, list[Draft]] = field(default_factory=dict)  # township name → its deputies in both


def allocate(rng: random.Random, total: int, weights: list[float], minimum: int = 1) -> list[int]:
    """Split `total` seats by weight (largest remainder), each part at least `minimum`."""
    free = total - minimum * len(weights)
    shares = [free * w / sum(weights) for w in weights]
    parts = [minimum + int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (int(shares[i]) - shares[i], rng.random()))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def split_seats(rng: random.Random, seats: int) -> list[int]:
    """A district elects one to three deputies (选举法 第二十五条)."""
    parts = []
    while seats > 0:
        parts.append(min(seats, rng.choice((1, 2, 2, 3, 3))))
        seats -= parts[-1]
    return parts


def make_plan(rng: random.Random, people: People, org: Org) -> Plan:
    plan = Plan()
    for area in org.townships:
        _plan_township(rng, people, plan, area)
    for area, seats in zip(org.areas, _county_quota(rng, org), strict=True):
        _plan_county_area(rng, people, plan, org, area, seats)
    _plan_county_bodies(rng, people, plan, org)
    _mark_departures(rng, plan)
    return plan


# --- township congresses --------------------------------------------------------------------------------------

def _plan_township(rng: random.Random, people: People, plan: Plan, area: Area) -> None:
    assert area.congress is not None and area.term is not None
    total = max(40, min(90, 7 * len(area.villages) + rng.randint(-4, 8)))
    weights = [2.0 if v.name.endswith("社区") else rng.uniform(0.8, 1.6) for v in area.villages]
    by_village: dict[int, list[Draft]] = {}
    number = 0
    for village, seats in zip(area.villages, allocate(rng, total, weights), strict=True):
        for part in split_seats(rng, seats):
            number += 1
            district = DistrictPlan(area.congress, f"第{number}选区", area.region, [village], part)
            plan.districts.append(district)
            for _ in range(part):
                d = people.draft(region=village, township=area.name)
                by_village.setdefault(village.pk, []).append(d)
                plan.seats.append(Seat(d, area.congress, area.term, district))
    leaders = _appoint_township_leaders(rng, people, area, by_village)
    plan.bodies.append(_presidium(rng, area, leaders, by_village))


def _appoint_township_leaders(rng: random.Random, people: People, area: Area,
                              by_village: dict[int, list[Draft]]) -> dict[str, Draft]:
    head = "乡长" if area.name.endswith("乡") else "镇长"
    everyone = [d for ds in by_village.values() for d in ds]
    chosen = rng.sample(everyone, 7)
    posts = [("secretary", f"{area.name}党委书记", False, (42, 54)),
             ("head", f"{area.name}党委副书记、{head}", True, (38, 52)),
             ("chair", f"{area.name}人大主席", False, (45, 57)),
             ("vice_chair", f"{area.name}人大副主席", False, (38, 55)),
             ("deputy_head_1", f"{area.name}副{head}", True, (32, 50)),
             ("deputy_head_2", f"{area.name}副{head}", True, (32, 50)),
             ("deputy_secretary", f"{area.name}党委副书记", False, (36, 50))]
    leaders = {key: people.appoint(d, post, government=gov, age=age)
               for d, (key, post, gov, age) in zip(chosen, posts, strict=True)}
    taken = set(map(id, chosen))
    for village in area.villages:
        candidates = [d for d in by_village.get(village.pk, []) if id(d) not in taken]
        if candidates and rng.random() < 0.75:
            d = rng.choice(candidates)
            community = village.name.endswith("社区")
            post = "党委书记、居民委员会主任" if community else "党支部书记、村民委员会主任"
            people.appoint(d, f"{village.name}{post}", occupation=Occupation.OTHER if community else Occupation.FARMER,
                           age=(36, 58))
            leaders[f"village_{village.pk}"] = d
            taken.add(id(d))
    return leaders


def _presidium(rng: random.Random, area: Area, leaders: dict[str, Draft],
               by_village: dict[int, list[Draft]]) -> BodyPlan:
    """7–13 members [setting: presidium size]; none may hold a post in the township government (地方组织法)."""
    assert area.congress is not None and area.term is not None
    body = BodyPlan(BodyKind.PRESIDIUM, f"{area.name}人民代表大会主席团", area.region, area.congress, area.term)
    body.members = [(leaders["chair"], MemberPost.CHAIR), (leaders["vice_chair"], MemberPost.VICE_CHAIR),
                    (leaders["secretary"], MemberPost.MEMBER)]
    secretaries = [d for k, d in leaders.items() if k.startswith("village_")]
    others = [d for ds in by_village.values() for d in ds if not d.government and d not in leaders.values()]
    size = rng.randint(7, 13)
    pool = rng.sample(secretaries, min(len(secretaries), size - 3 - 2))
    pool += rng.sample(others, size - 3 - len(pool))
    body.members += [(d, MemberPost.MEMBER) for d in pool]
    return body


# --- county congress ------------------------------------------------------------------------------------------

def _county_quota(rng: random.Random, org: Org) -> list[int]:
    weights = [len(a.villages) * (1.6 if a.is_street else 1.0) for a in org.areas]
    return allocate(rng, rng.randint(196, 212), weights, minimum=6)


def _plan_county_area(rng: random.Random, people: People, plan: Plan, org: Org, area: Area, seats: int) -> None:
    parts = split_seats(rng, seats)
    township_seats = [s for s in plan.seats if s.congress == area.congress]
    party_secretary = next((s.draft for s in township_seats if s.draft.post == f"{area.name}党委书记"), None)
    duals = plan.duals.setdefault(area.name, [])
    k, m = len(parts), len(area.villages)
    for i, part in enumerate(parts):
        villages = area.villages[i * m // k: max((i + 1) * m // k, i * m // k + 1)]
        district = DistrictPlan(org.congress, f"{area.name}第{i + 1}选区", area.region, villages, part)
        plan.districts.append(district)
        for _ in range(part):
            covered = [s.draft for s in township_seats if s.draft.region in villages and s.draft not in duals]
            if party_secretary is not None and party_secretary not in duals:
                d = party_secretary  # a township's Party secretary usually also sits in the county congress
                duals.append(d)
            elif covered and rng.random() < 0.3:
                d = rng.choice(covered)
                duals.append(d)
            else:
                d = people.draft(region=rng.choice(villages), township=area.name, level="county")
            plan.seats.append(Seat(d, org.congress, org.term, district))


def _plan_county_bodies(rng: random.Random, people: People, plan: Plan, org: Org) -> None:
    free = _county_only(plan, org)
    rng.shuffle(free)
    # leaders of the county who are deputies; the government ones may not sit on the standing committee
    for post, gov in [("中共示范县委书记", False), ("示范县人民政府县长", True), ("示范县人民政府副县长", True),
                      ("示范县人民政府副县长", True), ("示范县人民法院院长", True), ("示范县人民检察院检察长", True),
                      ("示范县监察委员会主任", True)]:
        people.appoint(free.pop(), post, government=gov, age=(44, 56))
    plan.bodies += _standing_committee(rng, people, org, free)
    for area in org.areas:
        if area.is_street:
            plan.bodies.append(_street_committee(rng, people, org, area, free))


def _standing_committee(rng: random.Random, people: People, org: Org, free: list[Draft]) -> list[BodyPlan]:
    """主任, 3–4 副主任, 秘书长 (together the chairpersons' meeting), the heads of the working committees and lay
    members: all county deputies, none holding an executive, supervisory, judicial or procuratorial post."""
    sc = BodyPlan(BodyKind.STANDING_COMMITTEE, "示范县人民代表大会常务委员会", org.county, org.congress, org.term)
    sc.members.append((people.appoint(free.pop(), "示范县人大常委会主任", age=(50, 58)), MemberPost.CHAIR))
    vices = [people.appoint(free.pop(), "示范县人大常委会副主任", age=(46, 58)) for _ in range(rng.randint(3, 4))]
    vices[-1].party = Party.DEMOCRATIC  # one vice-chair from a democratic party, as is common practice
    sc.members += [(d, MemberPost.VICE_CHAIR) for d in vices]
    sc.members.append((people.appoint(free.pop(), "示范县人大常委会秘书长", age=(42, 56)), MemberPost.SECRETARY))
    meeting = BodyPlan(BodyKind.CHAIRPERSONS_MEETING, "示范县人大常委会主任会议", org.county, org.congress, org.term,
                       list(sc.members))
    committees = []
    for name in ("代表工作委员会", "法制工作委员会", "财政经济工作委员会", "教育科学文化卫生工作委员会",
                 "农业与农村工作委员会", "社会建设工作委员会"):
        head = people.appoint(free.pop(), f"示范县人大常委会委员、{name}主任", age=(40, 56))
        sc.members.append((head, MemberPost.MEMBER))
        committees.append(BodyPlan(BodyKind.WORKING_COMMITTEE, f"示范县人大常委会{name}", org.county, org.congress,
                                   org.term, [(head, MemberPost.CHAIR)]))
    lay = [d for d in free if d.occupation != Occupation.CADRE][: rng.randint(12, 16)]
    sc.members += [(d, MemberPost.MEMBER) for d in lay]
    for d in lay:
        free.remove(d)
    return [sc, meeting, *committees]


def _street_committee(rng: random.Random, people: People, org: Org, area: Area, free: list[Draft]) -> BodyPlan:
    mine = [d for d in free if d.region.parent_id == area.region.pk]
    if not mine:
        raise RuntimeError(f"demo plan: no county deputy left in {area.name} to chair its working committee")
    chair = people.appoint(mine[0], f"{area.name}人大工作委员会主任", age=(45, 57))
    members = [d for d in mine[1:] if not d.government][: rng.randint(2, 4)]
    for d in [chair, *members]:
        free.remove(d)
    return BodyPlan(BodyKind.STREET_COMMITTEE, f"{area.name}人大工作委员会", area.region, org.congress, org.term,
                    [(chair, MemberPost.CHAIR)] + [(d, MemberPost.MEMBER) for d in members])


def _county_only(plan: Plan, org: Org) -> list[Draft]:
    township_people = {id(s.draft) for s in plan.seats if s.congress != org.congress}
    return [s.draft for s in plan.seats if s.congress == org.congress and id(s.draft) not in township_people]


# --- a few deputies who left during the term ------------------------------------------------------------------

DEPARTURES = [(MandateStatus.RESIGNED, "因工作调动辞去代表职务"), (MandateStatus.MOVED, "迁出本行政区域"),
              (MandateStatus.DECEASED, "因病去世")]


def _mark_departures(rng: random.Random, plan: Plan) -> None:
    in_bodies = {id(d) for b in plan.bodies for d, _ in b.members}
    counts: dict[int, int] = {}
    for s in plan.seats:
        counts[id(s.draft)] = counts.get(id(s.draft), 0) + 1
    for s in plan.seats:
        plain = counts[id(s.draft)] == 1 and id(s.draft) not in in_bodies and not s.draft.appointed
        if plain and rng.random() < 0.02:
            s.status, s.status_reason = rng.choice(DEPARTURES)
            s.status_date = date(2022, 3, 1) + timedelta(days=rng.randint(0, 1500))
