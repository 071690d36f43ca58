from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from renda.core.access import page
from renda.core.roles import Role
from renda.meetings.compliance import CHECK_LABELS, township_compliance


@page(Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
def compliance(request: HttpRequest) -> HttpResponse:
    """For the county: township by township, whether this year's sessions were lawful (a township clerk sees
    their own township's row)."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year + 1)
    rows = township_compliance(user=request.user, year=year, today=timezone.localdate())
    return render(request, "meetings/compliance.html", {
        "rows": rows, "year": year, "labels": CHECK_LABELS, "years": range(this_year, this_year - 6, -1),
        "failing": sum(1 for r in rows if not r.ok)})
