"""The figures of DOMAIN.md §3 on a fixed data set, checked against hand-computed values (docs/suggestions.md has
the definitions), through /api/v1/suggestions/stats and the .xlsx ledger."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from renda.suggestions.ledger import build_ledger
from renda.suggestions.models import Suggestion
from renda.suggestions.selectors import visible
from tests.factories import UnitFactory
from tests.helpers import api_client

pytestmark = pytest.mark.django_db
TODAY = date(2025, 12, 1)


@pytest.fixture
def data(world, monkeypatch):
    """Fourteen suggestions; the comment on each says what it counts for (town A, 2025, unless said)."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    t = world.tree
    u1, u2 = t.unit_county, t.unit_other
    lead = world.lead.person

    def make(status, *, congress=t.congress_a, year=2025, unit=None, cls="", sat="", met=False, replied=False,
             overdue=None, deadline=None, category="城建交通", channel="recess", township=t.town_a):
        n = Suggestion.objects.count() + 1
        return Suggestion.objects.create(
            congress=congress, region_path=congress.region.path, township=township, number=f"{year}-{n:04d}",
            kind="suggestion", channel=channel, status=status, title=f"建议{n}", content="……", category=category,
            lead_deputy=lead, year=year, lead_unit=unit, result_class=cls, satisfaction=sat, met_in_person=met,
            first_replied_on=date(year, 6, 1) if replied else None, overdue_since=overdue, deadline=deadline)

    make("closed", unit=u1, cls="A", sat="satisfied", met=True, replied=True)                      # 1
    make("closed", unit=u1, cls="A", sat="basically_satisfied", met=True, replied=True, channel="session")  # 2
    make("evaluated", unit=u2, cls="D", sat="satisfied", replied=True, category="教科文卫",
         channel="session")                                                                              # 3
    make("follow_up", unit=u2, cls="B", sat="satisfied", met=True, replied=True, overdue=date(2025, 7, 1),
         category="教科文卫")                                                                            # 4 late reply
    make("rehandling", unit=u1, cls="A", sat="unsatisfied", replied=True, deadline=date(2025, 12, 20),
         category="农业农村", channel="activity")                                                       # 5
    make("replied", unit=u2, cls="C", met=True, replied=True, category="农业农村")                      # 6
    make("handling", unit=u1, deadline=date(2025, 11, 1))                                              # 7 overdue now
    make("assigned", unit=u2, deadline=date(2026, 1, 15), category="环境保护", channel="session")     # 8
    make("accepted", category="环境保护")                                                               # 9 not assigned
    make("returned")                                                                                     # not admitted
    make("draft")                                                                                        # not admitted
    make("withdrawn")                                                                                    # not admitted
    make("closed", year=2024, unit=u1, cls="A", sat="satisfied", replied=True)                         # other year
    make("closed", congress=t.congress_b, township=t.town_b, unit=u1, cls="A", sat="satisfied",
         replied=True)                                                                                   # town B
    return world


def _stats(user, query=""):
    response = api_client(user).get(f"/api/v1/suggestions/stats?year=2025{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_township_figures_match_the_hand_computed_ones(data):
    totals = _stats(data.clerk_a)["totals"]
    assert {k: totals[k] for k in ("admitted", "assigned", "replied", "met", "evaluated", "satisfied", "closed",
                                   "a", "b", "c", "d", "overdue")} == {
        "admitted": 9, "assigned": 8, "replied": 6, "met": 4, "evaluated": 5, "satisfied": 4, "closed": 2,
        "a": 3, "b": 1, "c": 1, "d": 1, "overdue": 2}
    assert totals["reply_rate"] == 75.0          # 6 / 8
    assert totals["meeting_rate"] == 66.7        # 4 / 6
    assert totals["satisfaction_rate"] == 80.0   # 4 / 5
    assert totals["closed_rate"] == 25.0         # 2 / 8
    assert totals["solved_rate"] == 50.0         # A 3 / 6
    assert (totals["a_share"], totals["b_share"], totals["c_share"], totals["d_share"]) == (50.0, 16.7, 16.7, 16.7)


def test_figures_by_unit_channel_and_category(data):
    by_unit = {g["label"]: g for g in _stats(data.clerk_a, "&by=unit")["groups"]}
    traffic, education = by_unit["县交通运输局"], by_unit["县教育局"]
    assert (traffic["admitted"], traffic["replied"], traffic["reply_rate"], traffic["satisfaction_rate"],
            traffic["solved_rate"], traffic["overdue"]) == (4, 3, 75.0, 66.7, 100.0, 1)
    assert (education["admitted"], education["closed_rate"], education["satisfaction_rate"],
            education["solved_rate"], education["overdue"]) == (4, 0.0, 100.0, 0.0, 1)
    assert by_unit["未填"]["admitted"] == 1 and by_unit["未填"]["reply_rate"] is None
    by_channel = {g["key"]: g["admitted"] for g in _stats(data.clerk_a, "&by=channel")["groups"]}
    assert by_channel == {"recess": 5, "session": 3, "activity": 1}
    by_category = {g["key"]: g["admitted"] for g in _stats(data.clerk_a, "&by=category")["groups"]}
    assert by_category == {"城建交通": 3, "教科文卫": 2, "农业农村": 2, "环境保护": 2}


def test_the_county_sees_every_township_and_figures_by_township(data):
    county = _stats(data.county_clerk, "&by=township")
    assert county["totals"]["admitted"] == 10 and county["totals"]["solved_rate"] == 57.1  # A 4 / 7
    assert {g["label"]: g["admitted"] for g in county["groups"]} == {"甲镇": 9, "乙镇": 1}
    by_year = api_client(data.clerk_a).get("/api/v1/suggestions/stats?by=year").json()
    assert {g["key"]: g["admitted"] for g in by_year["groups"]} == {2025: 9, 2024: 1}


def test_another_townships_clerk_and_an_empty_scope_get_zeros_not_errors(data):
    totals = _stats(data.clerk_b)["totals"]
    assert totals["admitted"] == 1 and totals["reply_rate"] == 100.0
    empty = _stats(api_user_without_items(data))["totals"]
    assert empty["admitted"] == 0 and empty["reply_rate"] is None


def api_user_without_items(world):
    from renda.core.roles import Role
    from tests.factories import UserFactory

    return UserFactory(role=Role.UNIT_USER, region=world.tree.county, unit=UnitFactory(region=world.tree.county))


def test_the_ledger_lists_the_years_admitted_suggestions_and_its_figures(data):
    content = build_ledger(visible(user=data.clerk_a), year=2025, today=TODAY, scope_name="甲镇")
    wb = load_workbook(BytesIO(content), read_only=True)
    rows = list(wb["2025年建议台账"].iter_rows(values_only=True))
    assert rows[1][:3] == ("编号", "标题", "类别")
    width = len(rows[1])
    data_rows = [tuple(r) + (None,) * (width - len(r)) for r in rows[2:]]  # read-only mode trims empty cells
    assert len(data_rows) == 9
    first = dict(zip(rows[1], data_rows[0], strict=True))
    assert first["主办单位"] == "县交通运输局" and first["办理结果"] == "A" and first["代表评价"] == "满意"
    assert first["领衔代表"] == "李领衔"
    overdue = [r for r in data_rows if dict(zip(rows[1], r, strict=True))["超期"] == "是"]
    assert len(overdue) == 2
    figures = list(wb["办理情况统计"].iter_rows(values_only=True))
    header, total = figures[0], figures[1]
    summary = dict(zip(header, total, strict=True))
    assert summary["范围"] == "合计" and summary["立案件数"] == 9 and summary["答复率（%）"] == 75.0


def test_a_title_written_as_a_formula_stays_text_in_the_ledger(data):
    Suggestion.objects.filter(number="2025-0001").update(title="=1+1 关于修缮北关村道路的建议")
    content = build_ledger(visible(user=data.clerk_a), year=2025, today=TODAY, scope_name="=甲镇")
    wb = load_workbook(BytesIO(content))
    cells = [c for sheet in wb.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "=1+1 关于修缮北关村道路的建议" in [c.value for c in cells]


@pytest.mark.parametrize("by", ["unit", "category", "township", "channel"])
def test_the_totals_of_a_grouped_call_are_the_same_hand_computed_figures(data, by):
    """With `by`, the totals are summed from the groups (one read): they must equal the ungrouped totals."""
    plain = _stats(data.clerk_a)["totals"]
    grouped = _stats(data.clerk_a, f"&by={by}")
    assert grouped["totals"] == plain and plain["admitted"] == 9 and plain["reply_rate"] == 75.0
    assert sum(g["admitted"] for g in grouped["groups"]) == 9


def test_the_stats_answer_has_exactly_the_documented_schema(data):
    """The answer is rendered without pydantic (speed), so check it against StatsOut here."""
    from renda.suggestions.api import StatsOut

    for query in ("", "&by=unit", "&by=township"):
        body = _stats(data.county_clerk, query)
        assert StatsOut.model_validate(body).model_dump(mode="json") == body
        assert set(body) == set(StatsOut.model_fields)
