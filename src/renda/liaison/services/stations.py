"""Stations, the deputies assigned to them (编组进站), reception schedules, their exceptions and duties, and the
record of a reception day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, time
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count

from renda.core import audit
from renda.core.errors import Invalid
from renda.core.scope import check_version
from renda.deputies.models import MandateStatus, Person
from renda.liaison import public_cache, recurrence
from renda.liaison.models import (
    DutyAssignment,
    ExceptionKind,
    Reception,
    ReceptionSchedule,
    ScheduleException,
    Station,
    StationDeputy,
    StationKind,
)
from renda.liaison.selectors import exception_rows, schedule_days, station_deputies
from renda.organizations.models import Region, RegionLevel
from renda.organizations.selectors import congress_for_region
from renda.organizations.services import congress_setting

STATION_FIELDS = ("name", "kind", "region", "address", "opening_hours", "phone", "active", "villages")
SCHEDULE_FIELDS = ("title", "rule", "starts_on", "ends_on", "start_time", "end_time", "place", "note", "active")

KIND_LEVELS = {
    StationKind.CENTRAL: {RegionLevel.TOWNSHIP, RegionLevel.STREET},
    StationKind.VILLAGE: {RegionLevel.VILLAGE},
    StationKind.WORKROOM: {RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.STREET, RegionLevel.VILLAGE},
}


# --- stations -------------------------------------------------------------------------------------------------
def _check_station(station: Station, villages: Sequence[Region]) -> None:
    if station.region.level not in KIND_LEVELS[StationKind(station.kind)]:
        message = {"central": "中心联络站应设在乡镇或街道", "village": "村（居）联络站应设在村或社区"}.get(
            station.kind, "代表工作室应设在县、乡镇、街道或村（居）")
        raise Invalid(message, fields={"region": [message]})
    outside = [v.name for v in villages if v.level != RegionLevel.VILLAGE or not v.path.startswith(
        station.congress.region.path)]
    if outside:
        raise Invalid("联系村（居）须是本级人大所辖的村或社区：" + "、".join(outside), fields={"villages": outside})


@transaction.atomic
def station_create(*, actor: Any, region: Region, kind: str, name: str, address: str, opening_hours: str = "",
                   phone: str = "", villages: Sequence[Region] = ()) -> Station:
    congress = congress_for_region(region)
    if congress is None:
        raise Invalid("该区域没有可管理联络站的人民代表大会", fields={"region": ["无所属人大"]})
    station = Station(region=region, congress=congress, kind=kind, name=name.strip(), address=address.strip(),
                      opening_hours=opening_hours.strip(), phone=phone.strip())
    station.full_clean(exclude=["six_haves"])
    _check_station(station, villages)
    try:
        with transaction.atomic():
            station.save()
    except IntegrityError:
        raise Invalid("该区域已有同名联络站", fields={"name": ["名称重复"]}) from None
    station.villages.set(villages)
    audit.record(actor=actor, action="station.create", obj=station, after=audit.snapshot(station, STATION_FIELDS))
    public_cache.bump_on_commit()
    return station


@transaction.atomic
def station_update(*, actor: Any, station: Station, version: int | None = None,
                   villages: Sequence[Region] | None = None, **changes: Any) -> Station:
    station = Station.objects.select_for_update().get(pk=station.pk)
    check_version(station, version)
    before = audit.snapshot(station, STATION_FIELDS)
    for key, value in changes.items():
        if key not in STATION_FIELDS or key == "villages":
            raise Invalid(f"不能修改字段 {key}", fields={key: ["不可修改"]})
        setattr(station, key, value.strip() if isinstance(value, str) else value)
    station.full_clean(exclude=["six_haves"])
    _check_station(station, villages if villages is not None else list(station.villages.all()))
    station.version += 1
    station.save()
    if villages is not None:
        station.villages.set(villages)
    audit.record(actor=actor, action="station.update", obj=station, before=before,
                 after=audit.snapshot(station, STATION_FIELDS))
    public_cache.bump_on_commit()
    return station


@transaction.atomic
def station_set_six_haves(*, actor: Any, station: Station, met: Iterable[str], version: int | None = None) -> Station:
    """Record which items of the congress's "六有" checklist [setting] the station meets."""
    station = Station.objects.select_for_update().get(pk=station.pk)
    check_version(station, version)
    items = list(congress_setting(station.congress, "liaison.six_haves"))
    met = set(met)
    unknown = met - set(items)
    if unknown:
        raise Invalid("不在“六有”标准中的项目：" + "、".join(sorted(unknown)), fields={"six_haves": sorted(unknown)})
    before = dict(station.six_haves)
    station.six_haves = {item: item in met for item in items}
    station.version += 1
    station.save(update_fields=["six_haves", "version", "updated_at"])
    audit.record(actor=actor, action="station.six_haves", obj=station, before=before, after=station.six_haves)
    public_cache.bump_on_commit()
    return station


def six_haves_state(station: Station) -> list[tuple[str, bool]]:
    """The checklist as the congress now defines it, each item with whether the station meets it."""
    return [(item, bool(station.six_haves.get(item))) for item in congress_setting(station.congress,
                                                                                   "liaison.six_haves")]


@transaction.atomic
def station_assign_deputy(*, actor: Any, station: Station, person: Person, since: date) -> StationDeputy:
    """编组进站: a deputy holding an active mandate joins the station."""
    if not person.mandates.filter(status=MandateStatus.ACTIVE).exists():
        raise Invalid(f"{person.name}没有在任的代表资格，不能编入联络站", fields={"person": ["非在任代表"]})
    try:
        with transaction.atomic():
            row = StationDeputy.objects.create(station=station, person=person, since=since)
    except IntegrityError:
        raise Invalid(f"{person.name}已编入该联络站", fields={"person": ["已在站"]}) from None
    audit.record(actor=actor, action="station.assign_deputy", obj=station, object_repr=f"{station} · {person}",
                 after={"person": person.pk, "since": since})
    public_cache.bump_on_commit()
    return row


@transaction.atomic
def station_release_deputy(*, actor: Any, station: Station, person: Person, until: date) -> StationDeputy:
    row = StationDeputy.objects.select_for_update().filter(station=station, person=person, until__isnull=True).first()
    if row is None:
        raise Invalid(f"{person.name}不在该联络站", fields={"person": ["不在站"]})
    if until < row.since:
        raise Invalid("离站日期不能早于进站日期", fields={"until": ["早于进站日期"]})
    row.until = until
    row.save(update_fields=["until"])
    audit.record(actor=actor, action="station.release_deputy", obj=station, object_repr=f"{station} · {person}",
                 before={"person": person.pk, "until": None}, after={"person": person.pk, "until": until})
    public_cache.bump_on_commit()
    return row


# --- schedules ------------------------------------------------------------------------------------------------
def _check_times(start_time: time, end_time: time) -> None:
    if end_time <= start_time:
        raise Invalid("结束时间须晚于开始时间", fields={"end_time": ["须晚于开始时间"]})


@transaction.atomic
def schedule_create(*, actor: Any, station: Station, rule: str, starts_on: date, start_time: time, end_time: time,
                    ends_on: date | None = None, title: str = "代表接待日", place: str = "",
                    note: str = "") -> ReceptionSchedule:
    _check_times(start_time, end_time)
    if ends_on is not None and ends_on < starts_on:
        raise Invalid("截止日期不能早于起始日期", fields={"ends_on": ["早于起始日期"]})
    schedule = ReceptionSchedule(station=station, rule=recurrence.normalize_rule(rule, starts_on),
                                 starts_on=starts_on, ends_on=ends_on, start_time=start_time, end_time=end_time,
                                 title=title.strip() or "代表接待日", place=place.strip(), note=note.strip())
    schedule.full_clean()
    schedule.save()
    audit.record(actor=actor, action="schedule.create", obj=schedule, after=audit.snapshot(schedule, SCHEDULE_FIELDS))
    public_cache.bump_on_commit()
    return schedule


@transaction.atomic
def schedule_update(*, actor: Any, schedule: ReceptionSchedule, version: int | None = None,
                    **changes: Any) -> ReceptionSchedule:
    schedule = ReceptionSchedule.objects.select_for_update().get(pk=schedule.pk)
    check_version(schedule, version)
    before = audit.snapshot(schedule, SCHEDULE_FIELDS)
    for key, value in changes.items():
        if key not in SCHEDULE_FIELDS:
            raise Invalid(f"不能修改字段 {key}", fields={key: ["不可修改"]})
        setattr(schedule, key, value)
    schedule.rule = recurrence.normalize_rule(schedule.rule, schedule.starts_on)
    _check_times(schedule.start_time, schedule.end_time)
    schedule.full_clean()
    schedule.version += 1
    schedule.save()
    audit.record(actor=actor, action="schedule.update", obj=schedule, before=before,
                 after=audit.snapshot(schedule, SCHEDULE_FIELDS))
    public_cache.bump_on_commit()
    return schedule


def _is_day(schedule: ReceptionSchedule, day: date) -> bool:
    return any(o.date == day for o in schedule_days(schedule, day, day))


@transaction.atomic
def schedule_exception_add(*, actor: Any, schedule: ReceptionSchedule, kind: str, reason: str,
                           day: date | None = None, new_date: date | None = None) -> ScheduleException:
    """Cancel a reception day (a holiday), move it to another day, or add one; duties follow a moved day."""
    schedule = ReceptionSchedule.objects.select_for_update().get(pk=schedule.pk)
    if not reason.strip():
        raise Invalid("请说明调整原因（如：国庆假期）", fields={"reason": ["必填"]})
    if kind in (ExceptionKind.CANCEL, ExceptionKind.MOVE):
        if day is None or not recurrence.is_regular_day(schedule.rule, schedule.starts_on, schedule.ends_on, day):
            raise Invalid("原定日期不是该安排的接待日", fields={"date": ["不是接待日"]})
        if any(e.date == day for e in exception_rows(schedule)):
            raise Invalid("该接待日已调整过", fields={"date": ["已调整"]})
    if kind in (ExceptionKind.MOVE, ExceptionKind.ADD):
        if new_date is None:
            raise Invalid("请填写新日期", fields={"new_date": ["必填"]})
        if _is_day(schedule, new_date):
            raise Invalid("新日期已是接待日", fields={"new_date": ["已是接待日"]})
    exception = ScheduleException(schedule=schedule, kind=kind, reason=reason.strip(),
                                  date=day if kind != ExceptionKind.ADD else None,
                                  new_date=new_date if kind != ExceptionKind.CANCEL else None)
    exception.full_clean()
    exception.save()
    moved = 0
    if kind == ExceptionKind.MOVE and day is not None:
        moved = DutyAssignment.objects.filter(schedule=schedule, date=day).update(date=new_date)
    elif kind == ExceptionKind.CANCEL and day is not None:
        DutyAssignment.objects.filter(schedule=schedule, date=day).delete()
    audit.record(actor=actor, action=f"schedule.exception_{kind}", obj=schedule,
                 after={"kind": kind, "date": day, "new_date": new_date, "reason": exception.reason,
                        "duties_moved": moved})
    public_cache.bump_on_commit()
    return exception


@transaction.atomic
def schedule_exception_remove(*, actor: Any, exception: ScheduleException) -> None:
    """Undo an exception: a moved day goes back to its original date, with its duties."""
    schedule = exception.schedule
    before = {"kind": exception.kind, "date": exception.date, "new_date": exception.new_date}
    if exception.kind == ExceptionKind.MOVE and exception.new_date is not None:
        DutyAssignment.objects.filter(schedule=schedule, date=exception.new_date).update(date=exception.date)
    elif exception.kind == ExceptionKind.ADD and exception.new_date is not None:
        DutyAssignment.objects.filter(schedule=schedule, date=exception.new_date).delete()
    exception.delete()
    audit.record(actor=actor, action="schedule.exception_remove", obj=schedule, before=before)
    public_cache.bump_on_commit()


def _check_on_duty(schedule: ReceptionSchedule, day: date, people: Sequence[Person]) -> None:
    if not _is_day(schedule, day):
        raise Invalid(f"{day:%Y年%m月%d日}不是该安排的接待日", fields={"date": ["不是接待日"]})
    at_station = set(station_deputies(station=schedule.station, on=day).values_list("pk", flat=True))
    strangers = [p.name for p in people if p.pk not in at_station]
    if strangers:
        raise Invalid("值班代表须是编入该联络站的代表：" + "、".join(strangers), fields={"persons": strangers})


@transaction.atomic
def duty_set(*, actor: Any, schedule: ReceptionSchedule, day: date, people: Sequence[Person]) -> list[DutyAssignment]:
    """The deputies on duty at one reception day (replaces the previous list)."""
    _check_on_duty(schedule, day, people)
    before = sorted(DutyAssignment.objects.filter(schedule=schedule, date=day).values_list("person_id", flat=True))
    DutyAssignment.objects.filter(schedule=schedule, date=day).delete()
    rows = DutyAssignment.objects.bulk_create(
        [DutyAssignment(schedule=schedule, date=day, person=p) for p in dict.fromkeys(people)])
    audit.record(actor=actor, action="schedule.duty_set", obj=schedule, object_repr=f"{schedule} · {day}",
                 before={"date": day, "persons": before}, after={"date": day, "persons": sorted(p.pk for p in people)})
    public_cache.bump_on_commit()
    return rows


@transaction.atomic
def duty_rotate(*, actor: Any, schedule: ReceptionSchedule, start: date, end: date, per_day: int = 2) -> int:
    """Fill the reception days from start to end that have no duty yet, taking the station's deputies in turn —
    those with the fewest duties this year first — so that every deputy receives during the year."""
    if per_day < 1:
        raise Invalid("每次值班人数至少为 1", fields={"per_day": ["至少为 1"]})
    days = schedule_days(schedule, start, end)
    taken = set(DutyAssignment.objects.filter(schedule=schedule, date__gte=start, date__lte=end)
                .values_list("date", flat=True))
    load: Counter[int] = Counter(dict(
        DutyAssignment.objects.filter(schedule__station=schedule.station, date__year=start.year)
        .values_list("person_id").annotate(n=Count("id"))))
    rows = []
    for occ in days:
        if occ.date in taken:
            continue
        pool = list(station_deputies(station=schedule.station, on=occ.date))
        if not pool:
            continue
        pool.sort(key=lambda p: (load[p.pk], p.name, p.pk))
        for person in pool[:per_day]:
            rows.append(DutyAssignment(schedule=schedule, date=occ.date, person=person))
            load[person.pk] += 1
    DutyAssignment.objects.bulk_create(rows)
    audit.record(actor=actor, action="schedule.duty_rotate", obj=schedule,
                 after={"from": start, "to": end, "per_day": per_day, "duties": len(rows)})
    public_cache.bump_on_commit()
    return len(rows)


# --- reception records ----------------------------------------------------------------------------------------
@transaction.atomic
def reception_record(*, actor: Any, station: Station, day: date, deputies_present: Sequence[Person],
                     visitors: int = 0, summary: str = "", place: str = "",
                     schedule: ReceptionSchedule | None = None, matters: Sequence[dict[str, Any]] = ()) -> Reception:
    """The record of a reception day; each matter raised becomes an opinion (channel "reception")."""
    from renda.liaison.services.opinions import opinion_register

    if visitors < 0:
        raise Invalid("接待人次不能为负", fields={"visitors": ["不能为负"]})
    if schedule is not None and schedule.station_id != station.pk:
        raise Invalid("该接待日安排不属于此联络站", fields={"schedule": ["不属于此联络站"]})
    reception = Reception(station=station, schedule=schedule, date=day, visitors=visitors, summary=summary.strip(),
                          place=place.strip() or station.address, recorded_by=actor)
    reception.full_clean()
    try:
        with transaction.atomic():
            reception.save()
    except IntegrityError:
        raise Invalid("该联络站当天已有接待记录", fields={"date": ["已有记录"]}) from None
    reception.deputies_present.set(deputies_present)
    opinions = [opinion_register(actor=actor, channel="reception", station=station, reception=reception, **matter)
                for matter in matters]
    audit.record(actor=actor, action="reception.record", obj=reception,
                 after={"date": day, "deputies_present": sorted(p.pk for p in deputies_present),
                        "visitors": visitors, "opinions": [o.pk for o in opinions]})
    public_cache.bump_on_commit()
    return reception

