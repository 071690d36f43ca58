"""The composition statistics (代表构成) of a congress and term; for a county, each township side by side."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Schema

from renda.api.schemas import ERRORS
from renda.core import scope
from renda.core.access import endpoint
from renda.core.errors import Invalid, NotFound
from renda.deputies import stats as composition
from renda.deputies.api.common import (
    STAFF,
    own_congress,
    router,
)
from renda.deputies.models import MandateStatus
from renda.organizations import selectors as org_selectors
from renda.organizations.models import RegionLevel


class ShareOut(Schema):
    code: str
    label: str
    count: int
    share: float


class DimensionOut(Schema):
    key: str
    label: str
    rows: list[ShareOut]


class CompositionOut(Schema):
    total: int
    dimensions: list[DimensionOut]
    highlights: list[ShareOut]


class CongressRef(Schema):
    id: int
    name: str
    level: str


class TermRef(Schema):
    id: int
    number: int


class TownshipOut(CompositionOut):
    congress: CongressRef
    term: TermRef | None


class StatsOut(CompositionOut):
    congress: CongressRef
    term: TermRef
    status: str
    reference_date: date
    townships: list[TownshipOut]


def composition_out(c: composition.Composition) -> dict[str, Any]:
    dims = [DimensionOut(key=d.key, label=d.label, rows=[ShareOut(**vars(r)) for r in c.rows(d.key)])
            for d in composition.DIMENSIONS]
    return {"total": c.total, "dimensions": dims, "highlights": [ShareOut(**vars(r)) for r in c.highlights.values()]}


def stats_context(user: Any, congress_id: int | None, term_id: int | None, status: str | None) -> dict[str, Any]:
    """What both the API and the page show: the congress's term, and for a county its townships side by side."""
    congress = own_congress(user, congress_id)
    term: Any
    if term_id is not None:
        term = scope.get_or_404(congress.terms.all(), pk=term_id)
    else:
        term = congress.current_term()
        if term is None:
            raise NotFound(f"{congress.name}尚未设立本届")
    status = status or MandateStatus.ACTIVE
    if status != "all" and status not in MandateStatus.values:
        raise Invalid("状态应为 active、all 或其他代表资格状态", fields={"status": ["无效的状态"]})
    townships: list[composition.TownshipColumn] = []
    if congress.region.level == RegionLevel.COUNTY:
        below = list(org_selectors.congresses_visible(user=user).filter(region__parent_id=congress.region_id,
                                                                        region__level=RegionLevel.TOWNSHIP))
        townships = composition.townships_side_by_side(congress, below, status=status)
    return {"congress": congress, "term": term, "status": status, "reference_date": composition.reference_date(term),
            "composition": composition.congress_composition(congress, term, status=status), "townships": townships}


@router.get("/deputies/stats", response={200: StatsOut, **ERRORS}, summary="Composition of a congress's deputies",
            description="`?congress=` (default: the caller's own), `term=` (a term id; default the current term), "
                        "`status=active` (default) or `all`. Counts and shares (0–1) by gender, ethnicity, party, "
                        "age band (under_35, 35_44, 45_54, 55_plus at the term's election date), education, "
                        "occupation, level; for a county, each township congress side by side.")
@endpoint(*STAFF)
def deputy_stats(request: HttpRequest, congress: int | None = None, term: int | None = None,
                 status: str | None = None) -> StatsOut:
    ctx = stats_context(request.user, congress, term, status)
    c, t = ctx["congress"], ctx["term"]
    return StatsOut(
        congress=CongressRef(id=c.pk, name=c.name, level=c.region.level), term=TermRef(id=t.pk, number=t.number),
        status=ctx["status"], reference_date=ctx["reference_date"], **composition_out(ctx["composition"]),
        townships=[TownshipOut(congress=CongressRef(id=col.congress.pk, name=col.congress.name,
                                                    level=RegionLevel.TOWNSHIP),
                               term=TermRef(id=col.term.pk, number=col.term.number) if col.term else None,
                               **composition_out(col.composition)) for col in ctx["townships"]])
