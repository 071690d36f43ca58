"""Check the replies of a CSV of messages with replies (TipDM 2020 附件4) and compare with third-party labels.

    python manage.py insights_reply_eval --replies 附件4_留言_答复意见.csv \
        --labels 附件4_第三方标注_可解释性_Syucryingstar.csv \
        --labels 附件4_第三方标注_完整性可解释性100条_Rollbear-bot.csv \
        [--train 附件2_训练集_分词_一级标签.csv]

With --train, a category model is learnt from those labelled messages first, as a congress's model is learnt from
its history, and relevance weighs words as it does (TextFeatures.relatedness); without, relevance is the plain
word check a congress without a model gets. Either way the replies are also checked against another message's
question (each message gets the reply of another, in a fixed random order): relevance should fail there, and the
share it catches is reported beside the share of replies as sent that it flags.

The labels were made by contestants, not by the organiser: they are WEAK labels, and their authors' definitions
differ from ours. Agreement is reported with the majority-class baseline and Cohen's kappa so that it is not
mistaken for accuracy.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from renda.insights import reply_check
from renda.insights.classifier import NotEnoughHistory, TextFeatures, train
from renda.insights.evaluation import parse_time, peak_rss_mb, read_labelled, read_table_rows

# label column in the third-party files → our check
LABEL_COLUMNS = {"可解释性": "interpretability", "可解释性指标": "interpretability", "完整性指标": "completeness"}


def kappa(pairs: list[tuple[bool, bool]]) -> float:
    n = len(pairs)
    if not n:
        return 0.0
    observed = sum(a == b for a, b in pairs) / n
    pa, pb = sum(a for a, _ in pairs) / n, sum(b for _, b in pairs) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return (observed - expected) / (1 - expected) if expected < 1 else 0.0


def _require(path: str, rows: list[dict[str, str]], every: tuple[str, ...], some: tuple[str, ...]) -> None:
    """CommandError naming the file unless it has rows, each column of `every` and one of `some`."""
    if not rows:
        raise CommandError(f"{path}: no data rows (empty, or a header only)")
    missing = [c for c in every if c not in rows[0]]
    if missing or not any(c in rows[0] for c in some):
        wanted = [*missing, *([" or ".join(some)] if not any(c in rows[0] for c in some) else [])]
        raise CommandError(f"{path}: no column {', '.join(wanted)} (columns: {', '.join(rows[0])})")


class Command(BaseCommand):
    help = "答复检查评估：对留言答复做相关性、完整性、可解释性和及时性检查，并与第三方（弱）标注比较"
    requires_system_checks: list[str] = []  # an offline evaluation: needs no URL map or database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--replies", required=True, metavar="FILE")
        parser.add_argument("--labels", action="append", default=[], metavar="FILE",
                            help="第三方标注 CSV（留言编号 + 0/1 列），可重复")
        parser.add_argument("--deadline-days", type=int, default=30, help="答复期限（天），默认 30（一个月）")
        parser.add_argument("--examples", type=int, default=3, help="每项检查列出的未通过示例数")
        parser.add_argument("--train", action="append", default=[], metavar="FILE",
                            help="已标注的留言（CSV 或 .xlsx），可重复：先学出分类模型，相关性按其词语权重判断")
        parser.add_argument("--text-cols", default="留言主题,留言详情,分词文本", help="--train 文件的文本列")
        parser.add_argument("--label-col", default="一级标签", help="--train 文件的标签列")
        parser.add_argument("--seed", type=int, default=0, help="错配答复的随机顺序")

    def handle(self, *args: Any, **opts: Any) -> None:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            rows = read_table_rows(opts["replies"])
            label_files = [(Path(f).name, read_table_rows(f)) for f in opts["labels"]]
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        _require(opts["replies"], rows, ("留言编号", "答复意见"), ("留言主题", "留言详情"))
        for (_name, labelled), path in zip(label_files, opts["labels"], strict=True):
            _require(path, labelled, ("留言编号",), tuple(LABEL_COLUMNS))
        repeated = len(rows) - len({row["留言编号"] for row in rows})
        if repeated:
            self.stdout.write(f"注意：{repeated} 行的留言编号与前面的行相同，与标注比较时按同一编号的最后一行")
        weighing = self._weighing(opts)
        reviews = {}
        for row in rows:
            reviews[row["留言编号"]] = reply_check.review(
                question_title=row.get("留言主题", ""), question=row.get("留言详情", ""),
                reply=row.get("答复意见", ""), asked_at=parse_time(row.get("留言时间", "")),
                replied_at=parse_time(row.get("答复时间", "")), deadline_days=opts["deadline_days"],
                weighing=weighing)
        self.stdout.write(f"答复 {len(reviews)} 条，期限 {opts['deadline_days']} 天；相关性"
                          + ("按训练所得模型的词语权重判断" if weighing else "按字面词语判断（未给 --train）"))
        for code, label in (("relevance", "相关性"), ("completeness", "完整性"), ("interpretability", "可解释性"),
                            ("on_time", "及时性")):
            failed = [(k, r.get(code)) for k, r in reviews.items() if not r.get(code).ok]
            self.stdout.write(f"{label}（{code}）：未通过 {len(failed)} 条（{len(failed) / max(len(reviews), 1):.1%}）")
            for key, check in failed[:opts["examples"]]:
                self.stdout.write(f"    {key}：{check.advice}")
        self._relevance(rows, weighing, opts["seed"])
        for name, labelled in label_files:
            self._agreement(name, labelled, reviews)
        self.stdout.write(f"用时 {time.perf_counter() - started:.1f} 秒（CPU {time.process_time() - cpu:.1f} 秒），"
                          f"峰值内存（进程 RSS）{peak_rss_mb():.0f} MB")

    def _weighing(self, opts: dict[str, Any]) -> TextFeatures | None:
        if not opts["train"]:
            return None
        cols = [c.strip() for c in opts["text_cols"].replace("，", ",").split(",") if c.strip()]
        try:
            data = [read_labelled(f, text_cols=cols, label_col=opts["label_col"]) for f in opts["train"]]
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        try:
            model = train([t for d in data for t in d.texts], [lab for d in data for lab in d.labels],
                          min_history=1, min_per_class=1, with_estimate=False)
        except NotEnoughHistory as exc:
            raise CommandError(f"--train 的数据无法学习：{exc.message}") from exc
        self.stdout.write(f"分类模型：{model.n_items} 条留言，{len(model.classes)} 类，"
                          f"训练 {time.perf_counter() - started:.1f} 秒")
        return model.features

    def _relevance(self, rows: list[dict[str, str]], weighing: TextFeatures | None, seed: int) -> None:
        """Relevance of the replies as sent, and of each message with the reply of another (in a fixed random
        order): the check should pass the first and catch the second. With a model, both ways are reported."""
        if len(rows) < 2:
            return
        order = list(range(len(rows)))
        random.Random(seed).shuffle(order)
        others = [j if j != i else (i + 1) % len(rows) for i, j in enumerate(order)]
        contents = [reply_check.content_of(row.get("答复意见", "")) for row in rows]

        def failed(weigh: TextFeatures | None, replies: list[int]) -> int:
            return sum(not reply_check.check_relevance(row.get("留言主题", ""), row.get("留言详情", ""),
                                                       contents[j], weigh).ok
                       for row, j in zip(rows, replies, strict=True))

        n = len(rows)
        for name, weigh in ([("按模型的词语权重", weighing)] if weighing else []) + [("按字面词语", None)]:
            as_sent, elsewhere = failed(weigh, list(range(n))), failed(weigh, others)
            self.stdout.write(f"相关性{name}：原答复未通过 {as_sent}/{n} 条（{as_sent / n:.1%}，越低越好），"
                              f"错配答复（每条留言配另一条留言的答复）未通过 {elsewhere}/{n} 条"
                              f"（{elsewhere / n:.1%}，越高越好）")

    def _agreement(self, name: str, labelled: list[dict[str, str]], reviews: dict[str, Any]) -> None:
        self.stdout.write(f"与第三方标注比较（弱标注，非官方，定义与本检查不同）：{name}")
        columns = [c for c in (labelled[0].keys() if labelled else []) if c in LABEL_COLUMNS]
        for column in columns:
            code = LABEL_COLUMNS[column]
            pairs = [(row[column].strip() == "1", reviews[row["留言编号"]].get(code).ok) for row in labelled
                     if row["留言编号"] in reviews and row[column].strip() in {"0", "1"}]
            if not pairs:
                continue
            agree = sum(a == b for a, b in pairs) / len(pairs)
            majority = max(Counter(a for a, _ in pairs).values()) / len(pairs)
            table = Counter(pairs)
            self.stdout.write(
                f"  {column} ↔ {code}：{len(pairs)} 条，一致率 {agree:.1%}（全猜多数类 {majority:.1%}），"
                f"kappa {kappa(pairs):.3f}；标注1/检查通过 {table[(True, True)]}，标注1/未通过 {table[(True, False)]}，"
                f"标注0/通过 {table[(False, True)]}，标注0/未通过 {table[(False, False)]}")
