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


# A township deputy's own past suggestions: all name the township and all are 建议.
TOWNSHIP = [
    Case(id="river", text="关于治理青山镇境内河道污染的建议 流经青山镇的河道沿岸生活污水直排，部分河段水体发黑发臭。"),
    Case(id="school", text="关于在青山镇中心小学门前路段设置交通安全设施的建议 学校紧邻省道，学生横穿马路有安全隐患。"),
    Case(id="elderly", text="关于建设青山镇老年活动中心的建议 集镇老年人口较多，缺少休闲娱乐场所。"),
]
BUS = "建议增开县城至青山镇的城乡公交班次，方便群众出行"


def test_sharing_only_the_township_and_boilerplate_makes_no_case_similar() -> None:
    known = SimilarIndex(TOWNSHIP, places=["示范县", "青山镇", "白沙镇"])
    assert known.query(BUS, k=5, near_duplicate_threshold=0.8) == []
    assert known.query("关于青山镇的建议", k=5, near_duplicate_threshold=0.8) == []
    # without the region's names, "青山" and "山镇" count as words the texts share
    unknown = SimilarIndex(TOWNSHIP)
    assert {m.id for m in unknown.query(BUS, k=5, near_duplicate_threshold=0.8)} == {"river", "school", "elderly"}


def test_a_shared_subject_is_found_inside_longer_words() -> None:
    index = SimilarIndex(TOWNSHIP, places=["青山镇"])
    matches = index.query("青山镇中学门口车辆太多，孩子过马路不安全", k=5, near_duplicate_threshold=0.8)
    assert [m.id for m in matches] == ["school"]  # 马路 in 横穿马路, 安全 in 交通安全 and 安全隐患
    river = index.query("青山镇小河沿岸有人倾倒垃圾，河水发臭", k=5, near_duplicate_threshold=0.8)
    assert [m.id for m in river] == ["river"]
    assert index.subject_pieces("青山镇小河发臭", ["青山", "镇", "小河", "发臭"]) == {"小河", "发臭"}


def test_an_estate_named_in_both_texts_with_its_suffix_is_no_shared_subject() -> None:
    """"幸福花园小区": the estate and the word 小区 say where, not what; 停车 and 路灯 are the subjects."""
    index = SimilarIndex([Case(id="lamp", text="幸福花园小区路灯坏了，晚上很黑"),
                          Case(id="parking", text="东湖社区停车位太少，车辆乱停")])
    assert [m.id for m in index.query("幸福花园小区停车难，车位太少", k=5, near_duplicate_threshold=0.8)] == ["parking"]
    assert index.query("幸福花园小区的事", k=5, near_duplicate_threshold=0.8) == []


def test_place_names_are_known_with_and_without_their_level() -> None:
    from renda.insights.similar import place_names

    names = place_names(["青山镇", "东湖街道", "示范县", "乡"])
    assert names == ("东湖街道", "示范县", "青山镇", "东湖", "示范", "青山", "乡")


@pytest.mark.django_db
def test_the_congress_setting_decides_what_counts_as_a_near_duplicate(tree) -> None:
    congress = tree.congress_a
    first = services.similar_cases(congress=congress, text=RESUBMITTED, history=PAST, k=1)[0]
    assert first.near_duplicate
    congress_setting_set(actor=None, congress=congress, key="insights.near_duplicate_threshold", raw="100")
    again = services.similar_cases(congress=congress, text=RESUBMITTED, history=PAST, k=1)[0]
    assert again.id == "lamp" and not again.near_duplicate


def test_a_scope_of_one_letter_registered_for_each_signer_is_still_searched() -> None:
    """Twenty copies or more of one text leave no word under the index's max_df; every word then counts (a
    review of the twentieth session found the assist page answering 500 there)."""
    letter = "幸福村二十户村民联名反映：村东垃圾中转站臭气熏天，夏天蚊蝇成群，请镇环卫所尽快搬迁。"
    index = SimilarIndex([Case(id=i, text=letter) for i in range(25)])
    matches = index.query("村东垃圾中转站臭气熏天，请尽快搬迁", k=3, near_duplicate_threshold=0.8)
    assert len(matches) == 3 and all(m.score > 0.5 for m in matches)
    assert index.query("西坡村河道发臭", k=3, near_duplicate_threshold=0.8) == []


def test_copies_of_one_letter_among_a_few_other_cases_are_still_found() -> None:
    """Counted per case, twenty copies in a scope of a few more put all the letter's words over max_df and left the
    copies without a word; words are counted over distinct texts."""
    letter = "幸福村二十户村民联名反映：村东垃圾中转站臭气熏天，夏天蚊蝇成群，请镇环卫所尽快搬迁。"
    others = [Case(id=f"o{i}", text=t) for i, (t, _) in enumerate(history(per_class=1)[:2])]
    index = SimilarIndex([Case(id=i, text=letter) for i in range(25)] + others)
    matches = index.query("村东垃圾中转站臭气熏天，请尽快搬迁", k=3, near_duplicate_threshold=0.8)
    assert [m.id for m in matches] and all(isinstance(m.id, int) for m in matches)
    assert index.query(letter, k=1, near_duplicate_threshold=0.8)[0].near_duplicate


def test_a_scope_of_cases_without_a_word_finds_nothing_and_does_not_fail() -> None:
    index = SimilarIndex([Case(id=1, text="！！！！！！！！"), Case(id=2, text="？？？？？？")])
    assert index.query("村东垃圾中转站臭气熏天", k=3, near_duplicate_threshold=0.8) == []
    assert index.query("！！！！！！！！", k=3, near_duplicate_threshold=0.8) == []
