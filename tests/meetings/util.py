"""Building blocks for meeting and vote tests: a township congress with N deputies, fast (bulk) and real."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from renda.accounts.models import User
from renda.core.roles import Role
from renda.deputies.models import Gender, Mandate, Person
from renda.meetings import services
from renda.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingKind, Session, SignInMethod
from renda.organizations.models import Body, BodyKind, BodyMember, Term
from tests.factories import UserFactory


def make_deputies(term: Term, n: int, *, prefix: str = "代表") -> list[Person]:
    region = term.congress.region
    people = Person.objects.bulk_create([Person(name=f"{prefix}{i:03d}", gender=Gender.MALE, region=region)
                                         for i in range(n)])
    if not people or people[0].pk is None:  # SQLite before 3.35 returns no ids
        people = list(Person.objects.filter(region=region, name__startswith=prefix).order_by("id"))[-n:]
    Mandate.objects.bulk_create([Mandate(person=p, congress=term.congress, term=term,
                                         elected_on=dt.date(2021, 9, 20)) for p in people])
    return people


def deputy_user(person: Person) -> User:
    return UserFactory(username=f"dep{person.pk}", role=Role.DEPUTY, region=person.region, person=person,
                       display_name=person.name)


def mark_present(meeting: Meeting, people: list[Person]) -> None:
    """Bulk sign-in for setting up a test (the sign-in service has its own tests)."""
    now = timezone.now()
    Attendance.objects.bulk_create([Attendance(meeting=meeting, person=p, status=AttendanceStatus.PRESENT,
                                               method=SignInMethod.STAFF, signed_in_at=now) for p in people])


def make_session(term: Term, *, number: int = 1, starts_on: dt.date = dt.date(2026, 3, 10),
                 ends_on: dt.date = dt.date(2026, 3, 11)) -> Session:
    return Session.objects.create(congress=term.congress, term=term, number=number,
                                  title=f"{term.congress.name}第{term.number}届第{number}次会议",
                                  starts_on=starts_on, ends_on=ends_on)


@dataclass
class Hall:
    """A township congress in session: its clerk, N deputies and a plenary meeting."""

    clerk: User
    meeting: Meeting
    deputies: list[Person]
    term: Term
    session: Session | None = None
    users: dict[int, User] = field(default_factory=dict)

    def user(self, person: Person) -> User:
        if person.pk not in self.users:
            self.users[person.pk] = deputy_user(person)
        return self.users[person.pk]


def hall(tree: Any, n: int, *, present: int | None = None, start: bool = True,
         kind: str = MeetingKind.PLENARY) -> Hall:
    term = tree.term_a
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a, display_name="甲镇人大秘书")
    people = make_deputies(term, n)
    session = make_session(term)
    meeting = services.meeting_create(actor=clerk, congress=tree.congress_a, kind=kind, title="第一次全体会议",
                                      starts_at=timezone.now(), session=session)
    mark_present(meeting, people[: n if present is None else present])
    if start:
        meeting = services.meeting_start(actor=clerk, meeting=meeting)
    return Hall(clerk=clerk, meeting=meeting, deputies=people, term=term, session=session)


def presidium(tree: Any, members: list[Person]) -> Body:
    body = Body.objects.create(kind=BodyKind.PRESIDIUM, name="甲镇人大主席团", region=tree.town_a,
                               congress=tree.congress_a, term=tree.term_a)
    BodyMember.objects.bulk_create([BodyMember(body=body, person=p) for p in members])
    return body
