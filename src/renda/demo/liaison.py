"""The stations' year: a central station in every township and street and a few village stations, every deputy
assigned to one (编组进站), reception schedules as recurrence rules — 青山镇 receives on the 1st, 11th and 21st of
every month (seed 003), the others on other rules — with the holidays of the official calendar moved or cancelled,
duty rotas, the reception days held, and the constituents' opinions raised there or online, each on its way through
the opinion workflow (liaison/workflow.py): new, accepted, transferred, answered, judged, reopened, overdue, and
three taken up in a deputy suggestion whose answer reaches them, one merged into a neighbour's earlier opinion of the
same complaint (合并办理). Also a deliberation activity of the county congress (June) and a voter meeting of 青山镇
announced for December.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from renda.deputies.models import Person
from renda.liaison import recurrence
from renda.liaison.models import Opinion
from renda.liaison.services import opinions, stations
from renda.organizations.models import Region
from renda.workdays.models import DayKind, Holiday

from . import constituents, identity, names
from .clock import at
from .matters import BUS, LITIGATION, MATTERS, RECEPTION_SUMMARIES, TRANSPORT, Matter
from .story import HOME, STORY_END, STORY_START, Story

RULES = ["FREQ=MONTHLY;BYMONTH=1,3,5,7,9,11;BYMONTHDAY=15", "FREQ=MONTHLY;BYDAY=1TU,3TU", "FREQ=WEEKLY;BYDAY=MO",
         "FREQ=MONTHLY;BYDAY=2WE,4WE"]
HOME_RULE = "FREQ=MONTHLY;BYMONTHDAY=1,11,21"
VILLAGE_STATIONS = {"青山镇": 3, "柳河镇": 2, "石桥镇": 1, "城关街道": 1}
SETUP_DAY = date(2026, 1, 5)
ASSIGNED_SINCE = date(2021, 12, 1)  # 编组进站 after the 2021 elections
BUS_DAYS = [date(2026, 3, 11), date(2026, 3, 21), date(2026, 4, 1)]
RECEIVED_CUTOFF = date(2026, 10, 25)  # opinions after it are still on their way when the story stops


@dataclass(eq=False)
class Post:
    """A station being set up: where, whom it serves, who is assigned, when it receives."""

    area: Any
    region: Region
    kind: str
    name: str
    villages: list[Region]
    staff: Any
    rule: str
    people: list[Person] = field(default_factory=list)
    days: list[date] = field(default_factory=list)
    obj: Any = None
    schedule: Any = None


@dataclass(eq=False)
class Case:
    """One constituent's opinion and the path it takes."""

    post: Post
    matter: Matter
    content: str
    channel: str
    received: datetime
    name: str
    phone: str
    village: Region
    fate: str
    obj: Any = None
    primary: Case | None = None  # fate "duplicate": the earlier opinion it is merged into


def plan(story: Story) -> None:
    posts = _posts(story)
    for post in posts:
        _setup(story, post)
    cases = _receptions(story, posts)
    cases += _other_channels(story, posts)
    cases += _repeated(story, cases)
    cases += _school_gate(story, posts)
    for case in cases:
        constituents.handle(story, case)
    constituents.activities_of_the_year(story, posts)
    story.objects["posts"] = posts


# --- stations, deputies, schedules -------------------------------------------------------------------------------

def _posts(story: Story) -> list[Post]:
    rng = story.rng
    county_area = story.district_area(story.county)
    posts: list[Post] = []
    for i, area in enumerate(story.org.areas):
        congress = area.congress or story.county
        staff = story.cast.staff_for(congress)
        n = VILLAGE_STATIONS.get(area.name, 0)
        picked = rng.sample(area.villages[1:], n) if n else []
        central = Post(area, area.region, "central", f"{area.name}人大代表联络站",
                       [v for v in area.villages if v not in picked], staff,
                       HOME_RULE if area.name == HOME else RULES[i % len(RULES)])
        posts.append(central)
        for v in picked:
            posts.append(Post(area, v, "village", f"{v.name}人大代表联络站", [], staff, RULES[(i + 1) % 2]))
        township_people = story.deputies(area.congress) if area.congress else []
        county_people = [p for p in story.deputies(story.county) if county_area[p.pk].pk == area.region.pk]
        seen: set[int] = set()
        for person in [*township_people, *county_people]:
            if person.pk in seen:
                continue
            seen.add(person.pk)
            home = next((p for p in posts if p.area is area and p.kind == "village" and p.region.pk ==
                         person.region_id), central)
            home.people.append(person)
    return posts


def _setup(story: Story, post: Post) -> None:
    rng = story.rng
    when = story.moment(SETUP_DAY, 9, 11)
    address = (f"{post.area.name}{'办事处' if post.area.is_street else '人民政府'}一楼" if post.kind == "central"
               else f"{post.region.name}村（居）民委员会")

    def create() -> None:
        post.obj = stations.station_create(
            actor=post.staff, region=post.region, kind=post.kind, name=post.name, address=address,
            opening_hours="工作日 8:30—12:00，14:30—17:30" if post.kind == "central" else "接待日 9:00—11:30",
            villages=post.villages)
        items = _six_haves(post)
        stations.station_set_six_haves(actor=post.staff, station=post.obj, met=items[: 6 if post.kind == "central"
                                                                                       else rng.randint(4, 5)])

    story.add(when, create)
    for k, person in enumerate(post.people):
        story.add(when + timedelta(minutes=30, seconds=k), lambda p=person: stations.station_assign_deputy(
            actor=post.staff, station=post.obj, person=p, since=ASSIGNED_SINCE))
    starts = date(2026, 1, 1)
    post.days, moves = _reception_days(story, post.rule, starts)

    def schedule() -> None:
        post.schedule = stations.schedule_create(
            actor=post.staff, station=post.obj, rule=post.rule, starts_on=starts, start_time=time(9),
            end_time=time(11, 30), note="代表轮流值班，接待群众来访")
        for day, new_day, reason in moves:
            stations.schedule_exception_add(actor=post.staff, schedule=post.schedule, day=day, new_date=new_day,
                                            kind="move" if new_day else "cancel", reason=reason)

    story.add(at(SETUP_DAY, 15, 0), schedule)
    story.add(at(SETUP_DAY + timedelta(days=1), 9, rng.randint(0, 59)), lambda: stations.duty_rotate(
        actor=post.staff, schedule=post.schedule, start=starts, end=date(2026, 12, 31), per_day=2))


def _six_haves(post: Post) -> list[str]:
    from renda.organizations.services import congress_setting

    return list(congress_setting(post.obj.congress, "liaison.six_haves"))


def _reception_days(story: Story, rule: str, starts: date) -> tuple[list[date], list[tuple[date, Any, str]]]:
    """The rule's days of 2026 and, for each one that falls on an official holiday, a cancellation (New Year) or a
    move to the next working day — the exceptions a clerk enters in January."""
    holidays = dict(Holiday.objects.filter(date__year=2026, kind=DayKind.HOLIDAY).values_list("date", "name"))
    regular = [o.date for o in recurrence.occurrences(rule, starts, None, [], starts, date(2026, 12, 31))]
    moves: list[tuple[date, Any, str]] = []
    days = []
    for day in regular:
        if day not in holidays:
            days.append(day)
            continue
        if holidays[day] == "元旦":
            moves.append((day, None, "元旦放假，本次接待取消"))
            continue
        new = story.days.workday(day)
        while new in regular or new in days:
            new = story.days.after(new, 1)
        moves.append((day, new, f"{holidays[day]}放假，接待日顺延至{new.month}月{new.day}日"))
        days.append(new)
    return sorted(days), moves


# --- reception days and what constituents raise ------------------------------------------------------------------

def _receptions(story: Story, posts: list[Post]) -> list[Case]:
    rng = story.rng
    cases: list[Case] = []
    bus_posts = next(p for p in posts if p.area.name == HOME and p.kind == "central")
    bus: list[Case] = []
    litigation_done = False
    for post in posts:
        held = [d for d in post.days if STORY_START < d < STORY_END]
        if post.kind == "village":
            held = held[:: max(1, len(held) // 3)]
        elif post is not bus_posts:
            held = held[:: max(1, len(held) // 7)]
        for day in held:
            n = rng.choice((0, 1, 1, 1, 2, 2, 3)) if post is bus_posts else rng.choice((0, 1, 1, 2))
            recorded = at(day, 11, 40)  # the matters are registered with the day's record
            day_cases = [_case(story, post, rng.choice(MATTERS), "reception", recorded) for _ in range(n)]
            if post is bus_posts and day in BUS_DAYS:
                text = BUS[BUS_DAYS.index(day)]
                day_cases.append(_case(story, post, Matter("城建交通", text, ""), "reception", recorded,
                                       fate="bus"))
                bus.append(day_cases[-1])
            if post is bus_posts and day >= RECEIVED_CUTOFF and not any(
                    c.matter.unit == TRANSPORT and c.fate == "assigned" for c in cases + day_cases):
                road = next(m for m in MATTERS if m.unit == TRANSPORT)
                day_cases.append(_case(story, post, road, "reception", recorded, fate="assigned"))
            if not litigation_done and post is bus_posts and day.month == 6:
                day_cases.append(_case(story, post, LITIGATION, "reception", recorded, fate="rejected"))
                litigation_done = True
            story.add(recorded, lambda p=post, d=day, cs=day_cases: _record(story, p, d, cs))
            cases += day_cases
    story.objects["bus_cases"] = bus
    return cases


def _case(story: Story, post: Post, matter: Matter, channel: str, received: datetime, fate: str = "") -> Case:
    rng = story.rng
    villages = post.villages or [post.region]
    village = rng.choice(villages)
    crop = rng.choice(["茶叶", "油茶", "蔬菜", "柑橘", "生姜"])
    gender = rng.choice(("male", "female"))
    phone = identity.phone_number(rng) if rng.random() < 0.75 else ""
    return Case(post=post, matter=matter, content=matter.content.format(village=village.name, crop=crop),
                channel=channel, received=received, name=names.person_name(rng, gender), phone=phone,
                village=village, fate=fate or _fate(story, matter, received))


def _fate(story: Story, matter: Matter, received: datetime) -> str:
    r = story.rng.random()
    day = received.date()
    if day >= date(2026, 11, 12):
        return "received" if r < 0.5 else "accepted"
    if day >= RECEIVED_CUTOFF:
        if matter.unit == TRANSPORT:
            return "assigned"  # the `unit` login has an opinion to answer
        return "assigned" if matter.unit and r < 0.6 else ("replied" if r < 0.8 else "accepted")
    if day >= RECEIVED_CUTOFF - timedelta(days=30) and r < 0.12:
        return "reopened_open"  # judged unsatisfied, waiting for its second answer
    if date(2026, 9, 20) <= day < date(2026, 10, 12) and r < 0.25:
        return "overdue"
    if r < 0.15:
        return "spot"
    if r < 0.25:
        return "silent"
    if r < 0.32:
        return "reopened"
    if r < 0.38 and day >= date(2026, 9, 1):
        return "replied"
    return "closed"


def _record(story: Story, post: Post, day: date, cases: list[Case]) -> None:
    rng = story.rng
    on_duty = [d.person for d in post.schedule.duties.filter(date=day).select_related("person")] if post.schedule \
        else []
    reception = stations.reception_record(
        actor=post.staff, station=post.obj, day=day, deputies_present=on_duty, schedule=post.schedule,
        visitors=len(cases) + rng.randint(1, 9), summary=rng.choice(RECEPTION_SUMMARIES),
        matters=[{"content": c.content, "category": c.matter.category, "name": c.name, "phone": c.phone,
                  "region": c.village} for c in cases])
    for case, opinion in zip(cases, Opinion.objects.filter(reception=reception).order_by("pk"), strict=True):
        case.obj = opinion


def _other_channels(story: Story, posts: list[Post]) -> list[Case]:
    """Messages left on the portal, calls and letters through the year."""
    rng = story.rng
    cases = []
    central = [p for p in posts if p.kind == "central"]
    day = date(2026, 1, 19)
    while day < STORY_END:
        post = rng.choice(central)
        channel = rng.choice(("online", "online", "online", "phone", "letter"))
        case = _case(story, post, rng.choice(MATTERS), channel, story.moment(day, 8, 21))
        story.add(case.received, lambda c=case: _register(story, c))
        cases.append(case)
        day += timedelta(days=rng.randint(12, 30))
    return cases


REPEAT_NOTE = "邻居在接待日已经反映过这个问题，我家也是一样的情况，请一并解决。"


def _repeated(story: Story, cases: list[Case]) -> list[Case]:
    """A constituent phones the day after a neighbour raised the same complaint at 青山镇's reception day: the clerk
    merges the call into the earlier opinion (合并办理), and the earlier opinion's reply reaches both."""
    first = next((c for c in cases if c.post.area.name == HOME and c.post.kind == "central" and c.fate == "closed"
                  and c.channel == "reception" and date(2026, 8, 1) <= c.received.date() < date(2026, 10, 1)), None)
    if first is None:
        return []
    case = Case(post=first.post, matter=first.matter, content=first.content + REPEAT_NOTE, channel="phone",
                received=first.received + timedelta(hours=27, minutes=30), name="周桂兰", phone="13907316208",
                village=first.village, fate="duplicate", primary=first)
    story.add(case.received, lambda: _register(story, case))
    return [case]


SCHOOL_GATE = Matter(
    "城建交通", "", "镇政府已协调县交通运输局在青山镇中学门口施划斑马线、设置减速带，上下学时段由派出所安排警力值守。",
    unit=TRANSPORT)
SCHOOL_GATE_VOICES = [
    "青山镇中学门口早晚放学时车辆乱停乱放，学生过马路很危险，希望设置减速带和交通标志。",
    "青山镇中学校门口上下学高峰接送车辆乱停，堵得水泄不通，孩子过马路险象环生，请尽快整治。",
    "反映青山镇中学门口没有斑马线和减速带，放学时车辆车速快，学生过马路太危险。",
    "青山镇中学门口放学时段车辆乱停，交通秩序混乱，建议安排志愿者维护秩序，设置减速带。",
    "青山镇中学门口路段车辆乱停、车速快，学生上下学安全隐患大，请有关部门增设减速带、斑马线。",
]


def _school_gate(story: Story, posts: list[Post]) -> list[Case]:
    """A hot issue of the story's last month: five parents of 青山镇 write about the traffic at the middle school's
    gate within two weeks. The clerk accepts them; the county finds them together on the 热点问题 page (this
    month's) and can hand them to a deputy as one suggestion. Drawn from a random source of its own, so the rest of
    the story is the same with or without it."""
    import random

    rng = random.Random(20261102)
    post = next(p for p in posts if p.area.name == HOME and p.kind == "central")
    villages = post.villages or [post.region]
    cases = []
    for k, text in enumerate(SCHOOL_GATE_VOICES):
        received = at(date(2026, 11, 2) + timedelta(days=2 * k + rng.randint(0, 1)), rng.randint(8, 20),
                      rng.randint(0, 59))
        case = Case(post=post, matter=SCHOOL_GATE, content=text, channel=("online", "phone", "letter")[k % 3],
                    received=received, name=names.person_name(rng, rng.choice(("male", "female"))),
                    phone=identity.phone_number(rng), village=rng.choice(villages), fate="accepted")
        story.add(case.received, lambda c=case: _register(story, c))
        cases.append(case)
    return cases


def _register(story: Story, case: Case) -> None:
    actor = opinions.PUBLIC_ACTOR if case.channel == "online" else case.post.staff
    case.obj = opinions.opinion_register(
        actor=actor, channel=case.channel, station=case.post.obj, region=case.village, content=case.content,
        category=case.matter.category, name=case.name, phone=case.phone)
