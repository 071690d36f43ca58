"""Similar cases with their replies, and the near-duplicate flag."""

from __future__ import annotations

import pytest

from renda.insights import services
from renda.insights.similar import Case, SimilarIndex
from renda.organizations.services import congress_setting_set
from tests.insights.synthetic import history

PAST = [Case(id=i, text=t, reply=f"答复{i}") for i, (t, _) in enumerate(history(per_class=10))] + [
    Case(id="lamp", text="东湖社区幸福路的路灯坏了三个月，晚上一片漆黑，老人孩子出行很不安全，请尽快修复。",
         reply="经核实，街道办已安排维修，三日内修复。"),
]
RESUBMITTED = "东湖社区幸福路的路灯坏了三个多月，晚上一片漆黑，老人和孩子出行很不安全，请尽快修复！"


def test_a_resubmitted_message_is_flagged_as_a_near_duplicate_with_the_past_reply() -> None:
    matches = SimilarIndex(PAST).query(RESUBMITTED, k=3, near_duplicate_threshold=0.8)
    assert matches[0].id == "lamp"
    assert matches[0].near_duplicate and matches[0].score >= 0.8
    assert matches[0].reply == "经核实，街道办已安排维修，三日内修复。"
    assert not any(m.near_duplicate for m in matches[1:])


def test_a_message_on_another_matter_is_similar_at_most_never_a_duplicate() -> None:
    matches = SimilarIndex(PAST).query("西坡村河道发臭，工厂排污严重，希望环保部门查处", k=5,
                                       near_duplicate_threshold=0.8)
    assert matches and all(not m.near_duplicate for m in matches)
    assert all(m.id != "lamp" for m in matches[:3])


def test_pairs_of_near_duplicates_inside_the_history_are_listed() -> None:
    index = SimilarIndex([*PAST, Case(id="again", text=RESUBMITTED)])
    assert ("lamp", "again") in {(a, b) for a, b, _ in index.near_duplicate_pairs(threshold=0.8)}


@pytest.mark.django_db
def test_the_congress_setting_decides_what_counts_as_a_near_duplicate(tree) -> None:
    congress = tree.congress_a
    first = services.similar_cases(congress=congress, text=RESUBMITTED, history=PAST, k=1)[0]
    assert first.near_duplicate
    congress_setting_set(actor=None, congress=congress, key="insights.near_duplicate_threshold", raw="100")
    again = services.similar_cases(congress=congress, text=RESUBMITTED, history=PAST, k=1)[0]
    assert again.id == "lamp" and not again.near_duplicate
