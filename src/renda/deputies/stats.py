"""Composition of a congress's deputies (代表构成) for one term: counts and shares by gender, ethnicity, party,
age band, education, occupation category and level, as the county reports them (DOMAIN.md §2: women, minorities
and non-party deputies are reported as shares).

What is counted: the mandates of the term (one per deputy: a person holds at most one mandate per term), by
default only those still active (在任); `status="all"` counts everyone elected in the term.
Age bands: under 35, 35–44, 45–54, 55 and over, by full years at the reference date — the term's election date
(the composition of a term is fixed when it is elected), else its start date; no birth date → 未填.
Each dimension lists every category (zeros included, in a fixed order), so townships line up side by side.
One GROUP BY query per dimension, however many deputies or townships.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, CharField, Count, F, QuerySet, Value, When

from renda.deputies.models import Education, Gender, Mandate, MandateStatus, Occupation, Party
from renda.organizations.models import Congress, RegionLevel, Term

HAN = "汉族"
AGE_BANDS = (("under_35", "35岁以下"), ("35_44", "35—44岁"), ("45_54", "45—54岁"), ("55_plus", "55岁及以上"),
             ("unknown", "未填"))
LEVEL_ORDER = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
NON_PARTY = (Party.CYL, Party.DEMOCRATIC, Party.NONE)   # 非中共党员


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    column: str                                    # the mandate's column or annotation grouped on
    choices: tuple[tuple[str, str], ...] = ()      # fixed order; empty: by count (ethnicity)
    hide_zero: bool = False                        # level: a congress has one, no need to list the others


DIMENSIONS = (
    Dimension("gender", "性别", "person__gender", tuple(Gender.choices)),
    Dimension("ethnicity", "民族", "person__ethnicity"),
    Dimension("party", "政治面貌", "person__party", tuple(Party.choices)),
    Dimension("age_band", "年龄", "age_band", AGE_BANDS),
    Dimension("education", "文化程度", "person__education", (*Education.choices, ("", "未填"))),
    Dimension("occupation", "职业构成", "person__occupation", tuple(Occupation.choices)),
    Dimension("level", "代表层级", "congress__region__level",
              tuple((lv.value, lv.label) for lv in LEVEL_ORDER), hide_zero=True),
)


@dataclass
class Row:
    code: str
    label: str
    count: int
    share: float        # of the total, 0–1, four decimals

    @property
    def percent(self) -> float:
        return round(self.share * 100, 1)


@dataclass
class Composition:
    total: int = 0
    dimensions: dict[str, list[Row]] = field(default_factory=dict)
    highlights: dict[str, Row] = field(default_factory=dict)

    def rows(self, key: str) -> list[Row]:
        return self.dimensions.get(key, [])


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:          # 29 February
        return day.replace(year=day.year - years, day=28)


def age_band_expression(reference: dt.date) -> Case:
    """The band of the person's full years at `reference`: born after the day 35 years before → under 35."""
    d35, d45, d55 = (_years_before(reference, n) for n in (35, 45, 55))
    return Case(
        When(person__birth_date__isnull=True, then=Value("unknown")),
        When(person__birth_date__gt=d35, then=Value("under_35")),
        When(person__birth_date__gt=d45, then=Value("35_44")),
        When(person__birth_date__gt=d55, then=Value("45_54")),
        default=Value("55_plus"), output_field=CharField())


def reference_date(term: Term | None) -> dt.date:
    if term is not None and (term.election_date or term.start_date):
        return term.election_date or term.start_date
    return dt.date.today()


def _share(n: int, total: int) -> float:
    return round(n / total, 4) if total else 0.0


def _rows(dim: Dimension, counts: dict[str, int], total: int) -> list[Row]:
    if dim.choices:
        rows = [Row(code, str(label), counts.get(code, 0), _share(counts.get(code, 0), total))
                for code, label in dim.choices]
        known = {code for code, _ in dim.choices}
        rows += [Row(code, code or "未填", n, _share(n, total)) for code, n in counts.items() if code not in known]
        return [r for r in rows if r.count or (r.code not in ("unknown", "") and not dim.hide_zero)]
    ordered = sorted(counts.items(), key=lambda kv: (kv[0] != HAN, -kv[1], kv[0]))
    return [Row(code, code or "未填", n, _share(n, total)) for code, n in ordered]


def _highlights(dims: dict[str, list[Row]], total: int) -> dict[str, Row]:
    def pick(key: str, codes: tuple[str, ...] | None = None, exclude: str | None = None) -> int:
        return sum(r.count for r in dims.get(key, []) if (codes is None or r.code in codes) and r.code != exclude)

    women = pick("gender", (Gender.FEMALE,))
    minorities = pick("ethnicity", exclude=HAN)
    non_party = pick("party", NON_PARTY)
    return {"women": Row("women", "妇女代表", women, _share(women, total)),
            "minorities": Row("minorities", "少数民族代表", minorities, _share(minorities, total)),
            "non_party": Row("non_party", "非中共党员代表", non_party, _share(non_party, total))}


def compose(mandates: QuerySet[Mandate], *, reference: dt.date, by: str | None = None) -> dict[Any, Composition]:
    """The composition of `mandates`, as {None: …}, or as {value of `by`: …} for side-by-side columns."""
    qs = mandates.order_by().annotate(age_band=age_band_expression(reference))
    group = [by] if by else []
    counts: dict[Any, dict[str, dict[str, int]]] = {}
    for dim in DIMENSIONS:
        for row in qs.values(*group, code=F(dim.column)).annotate(n=Count("id")):
            key = row[by] if by else None
            code = row["code"] if row["code"] is not None else ""
            per_dim = counts.setdefault(key, {}).setdefault(dim.key, {})
            per_dim[code] = per_dim.get(code, 0) + row["n"]
    out: dict[Any, Composition] = {}
    for key, by_dim in counts.items():
        total = sum(by_dim.get("gender", {}).values())
        dims = {dim.key: _rows(dim, by_dim.get(dim.key, {}), total) for dim in DIMENSIONS}
        out[key] = Composition(total=total, dimensions=dims, highlights=_highlights(dims, total))
    return out


def term_mandates(congress: Congress, term: Term, *, status: str = MandateStatus.ACTIVE) -> QuerySet[Mandate]:
    qs = Mandate.objects.filter(congress=congress, term=term)
    return qs if status == "all" else qs.filter(status=status)


def congress_composition(congress: Congress, term: Term, *, status: str = MandateStatus.ACTIVE) -> Composition:
    found = compose(term_mandates(congress, term, status=status), reference=reference_date(term))
    return found.get(None) or Composition(dimensions={d.key: _rows(d, {}, 0) for d in DIMENSIONS},
                                          highlights=_highlights({}, 0))


@dataclass
class TownshipColumn:
    congress: Congress
    term: Term | None
    composition: Composition


def townships_side_by_side(county: Congress, townships: list[Congress], *,
                           status: str = MandateStatus.ACTIVE) -> list[TownshipColumn]:
    """Each township congress under the county, its current term's composition, in one set of queries. Ages are
    taken at each township's own election date when the townships were elected on the same day (the usual case:
    县乡两级同步换届), else at the county's."""
    terms = {t.congress_id: t for t in Term.objects.filter(congress__in=townships, is_current=True)}
    dates = {reference_date(t) for t in terms.values()}
    reference = dates.pop() if len(dates) == 1 else reference_date(county.current_term())
    qs = Mandate.objects.filter(term__in=list(terms.values()))
    if status != "all":
        qs = qs.filter(status=status)
    found = compose(qs, reference=reference, by="congress_id")
    empty = Composition(dimensions={d.key: _rows(d, {}, 0) for d in DIMENSIONS}, highlights=_highlights({}, 0))
    return [TownshipColumn(c, terms.get(c.pk), found.get(c.pk, empty)) for c in townships]
