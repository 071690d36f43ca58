"""The evaluation commands on files as people hand them over (a review's findings, the twenty-first session): labels
written with a space, a zero-width space or full-width letters, empty and header-only files, a training file of one
class, arguments out of range, a first row short of its last field, replies without their ids, times in ISO form and
counts written as decimals. Each is read as meant, or refused with one line naming the file, the row or the
argument; none ends in a traceback."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

HEADER = ["留言主题", "留言详情", "一级标签"]
TOPICS = {
    "交通运输": ("公交班次太少", "村里到镇上的公交车一天只有两班，老人出行不便，希望增加班次。"),
    "教育文体": ("学校食堂卫生差", "孩子在学校食堂吃饭多次拉肚子，希望教育部门检查学校食堂。"),
    "环境保护": ("烧烤摊油烟扰民", "小区门口烧烤摊每晚油烟弥漫，居民无法开窗，请环保部门处理。"),
    "劳动和社会保障": ("养老金未到账", "退休老人的养老金三个月没有到账，请社保部门核查发放。"),
}


def rows(per_class: int, *, label=lambda c: c) -> list[list[str]]:
    return [[f"{title}{i}", f"{body}第{i}次反映。", label(c)] for c, (title, body) in TOPICS.items()
            for i in range(per_class)]


def write(path: Path, body: list[list[str]], header: list[str] = HEADER) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([header, *body])
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


COLS = ("--text-cols", "留言主题,留言详情", "--label-col", "一级标签")
KEEP = "--keep-overlap"  # the test rows below are copies of training rows, which the leak guard would drop


def test_a_label_written_with_a_space_an_invisible_character_or_full_width_letters_is_the_same_label(tmp_path):
    train = write(tmp_path / "train.csv", rows(12))
    odd = {"交通运输": "交通 运输", "教育文体": "教育文体\u200b", "环境保护": "\u3000环境保护",
           "劳动和社会保障": "劳动和社会保障"}
    test = write(tmp_path / "test.csv", rows(3, label=lambda c: odd[c]))
    out = run("insights_eval", "--train", train, "--test", test, KEEP, *COLS)
    assert "没有的类别" not in out and out.strip().splitlines()[-1] == "macro_f1=1.0000"
    wide = write(tmp_path / "wide.csv", rows(12, label=lambda c: "Ａ类" if c == "交通运输" else c))
    narrow = write(tmp_path / "narrow.csv", rows(3, label=lambda c: "A类" if c == "交通运输" else c))
    assert run("insights_eval", "--train", wide, "--test", narrow, KEEP, *COLS).strip().endswith("macro_f1=1.0000")


def test_the_terms_of_a_category_written_with_full_width_brackets_are_learnt_for_it(tmp_path):
    label = "交通运输（含公交）"  # NFKC reads the brackets half-width, in the labels and in the terms alike
    train = write(tmp_path / "train.csv", rows(12, label=lambda c: label if c == "交通运输" else c))
    test = write(tmp_path / "test.csv", rows(3, label=lambda c: label if c == "交通运输" else c))
    terms = tmp_path / "terms.csv"
    terms.write_text(f"一级分类,二级分类,三级分类\n{label},公共交通,公交站点\n{label},道路,路灯\n", encoding="utf-8")
    out = run("insights_eval", "--train", train, "--test", test, "--terms", str(terms), KEEP, *COLS)
    assert "4 个细目" in out, out


def test_an_empty_or_header_only_file_or_one_without_a_labelled_row_is_one_clear_error(tmp_path):
    train = write(tmp_path / "train.csv", rows(12))
    (tmp_path / "empty.csv").write_bytes(b"")
    header_only = write(tmp_path / "header.csv", [])
    unlabelled = write(tmp_path / "unlabelled.csv", [[t, b, ""] for t, b, _ in rows(2)])
    for path, message in ((str(tmp_path / "empty.csv"), "no data rows"), (header_only, "no data rows"),
                          (unlabelled, "has both a text and a label")):
        with pytest.raises(CommandError, match=message):
            run("insights_eval", "--train", train, "--test", path, *COLS)
        with pytest.raises(CommandError, match=message):
            run("insights_eval", "--train", path, *COLS)


def test_a_training_file_of_one_class_and_arguments_out_of_range_are_refused(tmp_path):
    one = write(tmp_path / "one.csv", [r for r in rows(15) if r[2] == "交通运输"])
    train = write(tmp_path / "train.csv", rows(12))
    with pytest.raises(CommandError, match="训练集无法学习"):
        run("insights_eval", "--train", one, "--test", train, *COLS)
    with pytest.raises(CommandError, match="训练集无法学习"):
        run("insights_eval", "--train", one, *COLS)
    for args, message in ((("--folds", "1"), "至少 2 折"), (("--threshold", "60"), "0 至 1 之间"),
                          (("--random-holdout", "0.2", "--repeats", "0"), "至少 1 次"),
                          (("--random-holdout", "0"), "--random-holdout 0")):
        with pytest.raises(CommandError, match=message):
            run("insights_eval", "--train", train, *args, *COLS)


def test_a_first_row_short_of_its_label_field_and_the_rows_left_out_are_reported(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("留言主题,留言详情,一级标签\n关于公交,公交站点太远\n"
                    + "\n".join(",".join(r) for r in rows(12)) + "\n", encoding="utf-8")
    test = write(tmp_path / "test.csv", [*rows(3), ["", "", "交通运输"], ["路灯坏了", "路灯坏了", ""]])
    out = run("insights_eval", "--train", str(path), "--test", test, KEEP, *COLS)
    assert "short.csv：1 行没有文本或标签，未计入" in out and "test.csv：2 行没有文本或标签，未计入" in out
    assert out.strip().endswith("macro_f1=1.0000")


def test_a_class_too_small_to_learn_is_named_as_such(tmp_path):
    train = write(tmp_path / "train.csv", rows(12) + [["菜价上涨", "菜市场菜价上涨太快。", "商贸旅游"]] * 2)
    test = write(tmp_path / "test.csv", [*rows(3), ["菜价上涨", "菜市场菜价上涨太快。", "商贸旅游"]])
    out = run("insights_eval", "--train", train, "--test", test, KEEP, *COLS)
    assert "训练集中条目太少、未学习的类别：商贸旅游（2 条）" in out and "没有的类别" not in out


def test_the_reply_command_names_a_missing_id_column_and_reports_its_time_and_memory(tmp_path):
    header = ["留言编号", "留言主题", "留言详情", "答复意见", "留言时间", "答复时间"]
    body = [["1", "路灯坏了", "村口路灯坏了三个月。", "经查，路灯已于5月3日修复。", "2019-05-01 10:00:00",
             "2019-05-05 10:00:00"],
            ["1", "公交太少", "公交班次太少。", "已协调公交公司增加班次。", "2019-05-01", "2019-05-20"]]
    replies = write(tmp_path / "replies.csv", body, header)
    no_id = write(tmp_path / "no_id.csv", [r[1:] for r in body], header[1:])
    labels = write(tmp_path / "labels.csv", [["1", "1"]], ["编号", "可解释性"])
    with pytest.raises(CommandError, match="no column 留言编号"):
        run("insights_reply_eval", "--replies", no_id)
    with pytest.raises(CommandError, match=r"labels\.csv: no column 留言编号"):
        run("insights_reply_eval", "--replies", replies, "--labels", labels)
    out = run("insights_reply_eval", "--replies", replies)
    assert "1 行的留言编号与前面的行相同" in out
    assert out.strip().splitlines()[-1].startswith("用时 ") and "峰值内存" in out
    train = write(tmp_path / "train.csv", rows(12))
    assert "分类模型：48 条留言" in run("insights_reply_eval", "--replies", replies, "--train", train,
                                       "--text-cols", "留言主题，留言详情")  # a full-width comma, as insights_eval


def test_the_hot_command_reads_iso_times_and_decimal_counts_and_refuses_what_it_cannot_read(tmp_path):
    header = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "反对数", "点赞数"]
    body = [[str(i), f"用户{i}", "A市经济学院强制实习", f"2019-11-1{i}T10:00:00", "学校强制学生去工厂实习。", "0",
             "1,234" if i == 3 else "1.0"] for i in range(4)]
    good = write(tmp_path / "hot.csv", [*body, ["9", "用户9", "路灯坏了", "昨天", "路灯坏了", "0", "0"]], header)
    out = run("insights_hot_eval", "--messages", good, "--expect", "经济学院 实习")
    assert "留言 4 条" in out and "1 行的留言时间为空或无法识别，未计入（第 6 行）" in out
    assert "第 1 名" in out
    half = write(tmp_path / "half.csv", [[*r[:6], "1.5"] for r in body], header)
    with pytest.raises(CommandError, match=r"line 2, 点赞数 “1\.5” is not a whole number"):
        run("insights_hot_eval", "--messages", half)
    for args, message in ((("--now", "2019-13-45"), "不是日期"), (("--top", "-1"), "--top 至少为 1")):
        with pytest.raises(CommandError, match=message):
            run("insights_hot_eval", "--messages", good, *args)
    no_time = write(tmp_path / "no_time.csv", [r[:3] + r[4:] for r in body], header[:3] + header[4:])
    with pytest.raises(CommandError, match="needs the columns 留言时间"):
        run("insights_hot_eval", "--messages", no_time)
