"""The evaluation's leak guard: a test file drawn from the training files loses nothing to memory; a test file of
other messages keeps the earlier posts of the same complaints as history."""

from __future__ import annotations

import re

import pytest

from renda.insights import evaluation
from renda.insights import text as textlib

TRAIN = [
    "东湖社区烧烤摊油烟扰民，每天晚上烟雾弥漫，居民无法开窗，希望环保部门依法取缔。",
    "幸福村到镇上的公交班次太少，老人看病出行很不方便，请交通部门增加班次。",
    "北关村小学食堂卫生条件差，孩子多次拉肚子，请教育部门检查整改。",
    "石桥村养老金已经三个月没有到账，老人生活困难，请社保部门核查发放。",
]


def test_a_message_is_found_in_its_pre_cut_copy_and_an_unrelated_one_is_not() -> None:
    pre_cut = [" ".join(textlib.words(t)) for t in TRAIN]
    test = [TRAIN[2], "南街社区的路灯坏了半年没人修，晚上走路很危险。"]
    assert evaluation.same_message_pairs(pre_cut, test) == [(0, 2)]


def test_a_test_file_drawn_from_the_training_files_has_its_messages_dropped() -> None:
    pairs = [(i, 100 + i) for i in range(9)] + [(0, 200)]  # 9 of 10 found, one of them also posted twice
    drop, note = evaluation.overlap_policy(pairs, 10, "auto")
    assert drop == {100, 101, 102, 103, 104, 105, 106, 107, 108, 200}
    assert "9/10" in note and "测试集取自训练集" in note and "10 条已剔除" in note


def test_another_collection_keeps_the_earlier_posts_of_its_complaints_and_says_so() -> None:
    pairs = [(3, 40), (7, 41)]  # 2 of 10 test messages were posted before
    drop, note = evaluation.overlap_policy(pairs, 10, "auto")
    assert drop == set()
    assert "2/10" in note and "作为历史保留" in note and "--drop-overlap" in note


def test_the_choice_can_be_forced_either_way() -> None:
    drop, note = evaluation.overlap_policy([(3, 40)], 10, "drop")
    assert drop == {40} and "--drop-overlap" in note
    drop, note = evaluation.overlap_policy([(i, i) for i in range(10)], 10, "keep")
    assert drop == set() and "虚高" in note


def test_the_boundary_is_half_of_the_test_messages() -> None:
    assert evaluation.overlap_policy([(i, i) for i in range(5)], 10, "auto")[0] == set(range(5))
    assert evaluation.overlap_policy([(i, i) for i in range(4)], 10, "auto")[0] == set()


def test_an_unknown_policy_is_refused() -> None:
    data = evaluation.Labelled(texts=TRAIN, labels=["a", "b", "a", "b"], source="x")
    with pytest.raises(ValueError, match="overlap"):
        evaluation.holdout([data], data, threshold=0.5, overlap="sometimes")


def test_a_code_cut_into_numbers_does_not_make_the_search_lose_the_rest_of_the_text() -> None:
    raw = ("A4区五矿沁园金城的电梯故障频发物业不管 本人于9月初乘坐16栋电梯（设备编码为：1003788-6200-383653），"
           "设备名称东南客梯，多次出现关门后电梯猛的下沉约20公分，人会有点站不稳，所有按过的楼层灯熄灭，"
           "随后再按楼层后正常运转。反馈给物业工作人员后，起初反馈了三次，工作人员表示会积极处理，"
           "到2019年12月仍未解决，小区里还有3部电梯同样经常停运，请市场监管部门督促检验。")
    pre_cut = " ".join(textlib.words(raw))  # "1003788 6200 383653" → three numbers in the cut copy, one in the raw
    assert evaluation.same_message_pairs([TRAIN[0], pre_cut], [raw]) == [(0, 1)]


def test_cross_validation_keeps_a_reposted_message_in_one_group() -> None:
    repost = TRAIN[0].replace("每天晚上", "每天夜里") + "已经反映过一次。"  # the same complaint, sent again edited
    pre_cut = " ".join(textlib.words(TRAIN[1]))  # the same message cut into words elsewhere
    texts = [*TRAIN, repost, pre_cut, TRAIN[3]]
    groups = evaluation.duplicate_groups(texts).tolist()
    assert groups[4] == groups[0] and groups[5] == groups[1] and groups[6] == groups[3]
    assert len({groups[0], groups[1], groups[2], groups[3]}) == 4  # different complaints stay apart


def _labelled(rows: list[tuple[str, str]]) -> evaluation.Labelled:
    return evaluation.Labelled(texts=[t for t, _ in rows], labels=[y for _, y in rows], source="synthetic")


def test_random_holdouts_report_each_repeat_and_their_mean() -> None:
    from tests.insights.synthetic import history

    report = evaluation.random_holdouts([_labelled(history(per_class=20))], threshold=0.6, size=0.25, repeats=3)
    assert len(report.fold_f1) == 3 and report.n_test == 3 * 20
    assert report.macro_f1 == pytest.approx(sum(report.fold_f1) / 3)
    assert "随机留出 3 次，每次分层随机留出 20 条" in report.notes[0]


def test_random_holdouts_keep_or_drop_the_held_out_messages_reposts() -> None:
    from tests.insights.synthetic import history

    once = history(per_class=12)
    twice = [*once, *[(text + "已经反映过一次。", label) for text, label in once]]  # every complaint sent twice
    kept = evaluation.random_holdouts([_labelled(twice)], threshold=0.6, size=16, repeats=2, overlap="keep")
    assert "作为历史保留" in kept.notes[0] and kept.n_train == len(twice) - 16
    dropped = evaluation.random_holdouts([_labelled(twice)], threshold=0.6, size=16, repeats=2, overlap="drop")
    removed = re.search(r"重发已从训练集中剔除（平均 (\d+) 条）", dropped.notes[0])
    # at least one twin per held-out complaint (more: the synthetic complaints are alike enough to group)
    assert removed and int(removed.group(1)) >= 8, dropped.notes[0]
    assert dropped.n_train == len(twice) - 16 - int(removed.group(1))


def test_a_random_holdout_of_no_or_every_message_is_refused() -> None:
    from tests.insights.synthetic import history

    data = [_labelled(history(per_class=5))]
    for size in (0, 20, 0.0):
        with pytest.raises(ValueError, match="不在 0 与训练集的 20 条之间"):
            evaluation.random_holdouts(data, threshold=0.6, size=size)
    with pytest.raises(ValueError, match="keep or drop"):
        evaluation.random_holdouts(data, threshold=0.6, size=0.2, overlap="auto")


def test_the_command_runs_random_holdouts_and_ends_with_the_mean(tmp_path) -> None:
    import csv
    import io

    from django.core.management import call_command

    from tests.insights.synthetic import history

    path = tmp_path / "labelled.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["留言主题", "一级标签"])
        writer.writerows(history(per_class=15))
    out = io.StringIO()
    call_command("insights_eval", "--train", str(path), "--random-holdout", "0.2", "--repeats", "2",
                 "--text-cols", "留言主题", "--label-col", "一级标签", stdout=out)
    lines = out.getvalue().splitlines()
    means = re.search(r"平均 (0\.\d{4}|1\.0000)，", "\n".join(lines))
    assert means and lines[-1] == f"macro_f1={means.group(1)}", lines


def test_another_collections_copies_of_training_messages_borrow_their_labels() -> None:
    pre_cut = [" ".join(textlib.words(t)) for t in TRAIN]
    train = _labelled([(pre_cut[0], "环境保护"), (pre_cut[1], "交通运输"), (pre_cut[2], "教育文体"),
                       (pre_cut[3], "劳动和社会保障"),
                       (pre_cut[2] + " 食堂", "卫生计生")])  # TRAIN[2] twice, with labels that differ
    others = [TRAIN[0] + "再次反映。", TRAIN[0] + "再次反映。", TRAIN[2], TRAIN[3],
              "南街社区的路灯坏了半年没人修，晚上走路很危险。"]
    test, note = evaluation.borrowed_labels([train], others, source="附件")
    assert test.texts == [TRAIN[0] + "再次反映。", TRAIN[3]]  # once each; TRAIN[2]'s rows disagree; one not found
    assert test.labels == ["环境保护", "劳动和社会保障"]
    assert "4 条不重复的留言中 3 条在训练集中有同一留言" in note and "测试集 2 条" in note and "不一致的 1 条" in note


def test_the_command_scores_borrowed_labels_with_the_matching_training_rows_dropped(tmp_path) -> None:
    import csv
    import io

    from django.core.management import CommandError, call_command

    from tests.insights.synthetic import history

    rows = history(per_class=15)
    train, other, empty = tmp_path / "train.csv", tmp_path / "other.csv", tmp_path / "none.csv"
    with train.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["分词文本", "一级标签"], *[(" ".join(textlib.words(t)), y) for t, y in rows]])
    with other.open("w", encoding="utf-8", newline="") as f:  # raw copies of eight messages, no label column
        csv.writer(f).writerows([["留言主题", "留言详情"], *[(t[:10], t[10:]) for t, _ in rows[:8]]])
    with empty.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["留言主题"], ["今年的稻谷收购价格比去年低，希望粮站按保护价收购。"]])
    out = io.StringIO()
    call_command("insights_eval", "--train", str(train), "--borrow-labels", str(other),
                 "--text-cols", "留言主题,留言详情,分词文本", "--label-col", "一级标签", stdout=out)
    text = out.getvalue()
    borrowed = re.search(r"中 (\d+) 条在训练集中有同一留言，取其标签作测试集 (\d+) 条", text)
    assert borrowed and int(borrowed.group(2)) == 8, text
    dropped = re.search(r"训练集中与之是同一留言的 (\d+) 条已剔除", text)
    assert dropped and int(dropped.group(1)) >= 8, text
    assert text.splitlines()[-1].startswith("macro_f1=")
    with pytest.raises(CommandError, match="没有一条留言在训练集中有同一留言"):
        call_command("insights_eval", "--train", str(train), "--borrow-labels", str(empty),
                     "--text-cols", "留言主题,分词文本", "--label-col", "一级标签", stdout=io.StringIO())


def test_a_table_reads_the_same_from_csv_tab_separated_gb18030_and_xlsx(tmp_path) -> None:
    import csv
    from datetime import datetime

    from openpyxl import Workbook

    header = ["留言编号", "留言主题", "留言时间", "一级标签"]
    rows = [["1", "油烟扰民", "2019-01-02 08:30:00", "环境保护"],
            ["2", "公交班次少", "2019-01-03 09:00:00", "交通运输"]]
    plain = tmp_path / "a.csv"
    with plain.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    tabbed = tmp_path / "b.csv"
    tabbed.write_bytes("\n".join("\t".join(r) for r in [header, *rows]).encode("gb18030"))
    book = Workbook()
    sheet = book.active
    sheet.append([])  # a blank line above the header is skipped
    sheet.append([f" {h} " for h in header])  # names are trimmed
    for number, title, at, label in rows:
        sheet.append([int(number), title, datetime.strptime(at, "%Y-%m-%d %H:%M:%S"), label])
    workbook = tmp_path / "c.xlsx"
    book.save(workbook)
    expected = [dict(zip(header, r, strict=True)) for r in rows]
    for path in (plain, tabbed, workbook):
        assert evaluation.read_table_rows(path) == expected, path
    labelled = evaluation.read_labelled(workbook, text_cols=["留言主题"], label_col="一级标签")
    assert labelled.texts == ["油烟扰民", "公交班次少"] and labelled.labels == ["环境保护", "交通运输"]


def test_a_file_that_is_neither_text_nor_a_workbook_is_refused_by_name(tmp_path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(ValueError, match=r"broken\.xlsx: not a readable \.xlsx workbook"):
        evaluation.read_table_rows(broken)


def test_the_command_reads_xlsx_files(tmp_path) -> None:
    import io

    from django.core.management import call_command
    from openpyxl import Workbook

    from tests.insights.synthetic import history

    rows = history(per_class=15)
    paths = []
    for name, part in (("train.xlsx", rows[::2]), ("test.xlsx", rows[1::2])):
        book = Workbook()
        book.active.append(["留言主题", "一级标签"])
        for text, label in part:
            book.active.append([text, label])
        book.save(tmp_path / name)
        paths.append(str(tmp_path / name))
    out = io.StringIO()
    call_command("insights_eval", "--train", paths[0], "--test", paths[1], "--text-cols", "留言主题",
                 "--label-col", "一级标签", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"测试 {len(rows[1::2])} 条" in out.getvalue(), out.getvalue()
    assert re.fullmatch(r"macro_f1=(0\.\d{4}|1\.0000)", lines[-1]), lines[-1]


def test_the_share_that_gets_a_proposal_counts_only_what_the_form_would_propose() -> None:
    """The report's "N % get a proposal" is the form's: texts with no word the model knows are "uncertain" at any
    threshold (classifier.supported). Before the fifteenth session it counted every text at the threshold."""
    from tests.insights.synthetic import history

    rows = history(per_class=15)
    wordless = [("！！！！？？？？", rows[0][1]), ("12345678901", rows[1][1]), ("🙂🙂🙂", rows[2][1])]
    test = _labelled([*rows[:20], *wordless])
    report = evaluation.holdout([_labelled(rows[20:])], test, threshold=0.0, overlap="keep")
    assert report.n_test == 23
    assert report.coverage <= 20 / 23 + 1e-9, "the three texts without words are not proposed"
    assert report.coverage >= 16 / 23
