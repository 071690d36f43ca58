"""Benchmarks on the public TipDM 2020 data (read from ../shared/datasets, never copied into the repository).

Floors sit below the figures measured in docs/insights.md, so that a regression fails and noise does not."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "tipdm2020"
TRAIN = DATA / "附件2_训练集_分词_一级标签.csv"
SAMPLE = DATA / "附件2_示例数据_原文_一级标签.csv"
HOT = DATA / "附件3_热点问题_留言_点赞反对.csv"
REPLIES = DATA / "附件4_留言_答复意见.csv"
WEAK = DATA / "附件4_第三方标注_可解释性_Syucryingstar.csv"
TAXONOMY = DATA / "附件1_三级标签体系.csv"

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
pytestmark = [
    pytest.mark.skipif(not TRAIN.exists(), reason=f"TipDM 2020 data set not found at {DATA}"),
    # these evaluations read CSV files and never the database: bin/test runs them once, in its SQLite pass
    pytest.mark.skipif(ON_POSTGRES, reason="TipDM evaluations use no database; they run in the SQLite pass"),
]

RAW_SAMPLE_MACRO_F1_FLOOR = 0.86  # measured 0.880 (tenth session; 0.875 before its calibration folds; docs/insights.md)
WITH_TERMS_MACRO_F1_FLOOR = 0.89  # measured 0.905 with the organiser's taxonomy as category terms
RANDOM_HOLDOUT_MACRO_F1_FLOOR = 0.92  # measured 0.937 for the first of the seed's splits, 0.935 mean of 8
BORROWED_MACRO_F1_FLOOR = 0.85  # measured 0.872 on 附件3/4's 326 raw copies of training messages


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


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


def test_raw_messages_of_another_collection_labelled_by_their_training_copies_are_scored() -> None:
    """附件3/4 are raw messages without labels; those that are the same message as a training row borrow its label,
    and those training rows leave the training set (the guard sees every test message in it)."""
    lines = run("insights_eval", "--train", str(TRAIN), "--borrow-labels", str(HOT), "--borrow-labels", str(REPLIES),
                "--text-cols", "留言主题,留言详情,分词文本", "--label-col", "一级标签")
    text = "\n".join(lines)
    borrowed = re.search(r"借用标签：(\d+) 条不重复的留言中 (\d+) 条在训练集中有同一留言，"
                         r"取其标签作测试集 (\d+) 条", text)
    assert borrowed and int(borrowed.group(1)) > 7000 and int(borrowed.group(3)) >= 300, lines
    dropped = re.search(r"测试集 (\d+)/(\d+) 条留言在训练集中（测试集取自训练集），"
                        r"训练集中与之是同一留言的 (\d+) 条已剔除", text)
    assert dropped and dropped.group(1) == dropped.group(2) == borrowed.group(3), lines
    assert int(dropped.group(3)) >= int(borrowed.group(3))
    assert float(lines[-1].split("=")[1]) >= BORROWED_MACRO_F1_FLOOR


def test_hot_issue_ranking_finds_both_named_issues_in_its_top_five() -> None:
    lines = run("insights_hot_eval", "--messages", str(HOT), "--top", "5", "--show", "0",
                "--expect", "魅力之城 油烟", "--expect", "经济学院 实习")
    verdicts = [line for line in lines if line.startswith("期望的热点")]
    assert len(verdicts) == 2
    assert all("在前 5 名内" in v and "不在" not in v for v in verdicts), verdicts


def test_reply_checks_agree_with_the_weak_interpretability_labels_beyond_the_majority_baseline() -> None:
    lines = run("insights_reply_eval", "--replies", str(REPLIES), "--labels", str(WEAK), "--examples", "0",
                "--train", str(TRAIN))
    line = next(x for x in lines if "可解释性 ↔ interpretability" in x)
    agree, majority = (float(v) for v in re.search(r"一致率 ([\d.]+)%（全猜多数类 ([\d.]+)%", line).groups())
    assert agree > majority + 3  # measured 95.1% against 89.6%
    assert float(re.search(r"kappa ([\d.]+)", line).group(1)) >= 0.6  # measured 0.765

    # relevance weighed by a model of another collection's messages, as a congress's model of its history
    def relevance(way: str) -> tuple[int, int]:
        line = next(x for x in lines if x.startswith(f"相关性{way}："))
        as_sent, elsewhere = re.search(r"原答复未通过 (\d+)/2816 条.*未通过 (\d+)/2816 条", line).groups()
        return int(as_sent), int(elsewhere)

    weighed, plain = relevance("按模型的词语权重"), relevance("按字面词语")
    assert weighed[0] <= plain[0]  # measured 254 against 258 of the replies as they were sent
    assert weighed[1] >= plain[1] + 280  # measured 2,262 against 1,653 of the replies sent to another message
