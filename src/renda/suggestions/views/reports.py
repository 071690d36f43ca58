"""The figures as a page with bar charts, and the .xlsx ledger (台账)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from renda.core import audit
from renda.core.access import page
from renda.core.params import number
from renda.core.roles import Role
from renda.suggestions import selectors, services, stats
from renda.suggestions.ledger import build_ledger

STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
BY = {"unit": "按承办单位", "category": "按领域", "township": "按乡镇", "channel": "按提出途径", "year": "按年度"}
RATES = ["reply_rate", "meeting_rate", "satisfaction_rate", "closed_rate", "solved_rate"]


def _year(request: HttpRequest) -> int:
    return number(request.GET.get("year"), services.today().year, lo=2000, hi=2100)


@page(*STAFF)
def stats_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    today = services.today()
    year = _year(request)
    by = request.GET.get("by") or "unit"
    by = by if by in BY else "unit"
    qs = selectors.visible(user=user)
    totals = stats.figures(qs, year=year, today=today)
    groups = stats.figures_by(qs, by=by, year=year, today=today)
    return render(request, "suggestions/stats.html", {
        "year": year, "by": by, "by_choices": BY, "totals": totals.as_dict(), "groups": groups,
        "labels": stats.FIGURE_LABELS, "rates": RATES, "rate_labels": [(k, stats.FIGURE_LABELS[k]) for k in RATES],
        "years": range(today.year, today.year - 6, -1),
        "shares": [("A", totals.rates["a_share"]), ("B", totals.rates["b_share"]), ("C", totals.rates["c_share"]),
                   ("D", totals.rates["d_share"])]})


@page(*STAFF)
def ledger(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    year = _year(request)
    qs = selectors.visible(user=user)
    content = build_ledger(qs, year=year, today=services.today(), scope_name=user.region.name)
    audit.record(actor=user, action="suggestion.export", object_type="suggestions.ledger", object_id=year,
                 object_repr=f"{user.region.name}{year}年建议台账",
                 after={"year": year, "rows": stats.admitted(qs, year).count()})
    response = HttpResponse(content, content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{year}-ledger.xlsx"
    return response
