"""The printable roster in 姓氏笔画 order (代表名单按姓氏笔画为序): the stroke data and the rule, checked on surnames
whose counts and strokes were checked by hand, and the page that prints it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from renda.deputies import services, strokes
from tests.deputies.registry import build, make_id

# Surname, strokes, first stroke — checked by hand against a dictionary.
HAND_CHECKED = [
    ("丁", 2, "横"), ("于", 3, "横"), ("万", 3, "横"), ("马", 3, "折"), ("王", 4, "横"), ("方", 4, "点"),
    ("石", 5, "横"), ("卢", 5, "竖"), ("刘", 6, "点"), ("李", 7, "横"), ("张", 7, "折"), ("陈", 7, "折"),
    ("林", 8, "横"), ("周", 8, "撇"), ("赵", 9, "横"), ("胡", 9, "横"), ("徐", 10, "撇"), ("黄", 11, "横"),
    ("曾", 12, "点"), ("谢", 12, "点"), ("蔡", 14, "横"), ("魏", 17, "撇"),
]


def test_hand_checked_surnames_have_their_stroke_counts_and_first_strokes():
    for char, count, first in HAND_CHECKED:
        assert (strokes.stroke_count(char), strokes.first_stroke(char)) == (count, first), char


def test_surnames_sort_by_strokes_then_by_the_strokes_in_order():
    shuffled = ["谢", "曾", "黄", "徐", "胡", "赵", "周", "林", "陈", "张", "李", "刘", "石", "方", "王", "丁",
                "马", "万", "于", "卢", "蔡", "魏"]
    assert sorted(shuffled, key=strokes.name_key) == [
        "丁",                   # 2
        "于", "万", "马",        # 3: 横 (于 一一亅 before 万 一㇆丿), then 折
        "王", "方",              # 4: 横 before 点
        "石", "卢",              # 5: 横 before 竖
        "刘",                   # 6
        "李", "张", "陈",        # 7: 横; then 张 折横折 before 陈 折竖
        "林", "周",              # 8: 横 before 撇
        "赵", "胡",              # 9: both 横竖横; 赵's third stroke 横 before 胡's 竖
        "徐", "黄",              # 10, 11
        "曾", "谢",              # 12: both 点; 曾's second stroke 撇 before 谢's 折
        "蔡", "魏",              # 14, 17
    ]


def test_the_same_surname_sorts_by_the_given_name_and_a_shorter_name_first():
    names = ["王五", "王一二", "王二", "王一", "王大", "方一", "王"]
    assert sorted(names, key=strokes.name_key) == ["王", "王一", "王一二", "王二", "王大", "王五", "方一"]


def test_separators_are_skipped_and_characters_outside_the_table_sort_last():
    assert strokes.name_key("阿依古丽·买买提") == strokes.name_key("阿依古丽买买提")
    assert sorted(["𬌗甲", "龘甲", "一甲"], key=strokes.name_key) == ["一甲", "龘甲", "𬌗甲"]


def test_the_stroke_table_agrees_with_unihan_except_the_documented_rare_characters():
    table = strokes.table()
    assert len(table) == 20902
    differ = {ch for ch, (count, seq) in table.items() if count != len(seq)}
    assert len(differ) == 32 and not differ & set("".join(c for c, _, _ in HAND_CHECKED))
    assert table["达"] == (6, "134454"), "corrected by hand: 一ノ丶 + 辶"


@pytest.mark.django_db
def test_the_printable_roster_lists_each_congress_in_stroke_order(client, tree):
    reg = build(tree)
    for i, name in enumerate(["谢一", "曾二", "丁三", "方四", "王五"], start=20):
        person = services.person_create(actor=None, region=tree.town_a, name=name,
                                        id_number=make_id("19800101", i, female=name == "方四"))
        services.mandate_create(actor=None, person=person, congress=tree.congress_a)
    client.force_login(reg.clerk_a)
    html = client.get(reverse("deputies:roster"), {"congress": tree.congress_a.pk}).content.decode()
    assert "甲镇人民代表大会第20届代表名单" in html and "按姓氏笔画为序" in html
    names = re.findall(r'<li data-strokes="\d+">([^<]+)', html)
    assert names == ["丁三", "王五", "方四", "李四", "张三", "曾二", "谢一"]
    assert "方四<small>（女）</small>" in html and "李四<small>（女，回族）</small>" in html
