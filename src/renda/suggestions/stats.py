"""The figures of DOMAIN.md §3 for a year, over the suggestions the caller may see, in one grouped query.

Base: suggestions (bills handled as suggestions included) of the year that were admitted (立案) — every status
from 已立案 on; drafts, pending, returned and withdrawn ones and bills put on the agenda are not handled items.

| figure | numerator | denominator |
|---|---|---|
| 答复率 reply_rate | answered at least once | assigned (交办, still with a unit or done) |
| 见面率 meeting_rate | answered and met the deputy in person | answered |
| 满意率 satisfaction_rate | latest evaluation 满意 or 基本满意 | evaluated |
| 办结率 closed_rate | closed (办结) | assigned |
| 办成率 solved_rate | latest result class A | answered |
| A/B/C/D shares | latest result class | answered |
| overdue | answered late, or past the deadline and unanswered now | (a count) |

Rates are percentages with one decimal, or null when the denominator is 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from renda.organizations.models import HandlingUnit, Region
from renda.suggestions.models import Channel, Kind, Satisfaction, Status, Suggestion
from renda.suggestions.selectors import overdue_q

S = Status
ADMITTED = [S.ACCEPTED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING, S.EVALUATED, S.FOLLOW_UP, S.CLOSED]
ASSIGNED = [s for s in ADMITTED if s != S.ACCEPTED]
DIMENSIONS = {"unit": "lead_unit_id", "category": "category", "township": "township_id", "channel": "channel",
              "year": "year"}
COUNTS = ["admitted", "assigned", "replied", "met", "evaluated", "satisfied", "closed", "a", "b", "c", "d",
          "overdue", "key_supervised"]


def _aggregates(today: date) -> dict[str, Count]:
    replied = Q(first_replied_on__isnull=False)
    return {
        "admitted": Count("id"),
        "assigned": Count("id", filter=Q(status__in=ASSIGNED)),
        "replied": Count("id", filter=replied),
        "met": Count("id", filter=replied & Q(met_in_person=True)),
        "evaluated": Count("id", filter=~Q(satisfaction="")),
        "satisfied": Count("id", filter=Q(satisfaction__in=[Satisfaction.SATISFIED,
                                                            Satisfaction.BASICALLY_SATISFIED])),
        "closed": Count("id", filter=Q(status=S.CLOSED)),
        "a": Count("id", filter=Q(result_class="A")),
        "b": Count("id", filter=Q(result_class="B")),
        "c": Count("id", filter=Q(result_class="C")),
        "d": Count("id", filter=Q(result_class="D")),
        "overdue": Count("id", filter=Q(overdue_since__isnull=False) | overdue_q(today)),
        "key_supervised": Count("id", filter=Q(key_supervised=True)),
    }


def _pct(num: int, den: int) -> float | None:
    return round(100 * num / den, 1) if den else None


@dataclass(frozen=True)
class Figures:
    counts: dict[str, int]

    @property
    def rates(self) -> dict[str, float | None]:
        c = self.counts
        return {
            "reply_rate": _pct(c["replied"], c["assigned"]),
            "meeting_rate": _pct(c["met"], c["replied"]),
            "satisfaction_rate": _pct(c["satisfied"], c["evaluated"]),
            "closed_rate": _pct(c["closed"], c["assigned"]),
            "solved_rate": _pct(c["a"], c["replied"]),
            "a_share": _pct(c["a"], c["replied"]),
            "b_share": _pct(c["b"], c["replied"]),
            "c_share": _pct(c["c"], c["replied"]),
            "d_share": _pct(c["d"], c["replied"]),
        }

    def as_dict(self) -> dict[str, Any]:
        return {**self.counts, **self.rates}


def admitted(qs: QuerySet[Suggestion], year: int | None) -> QuerySet[Suggestion]:
    qs = qs.filter(kind=Kind.SUGGESTION, status__in=ADMITTED)
    return qs.filter(year=year) if year is not None else qs


def figures(qs: QuerySet[Suggestion], *, year: int | None, today: date) -> Figures:
    row = admitted(qs, year).aggregate(**_aggregates(today))
    return Figures({k: row[k] or 0 for k in COUNTS})


def figures_by(qs: QuerySet[Suggestion], *, by: str, year: int | None, today: date) -> list[dict[str, Any]]:
    """One row per value of the dimension, with its label, ordered by the number admitted."""
    field = DIMENSIONS[by]
    rows = list(admitted(qs, None if by == "year" else year).order_by().values(field)
                .annotate(**_aggregates(today)).order_by("-admitted", field))
    labels = _labels(by, [r[field] for r in rows])
    return [{"key": r[field], "label": labels.get(r[field], "未填" if r[field] in (None, "") else str(r[field])),
             **Figures({k: r[k] for k in COUNTS}).as_dict()} for r in rows]


def total_of(groups: list[dict[str, Any]]) -> Figures:
    """The totals of a grouping that partitions the same suggestions (every dimension but `year`, whose groups span
    years): the sums of the groups' counts, without reading the rows a second time."""
    return Figures({k: sum(g[k] for g in groups) for k in COUNTS})


def _labels(by: str, keys: list[Any]) -> dict[Any, str]:
    if by == "unit":
        return dict(HandlingUnit.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
    if by == "township":
        return dict(Region.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
    if by == "channel":
        return dict(Channel.choices)
    if by == "year":
        return {k: f"{k}年" for k in keys}
    return {}


FIGURE_LABELS = {
    "admitted": "立案件数", "assigned": "交办件数", "replied": "已答复", "met": "见面沟通", "evaluated": "已评价",
    "satisfied": "满意（含基本满意）", "closed": "已办结", "a": "A类", "b": "B类", "c": "C类", "d": "D类",
    "overdue": "超期", "key_supervised": "重点督办",
    "reply_rate": "答复率", "meeting_rate": "见面率", "satisfaction_rate": "满意率", "closed_rate": "办结率",
    "solved_rate": "办成率", "a_share": "A类占比", "b_share": "B类占比", "c_share": "C类占比", "d_share": "D类占比",
}
