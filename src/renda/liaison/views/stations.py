"""Station pages: the list, one station (六有, deputies, schedules, receptions), schedules with exceptions and
duties, the record of a reception day, and the yearly check."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from renda.core.access import page
from renda.core.errors import Invalid
from renda.core.params import is_number, number
from renda.core.scope import get_or_404
from renda.deputies.models import MandateStatus, Person
from renda.deputies.selectors import mandates_visible
from renda.liaison import recurrence, selectors
from renda.liaison.forms import ExceptionForm, ScheduleForm, StationForm
from renda.liaison.models import ScheduleException
from renda.liaison.services import stations as services
from renda.liaison.views.common import STAFF, form_errors, run, version_of
from renda.organizations.models import RegionLevel
from renda.organizations.selectors import regions_visible


def _regions(user: Any) -> list[tuple[int, str]]:
    qs = regions_visible(user=user).exclude(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY]).select_related(
        "parent")
    return [(r.pk, f"{r.parent.name if r.parent and r.level == RegionLevel.VILLAGE else ''}{r.name}") for r in qs]


@page(*STAFF)
def station_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    stations = list(selectors.stations_visible(user=user).prefetch_related("assignments"))
    today = timezone.localdate()
    upcoming = selectors.reception_days(stations=stations, start=today, end=today + timedelta(days=40))
    rows = [{"s": s, "next": next(iter(upcoming.get(s.pk) or []), None),
             "deputies": sum(1 for a in s.assignments.all() if a.until is None),
             "six": sum(1 for _, met in services.six_haves_state(s) if met)} for s in stations]
    form = StationForm(regions=_regions(user))
    return render(request, "liaison/station_list.html", {"rows": rows, "form": form})


@require_POST
@page(*STAFF)
def station_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = StationForm(request.POST, regions=_regions(user))
    if not form.is_valid():
        form_errors(request, form)
        return redirect("liaison:stations")
    data = form.cleaned_data
    region = get_or_404(regions_visible(user=user), pk=data.pop("region"))
    created: dict[str, Any] = {}

    def call() -> None:
        created["station"] = services.station_create(actor=user, region=region, **data)

    response = run(request, reverse("liaison:stations"), call, f"已新建联络站“{data['name']}”。")
    return redirect("liaison:station", created["station"].pk) if created else response


@page(*STAFF)
def station_detail(request: HttpRequest, station_id: int) -> HttpResponse:
    user: Any = request.user
    station = selectors.access_station_by_id(user=user, station_id=station_id)
    today = timezone.localdate()
    assigned = station.assignments.select_related("person").order_by("until", "person__name")
    candidates = (Person.objects.filter(pk__in=mandates_visible(user=user).filter(status=MandateStatus.ACTIVE)
                                        .values("person_id"))
                  .exclude(pk__in=assigned.filter(until__isnull=True).values("person_id")).order_by("name"))
    days = selectors.reception_days(stations=[station], start=today, end=today + timedelta(days=30),
                                    active_only=False)[station.pk]
    return render(request, "liaison/station_detail.html", {
        "station": station, "six_haves": services.six_haves_state(station), "assigned": assigned,
        "candidates": candidates, "days": days, "today": today,
        "schedules": [(s, recurrence.describe(s.rule)) for s in station.schedules.all()],
        "receptions": station.receptions.prefetch_related("deputies_present")[:10],
        "schedule_form": ScheduleForm(initial={"starts_on": today, "preset": recurrence.PRESETS[0][0]}),
    })


@require_POST
@page(*STAFF)
def station_six_haves(request: HttpRequest, station_id: int) -> HttpResponse:
    station = selectors.access_station_by_id(user=request.user, station_id=station_id)
    return run(request, reverse("liaison:station", args=[station.pk]),
               lambda: services.station_set_six_haves(actor=request.user, station=station,
                                                      met=request.POST.getlist("met"), version=version_of(request)),
               "“六有”达标情况已保存。")


def _person(request: HttpRequest) -> Person:
    ids = mandates_visible(user=request.user).values("person_id")
    return get_or_404(Person.objects.filter(pk__in=ids), pk=request.POST.get("person"))


def _date(raw: str | None, field: str) -> date:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        raise Invalid("日期格式有误", fields={field: ["请填写日期"]}) from None


@require_POST
@page(*STAFF)
def station_assign(request: HttpRequest, station_id: int) -> HttpResponse:
    station = selectors.access_station_by_id(user=request.user, station_id=station_id)
    person = _person(request)
    since = _date(request.POST.get("since") or timezone.localdate().isoformat(), "since")
    return run(request, reverse("liaison:station", args=[station.pk]),
               lambda: services.station_assign_deputy(actor=request.user, station=station, person=person,
                                                      since=since), f"{person.name}已编入本站。")


@require_POST
@page(*STAFF)
def station_release(request: HttpRequest, station_id: int) -> HttpResponse:
    station = selectors.access_station_by_id(user=request.user, station_id=station_id)
    person = _person(request)
    until = _date(request.POST.get("until") or timezone.localdate().isoformat(), "until")
    return run(request, reverse("liaison:station", args=[station.pk]),
               lambda: services.station_release_deputy(actor=request.user, station=station, person=person,
                                                       until=until), f"{person.name}已离站。")


@require_POST
@page(*STAFF)
def schedule_create(request: HttpRequest, station_id: int) -> HttpResponse:
    station = selectors.access_station_by_id(user=request.user, station_id=station_id)
    form = ScheduleForm(request.POST)
    back = reverse("liaison:station", args=[station.pk])
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    data = dict(form.cleaned_data)
    rule = form.chosen_rule()
    data.pop("preset"), data.pop("rule")
    return run(request, back, lambda: services.schedule_create(actor=request.user, station=station, rule=rule,
                                                               **data), "接待日安排已保存。")


@page(*STAFF)
def schedule_detail(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = selectors.access_schedule_by_id(user=request.user, schedule_id=schedule_id)
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today.replace(day=1)
    end = start + timedelta(days=92)
    days = selectors.reception_days(stations=[schedule.station], start=start, end=end, active_only=False)
    return render(request, "liaison/schedule_detail.html", {
        "schedule": schedule, "station": schedule.station, "words": recurrence.describe(schedule.rule),
        "days": [d for d in days[schedule.station_id] if d.schedule.pk == schedule.pk],
        "deputies": selectors.station_deputies(station=schedule.station, on=today), "start": start, "end": end,
        "prev": start - timedelta(days=92), "exceptions": schedule.exceptions.all(),
        "exception_form": ExceptionForm(), "year": start.year,
    })


@require_POST
@page(*STAFF)
def schedule_exception(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = selectors.access_schedule_by_id(user=request.user, schedule_id=schedule_id)
    back = reverse("liaison:schedule", args=[schedule.pk])
    form = ExceptionForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    d = form.cleaned_data
    return run(request, back, lambda: services.schedule_exception_add(
        actor=request.user, schedule=schedule, kind=d["kind"], day=d["date"], new_date=d["new_date"],
        reason=d["reason"]), "接待日已调整。")


@require_POST
@page(*STAFF)
def schedule_exception_remove(request: HttpRequest, schedule_id: int, exception_id: int) -> HttpResponse:
    schedule = selectors.access_schedule_by_id(user=request.user, schedule_id=schedule_id)
    exception = get_or_404(ScheduleException.objects.filter(schedule=schedule), pk=exception_id)
    return run(request, reverse("liaison:schedule", args=[schedule.pk]),
               lambda: services.schedule_exception_remove(actor=request.user, exception=exception), "已撤销该调整。")


@require_POST
@page(*STAFF)
def schedule_duty(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = selectors.access_schedule_by_id(user=request.user, schedule_id=schedule_id)
    day = _date(request.POST.get("date"), "date")
    people = list(selectors.station_deputies(station=schedule.station, on=day)
                  .filter(pk__in=[p for p in request.POST.getlist("persons") if is_number(p)]))
    back = reverse("liaison:schedule", args=[schedule.pk]) + f"?from={request.POST.get('from', '')}"
    return run(request, back, lambda: services.duty_set(actor=request.user, schedule=schedule, day=day,
                                                        people=people), f"{day:%m月%d日}值班代表已保存。")


@require_POST
@page(*STAFF)
def schedule_rotate(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = selectors.access_schedule_by_id(user=request.user, schedule_id=schedule_id)
    year = int(request.POST.get("year") or timezone.localdate().year)
    per_day = number(request.POST.get("per_day", "2"), 2)
    start = max(date(year, 1, 1), timezone.localdate())
    return run(request, reverse("liaison:schedule", args=[schedule.pk]),
               lambda: services.duty_rotate(actor=request.user, schedule=schedule, start=start,
                                            end=date(year, 12, 31), per_day=per_day),
               f"已为{year}年尚未排班的接待日轮流安排值班代表。")


@require_POST
@page(*STAFF)
def reception_create(request: HttpRequest, station_id: int) -> HttpResponse:
    """The record of a reception day; each non-empty line of "matters" becomes an opinion."""
    station = selectors.access_station_by_id(user=request.user, station_id=station_id)
    day = _date(request.POST.get("date"), "date")
    present = list(selectors.station_deputies(station=station, on=day)
                   .filter(pk__in=[p for p in request.POST.getlist("present") if is_number(p)]))
    visitors = number(request.POST.get("visitors", "0"), -1)
    matters = [{"content": line.strip()} for line in request.POST.get("matters", "").splitlines() if line.strip()]
    return run(request, reverse("liaison:station", args=[station.pk]),
               lambda: services.reception_record(actor=request.user, station=station, day=day,
                                                 deputies_present=present, visitors=visitors,
                                                 summary=request.POST.get("summary", ""), matters=matters),
               f"接待记录已保存，登记群众意见 {len(matters)} 条。")


@page(*STAFF)
def reception_check(request: HttpRequest) -> HttpResponse:
    year = number(request.GET.get("year"), timezone.localdate().year, lo=2000, hi=2100)
    rows = selectors.yearly_reception_check(user=request.user, year=year)
    return render(request, "liaison/reception_check.html", {
        "rows": rows, "year": year, "short": sum(1 for r in rows if r.short)})
