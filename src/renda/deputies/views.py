"""The deputies pages for county and township staff: the list with filters and search, a deputy's page, the edit
and status forms, roster import (with a background job's progress polled by htmx), export, the printable roster
in 姓氏笔画 order, and the composition statistics. The writes go through the same gates and services as the API.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone

from renda.core.access import page
from renda.core.errors import DomainError, Forbidden, Invalid, NotFound, StaleVersion
from renda.core.masking import mask_phone
from renda.core.params import number
from renda.core.roles import Role
from renda.deputies import api, exports, pii, selectors, services, strokes
from renda.deputies import stats as composition
from renda.deputies.forms import FilterForm, ImportForm, PersonForm, StatsForm, StatusForm
from renda.deputies.models import ImportJobStatus, MandateStatus, Person
from renda.deputies.validation import FIELD_LABELS
from renda.organizations import selectors as org_selectors
from renda.organizations.models import Congress

STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
PAGE_SIZE = 50


def _filter_form(request: HttpRequest, data: Any = None) -> FilterForm:
    """The filters with only what the user may see as choices (plain pairs: no model objects to build)."""
    user: Any = request.user
    congresses = org_selectors.congresses_visible(user=user).values_list("id", "name")
    districts = [(pk, f"{name}（{congress}）") for pk, name, congress in selectors.districts_visible(user=user)
                 .order_by("congress__region__path", "name").values_list("id", "name", "congress__name")]
    groups = selectors.groups_visible(user=user).values_list("id", "name")
    return FilterForm(data if data is not None else (request.GET or None), congresses=congresses,
                      districts=districts, groups=groups)


def _query(request: HttpRequest, drop: tuple[str, ...] = ("page",)) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in drop and v])


@page(*STAFF)
def deputy_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = _filter_form(request)
    filters = form.filters()
    people = selectors.list_people(user=user, **filters)
    page_obj = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    person: Any
    for person in page_obj:
        person.list_status = api.person_status(person.visible_mandates)
        person.list_status_label = MandateStatus(person.list_status).label
        person.masked_phone = mask_phone(person.phone)
    return render(request, "deputies/list.html", {
        "form": form, "selects": form.selects(), "page_obj": page_obj, "query": _query(request),
        "may_reveal": pii.can_reveal(user)})


def _person(request: HttpRequest, person_id: int) -> Any:
    person = selectors.access_person_by_id(user=request.user, person_id=person_id)
    return selectors.with_visible_mandates(Person.objects.filter(pk=person.pk), user=request.user).get()


@page(*STAFF)
def deputy_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    user: Any = request.user
    person = _person(request, person_id)
    mandates = [{"m": m, "manage": selectors.can_manage_mandate(user=user, mandate=m),
                 "groups": getattr(m, "current_groups", [])} for m in person.visible_mandates]
    stations = (person.station_assignments.filter(until__isnull=True).select_related("station__region")
                .order_by("since"))
    return render(request, "deputies/detail.html", {
        "person": person, "masked": pii.masked(person), "mandates": mandates, "stations": stations,
        "status": api.person_status(person.visible_mandates), "may_reveal": pii.can_reveal(user),
        "may_edit": selectors.can_manage_person(user=user, person=person)})


@page(*STAFF)
def deputy_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    """The plain ID number and phone, for a POST (each is an audited reveal); htmx swaps them into the page."""
    if request.method != "POST":
        return redirect("deputies:detail", person_id=person_id)
    person = selectors.access_person_by_id(user=request.user, person_id=person_id)
    values = pii.person_reveal(actor=request.user, person=person)
    return render(request, "deputies/_revealed.html", {"values": values, "person": person})


def _apply_field_errors(form: Any, exc: DomainError) -> None:
    placed = False
    for key, errors in exc.fields.items():
        target = "phone" if key == "phone" else key
        if target in form.fields:
            form.add_error(target, errors)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@page(*STAFF)
def deputy_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    user: Any = request.user
    person = _person(request, person_id)
    if not selectors.can_manage_person(user=user, person=person):
        raise Forbidden("该代表的信息由其所属人大的工作人员维护")
    ctx: dict[str, Any] = {"person": person, "masked": pii.masked(person)}
    if request.method != "POST":
        return render(request, "deputies/edit.html", {**ctx, "form": PersonForm.for_person(person)})
    form = PersonForm.for_person(person, request.POST)
    status = 422
    if form.is_valid():
        try:
            api.person_change(user=user, person=person, version=form.cleaned_data["version"],
                              changes=form.changes(person))
        except StaleVersion as exc:
            fresh = _person(request, person_id)
            ctx.update(person=fresh, masked=pii.masked(fresh), stale=exc.message)
            return render(request, "deputies/edit.html", {**ctx, "form": PersonForm.for_person(fresh)}, status=409)
        except Invalid as exc:
            _apply_field_errors(form, exc)
        else:
            messages.success(request, f"{person.name}的信息已保存")
            return redirect("deputies:detail", person_id=person.pk)
    return render(request, "deputies/edit.html", {**ctx, "form": form}, status=status)


@page(*STAFF)
def mandate_status(request: HttpRequest, person_id: int, mandate_id: int) -> HttpResponse:
    user: Any = request.user
    person = _person(request, person_id)
    mandate = next((m for m in person.visible_mandates if m.pk == mandate_id), None)
    if mandate is None:
        raise NotFound()
    if not selectors.can_manage_mandate(user=user, mandate=mandate):
        raise Forbidden("该代表资格由其所属人大的工作人员变更")
    ctx = {"person": person, "mandate": mandate}
    if request.method != "POST":
        form = StatusForm(current=mandate.status, initial={"version": mandate.version,
                                                           "date": timezone.localdate()})
        return render(request, "deputies/status.html", {**ctx, "form": form})
    form = StatusForm(request.POST, current=mandate.status)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            api.mandate_status_change(user=user, person_id=person.pk, mandate_id=mandate.pk, status=data["status"],
                                      on=data["date"], reason=data["reason"], version=data["version"])
        except DomainError as exc:
            if exc.status == 409:  # stale version, or the mandate has ended meanwhile
                ctx["stale"], status = exc.message, 409
            else:
                _apply_field_errors(form, exc)
        else:
            messages.success(request, f"{person.name}的代表资格已变更为“{MandateStatus(data['status']).label}”")
            return redirect("deputies:detail", person_id=person.pk)
    return render(request, "deputies/status.html", {**ctx, "form": form}, status=status)


# --- roster import --------------------------------------------------------------------------------------------
def _own_first(user: Any, congresses: list[Congress]) -> list[Congress]:
    return sorted(congresses, key=lambda c: (c.region_id != getattr(user, "region_id", None), c.region.path))


@page(*STAFF)
def roster_import(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    congresses = _own_first(user, list(org_selectors.congresses_visible(user=user)))
    jobs = selectors.import_jobs_visible(user=user)[:10]
    if request.method != "POST":
        form = ImportForm(congresses=congresses, initial={"congress": congresses[0].pk if congresses else None})
        return render(request, "deputies/import.html", {"form": form, "jobs": jobs})
    form = ImportForm(request.POST, request.FILES, congresses=congresses)
    if form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            if upload.size > api.MAX_IMPORT_BYTES:
                raise Invalid("文件过大，请分乡镇导入", code="file_too_large")
            congress = org_selectors.access_congress_by_id(user=user, congress_id=data["congress"])
            job = services.roster_import(actor=user, congress=congress, data=upload.read(),
                                         filename=upload.name or "", dry_run=data["dry_run"],
                                         all_or_nothing=data["all_or_nothing"])
        except Invalid as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("deputies:import_job", job_id=job.pk)
    return render(request, "deputies/import.html", {"form": form, "jobs": jobs}, status=422)


@page(*STAFF)
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.access_import_job_by_id(user=request.user, job_id=job_id)
    running = job.status in (ImportJobStatus.PENDING, ImportJobStatus.RUNNING)
    result = job.result or {}
    errors = [{**e, "label": FIELD_LABELS.get(e["field"], e["field"])} for e in result.get("errors", [])]
    ctx = {"job": job, "result": result, "errors": errors, "running": running}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "deputies/_import_job.html", ctx)
    return render(request, "deputies/import_job.html", ctx)


# --- export, printable roster, statistics ---------------------------------------------------------------------
@page(*STAFF)
def roster_export(request: HttpRequest) -> HttpResponse:
    """GET: the masked .xlsx of the list's filters. POST with unmasked=1: the plain one (an audited reveal)."""
    user: Any = request.user
    source = request.POST if request.method == "POST" else request.GET
    form = _filter_form(request, source or None)
    filters = form.filters()
    unmasked = request.method == "POST" and source.get("unmasked") == "1"
    out = exports.export_roster(actor=user, mandates=selectors.search_mandates(user=user, **filters),
                                unmasked=unmasked, filters={**filters, "unmasked": unmasked})
    response = HttpResponse(out.content, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(out.filename)}"
    return response


@page(*STAFF)
def roster_print(request: HttpRequest) -> HttpResponse:
    """The printable roster: congress by congress, names in 姓氏笔画 order."""
    user: Any = request.user
    form = _filter_form(request, request.GET or QueryDict(f"status={MandateStatus.ACTIVE}"))
    filters = form.filters()
    ordered = exports.roster_order(selectors.search_mandates(user=user, **filters))
    sections: list[dict[str, Any]] = []
    for mandate in ordered:
        if not sections or sections[-1]["congress"] != mandate.congress:
            sections.append({"congress": mandate.congress, "term": mandate.term, "rows": []})
        person = mandate.person
        note = "，".join(x for x in ("女" if person.gender == "female" else "",
                                    person.ethnicity if person.ethnicity != composition.HAN else "") if x)
        sections[-1]["rows"].append({"m": mandate, "strokes": strokes.surname_strokes(person.name), "note": note})
    return render(request, "deputies/roster.html", {
        "form": form, "sections": sections, "detail": request.GET.get("detail") == "1",
        "query": _query(request, drop=("detail",)), "today": timezone.localdate()})


@page(*STAFF)
def composition_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    congresses = _own_first(user, list(org_selectors.congresses_visible(user=user)))
    raw = request.GET
    congress_id = number(raw.get("congress"))
    term_id = number(raw.get("term"))
    if congress_id is None and congresses:
        congress_id = congresses[0].pk
    ctx = api.stats_context(user, congress_id, term_id, raw.get("status") or None)
    congress = ctx["congress"]
    form = StatsForm(initial={"congress": congress.pk, "term": term_id, "status": ctx["status"]},
                     congresses=congresses, terms=congress.terms.all())
    charts = _charts(ctx["composition"], ctx["townships"])
    return render(request, "deputies/stats.html", {**ctx, "form": form, "charts": charts,
                                                   "dimensions": composition.DIMENSIONS})


SEGMENT_COLOURS = ("#b71c1c", "#0b57b0", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#59636e", "#1b7c83")


def _charts(total: composition.Composition, townships: list[composition.TownshipColumn]) -> list[dict[str, Any]]:
    """Per dimension: the bars of the congress, and each township's stacked bar (SVG, drawn by the template). The
    legend holds every category that any column has, in the congress's order, then the townships' own."""
    charts = []
    for dim in composition.DIMENSIONS:
        rows = total.rows(dim.key)
        labels = {r.code: r.label for r in rows}
        for col in townships:
            for r in col.composition.rows(dim.key):
                labels.setdefault(r.code, r.label)
        legend = [{"code": code, "label": label, "colour": SEGMENT_COLOURS[i % len(SEGMENT_COLOURS)]}
                  for i, (code, label) in enumerate(labels.items())]
        columns = []
        for col in townships:
            by_code = {r.code: r for r in col.composition.rows(dim.key)}
            x, segments = 0.0, []
            for item in legend:
                row = by_code.get(item["code"])
                width = round(row.share * 100, 2) if row else 0.0
                if row and width:
                    segments.append({"x": x, "width": width, "colour": item["colour"],
                                     "title": f"{row.label} {row.count} 人（{row.percent}%）"})
                x += width
            columns.append({"name": col.congress.name, "total": col.composition.total, "segments": segments,
                            "rows": [by_code.get(item["code"]) for item in legend]})
        charts.append({"dim": dim, "rows": rows, "legend": legend, "columns": columns})
    return charts
