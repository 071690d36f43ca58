"""Benchmarks on the public TipDM 2020 data: the classifier on the official raw sample and on random held-back
tenths, and the hot-issue ranking on 附件3. Floors sit below the figures measured in docs/insights.md, so that a
regression fails and noise does not."""

from __future__ import annotations

import re

import pytest

from tests.insights.tipdm import HOT, MARKS, SAMPLE, TAXONOMY, TRAIN, run

pytestmark = MARKS

RAW_SAMPLE_MACRO_F1_FLOOR = 0.86  # measured 0.880 (tenth session; 0.875 before its calibration folds; docs/insights.md)
WITH_TERMS_MACRO_F1_FLOOR = 0.89  # measured 0.905 with the organiser's taxonomy as category terms
RANDOM_HOLDOUT_MACRO_F1_FLOOR = 0.92  # measured 0.937 for the first of the seed's splits, 0.935 mean of 8


@pytest.fixture(scope="module")
def holdout_output() -> list[str]:
    return run("insights_eval", "--train", str(TRAIN), "--test", str(SAMPLE),
               "--text-cols", "留言主题,留言详情,分词文本", "--label-col", "一级标签")


def test_eval_prints_per_class_scores_and_ends_with_the_macro_f1_line(holdout_output: list[str]) -> None:
    assert re.fullmatch(r"macro_f1=0\.\d{4}", holdout_output[-1]), holdout_output[-1]
    text = "\n".join(holdout_output)
    for label in ("城乡建设", "劳动和社会保障", "教育文体", "商贸旅游", "环境保护", "卫生计生", "交通运输"):
        assert re.search(rf"^{label}\s+0\.\d{{4}}", text, re.M), label
    assert "训练时间" in text and "条/秒" in text and "峰值内存" in text


def test_raw_messages_are_classified_at_the_measured_level_without_leakage(holdout_output: list[str]) -> None:
    """The 451 raw sample messages are also in the (pre-cut) training file: the leak guard must see that the test
    file came from it and drop them, and the score is what a model meets on raw messages it has never seen."""
    found = re.search(r"测试集 (\d+)/451 条留言在训练集中（测试集取自训练集），训练集中与之是同一留言的 (\d+) 条已剔除",
                      "\n".join(holdout_output))
    assert found, holdout_output
    assert int(found.group(1)) >= 450 and int(found.group(2)) >= 450
    assert float(holdout_output[-1].split("=")[1]) >= RAW_SAMPLE_MACRO_F1_FLOOR


def test_the_organisers_taxonomy_as_category_terms_lifts_the_raw_sample(holdout_output: list[str]) -> None:
    """附件1's sub-categories, given as category terms, teach the labelling convention of the official sample
    (e.g. 食品安全 and 保健品 belong to 卫生计生 there, while the training file mostly files them under 商贸旅游)."""
    lines = run("insights_eval", "--train", str(TRAIN), "--test", str(SAMPLE), "--terms", str(TAXONOMY),
                "--text-cols", "留言主题,留言详情,分词文本", "--label-col", "一级标签")
    learnt = re.search(r"分类细目：(\d+) 个细目作为标注样本一同学习", "\n".join(lines))
    assert learnt and int(learnt.group(1)) > 200, lines
    with_terms, without = float(lines[-1].split("=")[1]), float(holdout_output[-1].split("=")[1])
    assert with_terms >= WITH_TERMS_MACRO_F1_FLOOR
    assert with_terms > without


def test_a_random_held_back_tenth_of_the_messages_is_classified_at_the_measured_level() -> None:
    """A held-back set drawn at random from the same collection: 948 messages, as many as are missing from the
    training file (its 行号 run to 9,210 with 948 gaps spread over every class); re-posts of the held-out messages
    stay in training, as a deployed model's history would have them."""
    lines = run("insights_eval", "--train", str(TRAIN), "--random-holdout", "948", "--repeats", "1",
                "--text-cols", "留言主题,留言详情,分词文本", "--label-col", "一级标签")
    assert "随机留出 1 次，每次分层随机留出 948 条" in "\n".join(lines), lines
    assert float(lines[-1].split("=")[1]) >= RANDOM_HOLDOUT_MACRO_F1_FLOOR


def test_hot_issue_ranking_finds_both_named_issues_in_its_top_five() -> None:
    lines = run("insights_hot_eval", "--messages", str(HOT), "--top", "5", "--show", "0",
                "--expect", "魅力之城 油烟", "--expect", "经济学院 实习")
    verdicts = [line for line in lines if line.startswith("期望的热点")]
    assert len(verdicts) == 2
    assert all("在前 5 名内" in v and "不在" not in v for v in verdicts), verdicts
