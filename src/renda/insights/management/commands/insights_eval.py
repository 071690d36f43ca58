"""Evaluate the category classifier on labelled CSV (or .xlsx) files.

    python manage.py insights_eval --train FILE [--train FILE ...] [--test FILE] [--terms FILE] \
        --text-cols 留言主题,留言详情,分词文本 --label-col 一级标签

With --test: train on the training files and score the test file. When the test file is drawn from the training
files (half or more of its messages are found there), the training rows that are the same message as a test row
are dropped first; when it is another collection of messages, training rows resembling its messages are earlier
posts of the same complaint and are kept (evaluation.overlap_policy; --keep-overlap / --drop-overlap decide).
Without: stratified 5-fold cross-validation with the same message (identical texts, and re-posts with small
changes) kept in one fold; or, with --random-holdout SIZE [--repeats K], K stratified random hold-outs of SIZE
messages (a share below 1) from the training files, the held-out messages' re-posts kept in training unless
--drop-overlap, the last line then the mean macro-F1. With --borrow-labels FILE [...] instead of --test: the raw
messages of those files (labels not needed) that are the same message as a training row are the test set, each with
that row's label, and the matching training rows are dropped (evaluation.borrowed_labels). Prints per-class
precision/recall/F1, training time, throughput, latency and peak memory; the last line is always `macro_f1=<value>`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from renda.core.settings_registry import spec
from renda.insights import evaluation
from renda.insights.classifier import NotEnoughHistory


def read_userdict(path: str) -> list[str]:
    """One word per line (a jieba-style dictionary: the word, then optional frequency and tag)."""
    words = []
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        parts = line.split()
        if parts:
            words.append(parts[0])
    return words


class Command(BaseCommand):
    help = "评估智能分类：在训练集上学习，报告测试集（或交叉验证）的各类与宏平均 F1"
    requires_system_checks: list[str] = []  # an offline evaluation: needs no URL map or database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", action="append", required=True, metavar="FILE",
                            help="训练文件（CSV 或 .xlsx），可重复")
        tests = parser.add_mutually_exclusive_group()
        tests.add_argument("--test", metavar="FILE", help="测试文件（CSV 或 .xlsx）；省略时做分层 5 折交叉验证")
        tests.add_argument("--borrow-labels", action="append", metavar="FILE",
                           help="不带标签的留言文件（CSV 或 .xlsx），可重复：其中与训练集某条是同一留言的，"
                                "借用那条的标签作测试集，训练集中的那些留言剔除")
        parser.add_argument("--text-cols", required=True, help="文本列，逗号分隔；取文件中有的列拼接")
        parser.add_argument("--label-col", required=True, help="标签列")
        parser.add_argument("--random-holdout", type=float, metavar="SIZE",
                            help="不给 --test 时：从训练集中分层随机留出这一比例（小于 1）或这么多条作测试集，"
                                 "重复 --repeats 次（如同从同一批留言中随机留出的测试集），报告各次与平均 macro-F1")
        parser.add_argument("--repeats", type=int, default=5, help="随机留出的次数（默认 5）")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--threshold", type=float, default=None,
                            help="置信度阈值（0–1），默认取设置 insights.confidence_threshold 的默认值")
        parser.add_argument("--userdict", metavar="FILE", help="可选的 jieba 用户词典（每行一个词）")
        parser.add_argument("--terms", metavar="FILE",
                            help="可选的分类细目：CSV 分类体系（首列为类别，其余各列为细目，如附件1）"
                                 "或与设置“分类细目”相同的“类别：细目、细目”逐行文本")
        overlap = parser.add_mutually_exclusive_group()
        overlap.add_argument("--keep-overlap", dest="overlap", action="store_const", const="keep",
                             help="测试集取自训练集时也不剔除训练集中的同一留言（结果会虚高，仅用于对照）")
        overlap.add_argument("--drop-overlap", dest="overlap", action="store_const", const="drop",
                             help="测试集是另一批留言时也剔除训练集中与之相同或几乎相同的留言（重复投诉）")
        parser.set_defaults(overlap="auto")

    def handle(self, *args: Any, **opts: Any) -> None:
        cols = [c.strip() for c in opts["text_cols"].replace("，", ",").split(",") if c.strip()]
        threshold = opts["threshold"]
        if threshold is None:
            threshold = spec("insights.confidence_threshold").default / 100
        if not 0 <= threshold <= 1:
            raise CommandError(f"--threshold {threshold:g}：置信度阈值应在 0 至 1 之间（如 0.6 表示 60%）")
        if opts["folds"] < 2:
            raise CommandError(f"--folds {opts['folds']}：交叉验证至少 2 折")
        if opts["repeats"] < 1:
            raise CommandError(f"--repeats {opts['repeats']}：随机留出至少 1 次")
        if opts["random_holdout"] is not None and opts["random_holdout"] <= 0:
            raise CommandError(f"--random-holdout {opts['random_holdout']:g}：应为小于 1 的比例或测试条数")
        userdict = read_userdict(opts["userdict"]) if opts["userdict"] else []
        try:
            train_sets = [evaluation.read_labelled(f, text_cols=cols, label_col=opts["label_col"])
                          for f in opts["train"]]
            test = (evaluation.read_labelled(opts["test"], text_cols=cols, label_col=opts["label_col"])
                    if opts["test"] else None)
            terms = evaluation.read_category_terms(opts["terms"]) if opts["terms"] else None
            others = [(f, evaluation.read_texts(f, text_cols=cols)) for f in opts["borrow_labels"] or ()]
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        for s in [*train_sets, *([test] if test is not None else [])]:
            if s.skipped:
                self.stdout.write(f"{Path(s.source).name}：{s.skipped} 行没有文本或标签，未计入")
        for s in train_sets:
            self.stdout.write(f"训练文件 {Path(s.source).name}：{len(s.texts)} 条")
        if userdict:
            self.stdout.write(f"用户词典 {Path(opts['userdict']).name}：{len(userdict)} 个词")
        if terms:
            self.stdout.write(f"分类细目 {Path(opts['terms']).name}：{len(terms)} 个类别，"
                              f"{sum(len(v) for v in terms.values())} 个细目")
        if others:
            test, note = evaluation.borrowed_labels(train_sets, [t for _, ts in others for t in ts],
                                                    source=", ".join(Path(f).name for f, _ in others))
            self.stdout.write(note)
            if not test.texts:
                raise CommandError("借用标签：这些文件中没有一条留言在训练集中有同一留言，无从评估")
        try:
            if test is not None:
                self.stdout.write(f"测试文件 {Path(test.source).name}：{len(test.texts)} 条")
                report = evaluation.holdout(train_sets, test, threshold=threshold, userdict=userdict,
                                            overlap=opts["overlap"], terms=terms)
            elif opts["random_holdout"] is not None:
                report = evaluation.random_holdouts(
                    train_sets, threshold=threshold, size=opts["random_holdout"], repeats=opts["repeats"],
                    seed=opts["seed"], userdict=userdict, terms=terms,
                    overlap="drop" if opts["overlap"] == "drop" else "keep")
            else:
                report = evaluation.cross_validate(train_sets, threshold=threshold, folds=opts["folds"],
                                                   seed=opts["seed"], userdict=userdict, terms=terms)
        except NotEnoughHistory as exc:  # one class, or too few rows: what the product says, with the figures
            raise CommandError(f"训练集无法学习：{exc.message}") from exc
        except ValueError as exc:  # e.g. more folds than a class has messages
            raise CommandError(str(exc)) from exc
        for line in evaluation.format_report(report):
            self.stdout.write(line)
        self.stdout.write(f"macro_f1={report.macro_f1:.4f}")
