"""Every non-trivial read of the liaison area: staff reads filtered to the actor's region, public reads limited to
what may be published (no personal data of anyone: deputies by name only, constituents not at all)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from renda.core import scope
from renda.core.errors import Invalid, NotFound
from renda.core.roles import Role
from renda.deputies.models import Mandate, Person
from renda.liaison import recurrence
from renda.liaison.codes import is_code, normalize_code
from renda.liaison.models import (
    Activity,
    DutyAssignment,
    Opinion,
    OpinionJudgment,
    OpinionStatus,
    Reception,
    ReceptionSchedule,
    ScheduleException,
    Station,
    StationDeputy,
)
from renda.liaison.workflow import AWAITING_REPLY
from renda.organizations.models import Congress, Region, RegionLevel
from renda.organizations.services import congress_setting

STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)


def sees_whole(user: Any) -> bool:
    """Whether the user reads the constituent's own words on an opinion's page and endpoint (its content, their
    comment when they judged the reply) whole: the staff who took them. A handling unit (a county department) reads
    them masked as lists show them (the writer's name and phone, anything like a phone or ID number): it sees the
    constituent's contact masked, and the content must not give it away. The clerk's hand-over note stays whole: a
    clerk who wants the unit to call the constituent writes the number there ("请联系孙大娘 138… 核实"), which is
    their decision to share it; the reply is the unit's own."""
    return getattr(user, "role", None) in STAFF


def as_read_by(user: Any, opinion: Opinion, text: str) -> str:
    """The constituent's own words (the opinion's content, their comments on its answers) as this user reads them on
    the opinion's page: whole for the staff who took them (sees_whole), masked for anyone else (Opinion.masked)."""
    return text if sees_whole(user) else opinion.masked(text)


def reads_code_masked(user: Any) -> bool:
    """Whether the user reads tracking codes masked (Opinion.masked_code): a handling unit, which is judged by the
    answer and has no need of the code that opens the portal's 评价. The staff, who give the code to the
    constituent, and the station's deputies, who follow the opinion with them, read it whole."""
    return getattr(user, "role", None) == Role.UNIT_USER


def shown_code(user: Any, opinion: Opinion) -> str:
    return opinion.masked_code if reads_code_masked(user) else opinion.code


# --- stations (staff) -----------------------------------------------------------------------------------------
def stations_visible(*, user: Any) -> QuerySet[Station]:
    qs = Station.objects.select_related("region", "congress")
    if getattr(user, "role", None) not in STAFF:
        return qs.none()
    return scope.within(qs, user)


def access_station_by_id(*, user: Any, station_id: Any) -> Station:
    return scope.get_or_404(stations_visible(user=user), pk=station_id)


def schedules_visible(*, user: Any) -> QuerySet[ReceptionSchedule]:
    return ReceptionSchedule.objects.filter(station__in=stations_visible(user=user)).select_related("station")


def access_schedule_by_id(*, user: Any, schedule_id: Any) -> ReceptionSchedule:
    return scope.get_or_404(schedules_visible(user=user), pk=schedule_id)


def station_deputies(*, station: Station, on: date | None = None) -> QuerySet[Person]:
    """The deputies assigned to the station on a day (today by default)."""
    on = on or timezone.localdate()
    ids = StationDeputy.objects.filter(station=station, since__lte=on).filter(
        Q(until__isnull=True) | Q(until__gte=on)).values("person_id")
    return Person.objects.filter(pk__in=ids).order_by("name", "id")


# --- reception days -------------------------------------------------------------------------------------------
@dataclass
class ReceptionDay:
    date: dt.date
    schedule: ReceptionSchedule
    start_time: time
    end_time: time
    place: str
    moved_from: dt.date | None = None
    added: bool = False
    reason: str = ""
    published: bool = True
    deputies: list[Person] = field(default_factory=list)


def exception_rows(schedule: ReceptionSchedule) -> list[recurrence.ExceptionRow]:
    rows = getattr(schedule, "prefetched_exceptions", None)
    if rows is None:
        rows = list(schedule.exceptions.all())
    return [recurrence.ExceptionRow(e.kind, e.date, e.new_date, e.reason) for e in rows]


def schedule_days(schedule: ReceptionSchedule, start: date, end: date) -> list[recurrence.Occurrence]:
    return recurrence.occurrences(schedule.rule, schedule.starts_on, schedule.ends_on, exception_rows(schedule),
                                  start, end)


def reception_days(*, stations: list[Station], start: date, end: date, publish_until: date | None = None,
                   active_only: bool = True) -> dict[int, list[ReceptionDay]]:
    """Each station's reception days from start to end (inclusive), with the deputies on duty. Deputies are
    withheld (`published=False`) for days after `publish_until`: the schedule is published N days ahead."""
    station_ids = [s.pk for s in stations]
    schedules = ReceptionSchedule.objects.filter(station_id__in=station_ids).select_related("station")
    if active_only:
        schedules = schedules.filter(active=True)
    schedules = schedules.prefetch_related(
        Prefetch("exceptions", queryset=ScheduleException.objects.all(), to_attr="prefetched_exceptions"))
    duties: dict[tuple[int, date], list[Person]] = defaultdict(list)
    for duty in (DutyAssignment.objects.filter(schedule__in=schedules, date__gte=start, date__lte=end)
                 .select_related("person").order_by("date", "person__name", "person_id")):
        duties[(duty.schedule_id, duty.date)].append(duty.person)
    out: dict[int, list[ReceptionDay]] = {pk: [] for pk in station_ids}
    for schedule in schedules:
        for occ in schedule_days(schedule, start, end):
            published = publish_until is None or occ.date <= publish_until
            out[schedule.station_id].append(ReceptionDay(
                date=occ.date, schedule=schedule, start_time=schedule.start_time, end_time=schedule.end_time,
                place=schedule.place or schedule.station.address, moved_from=occ.moved_from, added=occ.added,
                reason=occ.reason, published=published,
                deputies=duties.get((schedule.pk, occ.date), []) if published else []))
    for days in out.values():
        days.sort(key=lambda d: (d.date, d.start_time))
    return out


def publish_until(station: Station, today: date) -> date:
    return today + timedelta(days=int(congress_setting(station.congress, "liaison.publish_days_ahead")))


# --- the yearly check: every deputy receives at least N times a year ([setting]) -----------------------------
@dataclass
class ReceptionTally:
    person: Person
    stations: list[str]
    attended: int
    planned: int
    required: int

    @property
    def short(self) -> bool:
        return self.attended < self.required


def yearly_reception_check(*, year: int, user: Any = None, congress: Congress | None = None) -> list[ReceptionTally]:
    """Per deputy assigned to a station (in the user's scope, or of the congress) during `year`: receptions
    attended (recorded reception days) and duties planned, against the congress's minimum."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    stations = stations_visible(user=user) if user is not None else Station.objects.all()
    if congress is not None:
        stations = stations.filter(congress=congress)
    assignments = (StationDeputy.objects.filter(station__in=stations, since__lte=end)
                   .filter(Q(until__isnull=True) | Q(until__gte=start)).select_related("person", "station__congress"))
    by_person: dict[int, tuple[Person, list[Station]]] = {}
    for a in assignments:
        by_person.setdefault(a.person_id, (a.person, []))[1].append(a.station)
    attended = dict(Reception.objects.filter(date__gte=start, date__lte=end, deputies_present__in=list(by_person))
                    .values_list("deputies_present").annotate(n=Count("id", distinct=True)))
    planned = dict(DutyAssignment.objects.filter(date__gte=start, date__lte=end, person_id__in=by_person)
                   .values_list("person_id").annotate(n=Count("id")))
    rows = []
    for pid, (person, station_list) in by_person.items():
        required = int(congress_setting(station_list[0].congress, "liaison.min_receptions_per_year"))
        rows.append(ReceptionTally(person=person, stations=sorted({s.name for s in station_list}),
                                   attended=attended.get(pid, 0), planned=planned.get(pid, 0), required=required))
    rows.sort(key=lambda r: (not r.short, r.attended, r.person.name))
    return rows


# --- opinions (staff and handling units) ---------------------------------------------------------------------
def opinions_visible(*, user: Any) -> QuerySet[Opinion]:
    qs = Opinion.objects.select_related("station", "congress", "region", "responsible", "unit")
    role = getattr(user, "role", None)
    if role == Role.UNIT_USER:
        return qs.filter(unit_id=user.unit_id) if user.unit_id else qs.none()
    if role not in STAFF:
        return qs.none()
    return scope.within(qs, user)


def access_opinion_by_id(*, user: Any, opinion_id: Any) -> Opinion:
    return scope.get_or_404(opinions_visible(user=user), pk=opinion_id)


def opinion_by_code(*, user: Any, raw: str, field: str = "into") -> Opinion:
    """An opinion the user sees, by its tracking code as a constituent reads it out (dashes, spaces, case ignored);
    Invalid on `field` when there is none, so a form shows the error where the code was typed."""
    code = normalize_code(raw or "")
    found = opinions_visible(user=user).filter(tracking_code=code).first() if code else None
    if found is None:
        raise Invalid("没有找到该查询码的意见（须为您负责范围内的意见）", fields={field: ["查询码无效"]})
    return found


def convertible_opinions(*, user: Any) -> QuerySet[Opinion]:
    """Opinions of the actor's scope that may still be turned into a deputy suggestion (accepted or reopened)."""
    if getattr(user, "role", None) not in STAFF:
        return Opinion.objects.none()
    return opinions_visible(user=user).filter(status__in=(OpinionStatus.ACCEPTED, OpinionStatus.REOPENED))


def deputies_who_may_take_up(*, user: Any, opinions: list[Opinion]) -> QuerySet[Mandate]:
    """Deputies in office who may take up these opinions in a suggestion: an active mandate of the current term
    of a congress inside the actor's region whose area holds every one of the opinions."""
    if getattr(user, "role", None) not in STAFF or user.region is None:
        return Mandate.objects.none()
    paths = [o.region.path for o in opinions]
    congress_ids = [c.pk for c in Congress.objects.select_related("region")
                    .filter(region__path__startswith=user.region.path)
                    if all(p.startswith(c.region.path) for p in paths)] if paths else []
    return (Mandate.objects.in_office().filter(congress_id__in=congress_ids)
            .select_related("person", "congress__region").order_by("-congress__region__path", "person__name"))


def earlier_judgments(opinion: Opinion) -> list[OpinionJudgment]:
    """The judgments of the opinion's earlier replies, oldest first: each one that reopened it (不满意 while
    reopenings remained). The row keeps only the judgment of the reply it shows (services.opinions.
    judgment_cleared); that one, while the row still holds it, is left out: the page shows it beside its reply."""
    judgments = list(opinion.judgments.select_related("recorded_by"))
    return judgments[:-1] if opinion.satisfaction and judgments else judgments


def overdue_q(today: date) -> Q:
    return Q(status__in=AWAITING_REPLY, deadline__lt=today)


def opinion_counts(*, user: Any, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    qs = opinions_visible(user=user)
    return {
        "open": qs.filter(status__in=AWAITING_REPLY).count(),
        "overdue": qs.filter(overdue_q(today)).count(),
        "replied": qs.filter(status=OpinionStatus.REPLIED).count(),
        "closed": qs.filter(status=OpinionStatus.CLOSED).count(),
    }


# --- public reads ---------------------------------------------------------------------------------------------
def public_stations() -> QuerySet[Station]:
    return Station.objects.filter(active=True).select_related("region", "congress")


def public_station(station_id: Any) -> Station:
    return scope.get_or_404(public_stations(), pk=station_id)


def public_opinion(code: str) -> Opinion:
    """The opinion a tracking code (normalised) opens; anything that is not a well-formed code is simply not found."""
    code = normalize_code(code)
    if not is_code(code):
        raise NotFound("查询码不存在，请核对后重新输入")
    return scope.get_or_404(Opinion.objects.select_related("station"), tracking_code=code)


def public_regions(q: str = "", parent: Region | None = None) -> QuerySet[Region]:
    """Townships, streets, villages and communities a constituent may pick as "where I live"."""
    qs = Region.objects.filter(level__in=[RegionLevel.TOWNSHIP, RegionLevel.STREET, RegionLevel.VILLAGE])
    if parent is not None:
        qs = qs.filter(parent=parent)
    if q:
        qs = qs.filter(name__contains=q.strip()[:20])
    return qs.select_related("parent").order_by("path")


def stations_for_region(region: Region) -> list[Station]:
    """A village's stations: its own, those that serve it, then its township's central station."""
    own = list(public_stations().filter(Q(region=region) | Q(villages=region)).distinct())
    if region.level == RegionLevel.VILLAGE and region.parent_id:
        own += [s for s in public_stations().filter(region_id=region.parent_id, kind="central") if s not in own]
    elif region.level in (RegionLevel.TOWNSHIP, RegionLevel.STREET):
        own += [s for s in public_stations().filter(region__path__startswith=region.path) if s not in own]
    return own


@dataclass
class PublicDeputy:
    id: int
    name: str
    levels: list[str]
    stations: list[str]


def deputies_for_region(region: Region, stations: list[Station] | None = None,
                        today: date | None = None) -> list[PublicDeputy]:
    """"My deputies": those elected in a district covering the village (or in the village's own district), and
    those assigned to the stations that serve it — names and levels only."""
    today = today or timezone.localdate()
    stations = stations if stations is not None else stations_for_region(region)
    mandates = (Mandate.objects.in_office()
                .filter(Q(district__villages=region) | Q(district__region=region))
                .select_related("person", "congress__region").distinct())
    found: dict[int, PublicDeputy] = {}
    level_labels = dict(RegionLevel.choices)
    for m in mandates:
        d = found.setdefault(m.person_id, PublicDeputy(m.person_id, m.person.name, [], []))
        d.levels.append(level_labels.get(m.congress.region.level, "") + "人大代表")
    for d in station_public_deputies(stations, today):
        found.setdefault(d.id, PublicDeputy(d.id, d.name, [], [])).stations.extend(d.stations)
        found[d.id].levels += d.levels
    for d in found.values():
        d.levels = sorted(set(d.levels), key=lambda lv: ("县" not in lv, lv))
    return sorted(found.values(), key=lambda d: d.name)


def station_public_deputies(stations: list[Station], today: date | None = None) -> list[PublicDeputy]:
    """The deputies assigned to the stations today (编组进站), with the levels of their active mandates."""
    today = today or timezone.localdate()
    assigned = (StationDeputy.objects.filter(station__in=stations, since__lte=today)
                .filter(Q(until__isnull=True) | Q(until__gte=today)).select_related("person", "station"))
    level_labels = dict(RegionLevel.choices)
    levels: dict[int, set[str]] = defaultdict(set)
    in_office = Mandate.objects.in_office().filter(person_id__in=[a.person_id for a in assigned])
    for m in in_office.select_related("congress__region"):
        levels[m.person_id].add(level_labels.get(m.congress.region.level, "") + "人大代表")
    found: dict[int, PublicDeputy] = {}
    for a in assigned:
        d = found.setdefault(a.person_id, PublicDeputy(
            a.person_id, a.person.name, sorted(levels[a.person_id], key=lambda lv: ("县" not in lv, lv)), []))
        d.stations.append(a.station.name)
    return sorted(found.values(), key=lambda d: d.name)


def published_opinions() -> QuerySet[Opinion]:
    return (Opinion.objects.filter(published=True, replied_at__isnull=False)
            .select_related("station").order_by("-replied_at", "-id"))


def public_activities(station: Station, today: date) -> QuerySet[Activity]:
    """Published deliberation activities and voter meetings of a station, from a month back on."""
    return (Activity.objects.filter(stations=station, published_at__isnull=False,
                                    meeting_date__gte=today - timedelta(days=30)).order_by("meeting_date"))


# --- a deputy's own liaison page -------------------------------------------------------------------------------
@dataclass
class DeputyLiaison:
    stations: list[Station]
    duties: list[DutyAssignment]
    receptions: list[Reception]
    opinions: list[Opinion]
    work: list[Any]


def upcoming_duties(*, person_id: Any, today: date, days: int) -> QuerySet[DutyAssignment]:
    """The deputy's reception days from today for `days` days, soonest first: on a schedule and at a station still
    in use, where the deputy still serves (a deputy released from a station keeps the duty rows, not the duty)."""
    return (DutyAssignment.objects.filter(
        person_id=person_id, date__gte=today, date__lte=today + timedelta(days=days), schedule__active=True,
        schedule__station__active=True, schedule__station__assignments__person_id=person_id,
        schedule__station__assignments__until__isnull=True)
        .select_related("schedule__station").order_by("date", "pk"))


def followed_open(person_id: Any) -> QuerySet[Opinion]:
    """The opinions the deputy follows that await a reply (我的联络站, its heading's count, the home page's 待办)."""
    return Opinion.objects.filter(deputy_id=person_id, status__in=AWAITING_REPLY)


DEPUTY_DAYS_AHEAD = 90  # the reception days 我的联络站 (and the home page's 近期接待日) show


def deputy_liaison(*, person: Person, today: date, days_ahead: int = DEPUTY_DAYS_AHEAD) -> DeputyLiaison:
    """What a deputy sees of their liaison work: their stations, their coming duty days, the receptions they
    attended this year and last, the opinions they follow (open ones first, with deadlines) and what they
    recorded. Five small queries, each bounded."""
    from renda.liaison.models import DeputyWork

    stations = list(Station.objects.filter(assignments__person=person, assignments__until__isnull=True)
                    .select_related("region").distinct().order_by("name"))
    duties = list(upcoming_duties(person_id=person.pk, today=today, days=days_ahead)[:30])
    receptions = list(Reception.objects.filter(deputies_present=person, date__year__gte=today.year - 1)
                      .select_related("station").order_by("-date")[:30])
    # every open one first (a deputy with a term of answered ones must still see those waiting), then the latest
    # answered, to 100 in all
    opinions = list(followed_open(person.pk).select_related("station", "region").order_by("deadline", "pk")[:100])
    opinions += list(Opinion.objects.filter(deputy=person).exclude(status__in=AWAITING_REPLY).select_related(
        "station", "region").order_by("-deadline", "-pk")[:100 - len(opinions)])
    work = list(DeputyWork.objects.filter(person=person).select_related("opinion", "station")[:30])
    return DeputyLiaison(stations=stations, duties=duties, receptions=receptions,
                         opinions=Opinion.masked_together(opinions), work=work)
