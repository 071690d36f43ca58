"""The demo county's year 2026, told through the services by the people who would act: deputies write and judge,
clerks review, assign and run the sessions, units answer, constituents come to the stations.

Planning draws every random choice first (from the seed's generator, in a fixed order) and dates each step;
the timeline then plays the steps in date order under the story clock (clock.py). Nothing here writes a table
directly: each step calls a public service of its app, with the acting account.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pypinyin import lazy_pinyin

from renda.accounts.models import User
from renda.accounts.services import user_create
from renda.core.roles import Role
from renda.deputies.models import Mandate, MandateStatus, Person
from renda.organizations.models import Congress, HandlingUnit, Region
from renda.workdays.services import calendar_seed_from_package

from .clock import Days, Timeline, at
from .identity import unique_username
from .org import Org

STORY_START = date(2026, 1, 1)
STORY_END = date(2026, 11, 20)  # the story stops on a Friday: a township session is sitting, its vote open
HOME = "青山镇"  # the `township` clerk's township, where the `deputy` login was elected


@dataclass
class Cast:
    """The accounts that act in the story."""

    county: Any
    township: Any  # 青山镇 clerk
    township2: Any  # 柳河镇 clerk
    deputy: Any
    unit: Any  # 县交通运输局
    by_person: dict[Any, Any]  # person id → account
    units: dict[str, HandlingUnit]
    unit_accounts: dict[Any, Any]  # unit id → account

    def of(self, person: Person) -> Any:
        return self.by_person[person.pk]

    def for_unit(self, unit: HandlingUnit) -> Any:
        return self.unit_accounts[unit.pk]

    def staff_for(self, congress: Congress) -> Any:
        for user in (self.township, self.township2):
            if congress.region_id == user.region_id:
                return user
        return self.county


@dataclass
class Story:
    rng: random.Random
    org: Org
    cast: Cast
    days: Days
    timeline: Timeline
    deputy: Person  # the person behind the `deputy` login
    objects: dict[str, Any] = field(default_factory=dict)  # what one part of the story hands to another

    @property
    def county(self) -> Congress:
        return self.org.congress

    def area(self, name: str) -> Any:
        return next(a for a in self.org.areas if a.name == name)

    def deputies(self, congress: Congress) -> list[Person]:
        """The congress's deputies in office, in the order they were written (the roll does not change in the
        story, so it is read once)."""
        key = f"deputies:{congress.pk}"
        if key not in self.objects:
            self.objects[key] = [m.person for m in Mandate.objects.filter(
                congress=congress, status=MandateStatus.ACTIVE).select_related("person__region").order_by("pk")]
        return list(self.objects[key])

    def district_area(self, congress: Congress) -> dict[int, Region]:
        """person id → the township or street where they were elected to this congress."""
        key = f"areas:{congress.pk}"
        if key not in self.objects:
            self.objects[key] = {m.person_id: m.district.region for m in Mandate.objects.filter(
                congress=congress, status=MandateStatus.ACTIVE).select_related("district__region") if m.district}
        return self.objects[key]

    def moment(self, day: date, lo: int = 9, hi: int = 16) -> datetime:
        return at(day, self.rng.randint(lo, hi), self.rng.randint(0, 59))

    def add(self, when: datetime, run: Any, label: str = "") -> None:
        self.timeline.add(when, run, label)


def unit_username(name: str, taken: set[str]) -> str:
    stem = name.removeprefix("县").removesuffix("人民政府").removesuffix("办事处")
    return unique_username("unit_" + re.sub(r"[^a-z]", "", "".join(lazy_pinyin(stem)).lower()), taken)


def build_cast(org: Org, hashed: str) -> Cast:
    """The named logins, every deputy's account, and one account per handling unit (the `unit` login is
    县交通运输局's; the others get `unit_<pinyin>` with the demo password, see docs/demo.md)."""
    users = {u.username: u for u in User.objects.filter(
        username__in=["county", "township", "township2", "deputy", "unit"]).select_related("region", "unit")}
    units = {u.name: u for u in HandlingUnit.objects.filter(region__path__startswith=org.county.path)
             .select_related("region").order_by("pk")}
    accounts: dict[Any, Any] = {users["unit"].unit_id: users["unit"]}
    taken = set(User.objects.values_list("username", flat=True))
    created = []
    for unit in units.values():
        if unit.pk in accounts:
            continue
        user = user_create(actor=None, username=unit_username(unit.name, taken), password=None, role=Role.UNIT_USER,
                           region=unit.region, unit=unit, display_name=f"{unit.name}经办人")
        accounts[unit.pk] = user
        created.append(user.pk)
    User.objects.filter(pk__in=created).update(password=hashed)
    by_person: dict[Any, Any] = {u.person_id: u for u in User.objects.filter(role=Role.DEPUTY, person__isnull=False)
                                 .select_related("person", "region")}
    return Cast(county=users["county"], township=users["township"], township2=users["township2"],
                deputy=users["deputy"], unit=users["unit"], by_person=by_person, units=units,
                unit_accounts=accounts)


def daily_jobs(story: Story) -> None:
    """The worker's daily jobs, run in the story on Monday mornings (and on its last day): the overdue flag and
    escalation and the deadline reminders of suggestions, and the deadline sweep of constituents' opinions. Each
    job does "everything due now", so a week's run catches up what the days between would have done; run every
    day they would cost the seed seconds and change nothing a visitor sees."""
    from renda.liaison.services.opinions import opinion_deadline_sweep
    from renda.suggestions.jobs import flag_overdue, send_deadline_reminders

    day = STORY_START
    while day <= STORY_END:
        if day.weekday() == 0 or day == STORY_END:
            def run(day: date = day) -> None:
                flag_overdue(day)
                send_deadline_reminders(day)
                opinion_deadline_sweep()

            story.add(at(day, 7, 0), run, "worker jobs")
        day += timedelta(days=1)


def seed_story(*, rng: random.Random, org: Org, deputy: Person, hashed: str, seed: int) -> None:
    from . import archive, liaison, meetings, suggestions

    calendar_seed_from_package(actor=None)  # the years the package knows and the table lacks (none after migrate)
    story = Story(rng=rng, org=org, cast=build_cast(org, hashed), days=Days(), timeline=Timeline(), deputy=deputy)
    liaison.plan(story)
    meetings.plan(story)
    suggestions.plan(story)
    archive.plan(story, random.Random(f"{seed}:archive"))  # its own generator: the rest of the story is unchanged
    daily_jobs(story)
    story.timeline.play()
