"""工作日历: which years' official schedules are entered, and the entry of a new year."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from renda.core.access import page
from renda.core.errors import Invalid, NotFound
from renda.core.params import is_number
from renda.core.roles import Role
from renda.workdays import selectors, services
from renda.workdays.forms import CalendarYearForm, format_lines
from renda.workdays.models import CalendarYear

EDITORS = (Role.SYSTEM_ADMIN, Role.COUNTY_STAFF)
READERS = (*EDITORS, Role.TOWNSHIP_STAFF)


@page(*READERS)
def years(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST" and user.role in EDITORS:
        year = request.POST.get("year", "")
        if is_number(year):
            return redirect("workdays:year", year=int(year))
        messages.error(request, "请输入四位年份")
    return render(request, "workdays/years.html", {
        "rows": selectors.years_overview(today=timezone.localdate()), "can_edit": user.role in EDITORS})


@page(*READERS)
def year(request: HttpRequest, year: int) -> HttpResponse:
    if not 2000 <= year <= 2100:
        raise NotFound()
    user: Any = request.user
    can_edit = user.role in EDITORS
    holidays, makeup = selectors.year_days(year)
    entry = CalendarYear.objects.filter(year=year).first()
    initial = {"holidays": format_lines(holidays), "makeup_days": format_lines(makeup),
               "source_detail": entry.source_detail if entry else ""}
    form = CalendarYearForm(request.POST if request.method == "POST" and can_edit else None, initial=initial)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                services.calendar_year_save(actor=user, year=year, holidays=form.cleaned_data["holidays"],
                                            makeup_days=form.cleaned_data["makeup_days"],
                                            source_detail=form.cleaned_data["source_detail"])
            except Invalid as exc:
                form.add_domain_errors(exc.fields)
            else:
                messages.success(request, f"{year}年节假日安排已保存，此后按工作日计算的期限将按此安排。")
                return redirect("workdays:year", year=year)
        status = 422
    return render(request, "workdays/year.html", {
        "year": year, "entry": entry, "holidays": holidays, "makeup": makeup, "form": form,
        "can_edit": can_edit}, status=status)
