"""Group the messages of a CSV (TipDM 2020 附件3) into hot issues and list the hottest with their messages.

    python manage.py insights_hot_eval --messages 附件3_热点问题_留言_点赞反对.csv [--top 5] [--expect TEXT ...]

There are no gold groups; --expect names an issue (words that must all occur in one of the top groups' titles,
e.g. "魅力之城 油烟") and the command reports where it was found. The reference time of the heat index's recency
is the latest message unless --now is given.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from renda.insights import hot, tables
from renda.insights.evaluation import parse_time, peak_rss_mb


def read_messages(path: str) -> tuple[list[hot.Message], list[int]]:
    """The messages of the file, and the lines (as Excel numbers them) of the rows left out for a 留言时间 that is
    missing or not a time. A count that is not a whole number is a CommandError naming its line and column."""
    rows = tables.numbered_rows(Path(path).read_bytes())
    if not rows:
        raise CommandError(f"{path}: no data rows (empty, or a header only)")
    missing = [c for c in ("留言时间",) if c not in rows[0][1]]
    if missing or not {"留言主题", "留言详情"} & set(rows[0][1]):
        raise CommandError(f"{path}: needs the columns 留言时间 and 留言主题 or 留言详情 "
                           f"(columns: {', '.join(rows[0][1])})")
    out, undated = [], []
    for line, row in rows:
        at = parse_time(row.get("留言时间", ""))
        if at is None:
            undated.append(line)
            continue
        out.append(hot.Message(id=row.get("留言编号", ""), title=row.get("留言主题", ""), body=row.get("留言详情", ""),
                               author=row.get("留言用户", ""), at=at, likes=_count(row, "点赞数", line, path),
                               dislikes=_count(row, "反对数", line, path)))
    return out, undated


def _count(row: dict[str, str], column: str, line: int, path: str) -> int:
    raw = (row.get(column) or "").strip()
    try:
        value = float(raw.replace(",", "")) if raw else 0.0  # 1,234: a thousands separator
    except ValueError:
        value = -1.0
    if value < 0 or not value.is_integer():
        raise CommandError(f"{path}: line {line}, {column} “{raw}” is not a whole number of 0 or more")
    return int(value)


def rank_of(issues: list[hot.HotIssue], expect: str) -> int | None:
    """1-based rank of the first issue whose messages' titles contain all words of `expect` in one title."""
    words = expect.split()
    for rank, issue in enumerate(issues, 1):
        if any(all(w in m.title for w in words) for m in issue.messages):
            return rank
    return None


class Command(BaseCommand):
    help = "热点问题评估：将留言归并为热点问题，按热度排序，列出前 N 个及其留言"
    requires_system_checks: list[str] = []  # an offline evaluation: needs no URL map or database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--messages", required=True, metavar="FILE")
        parser.add_argument("--top", type=int, default=5)
        parser.add_argument("--expect", action="append", default=[], metavar="WORDS",
                            help="应出现在前 N 名中的问题（空格分隔的词须同时出现在某条留言标题中），可重复")
        parser.add_argument("--now", help="热度的参照时间（YYYY-MM-DD），默认取最新一条留言的时间")
        parser.add_argument("--window-days", type=float, default=hot.Params.window_days)
        parser.add_argument("--half-life-days", type=float, default=hot.Params.half_life_days)
        parser.add_argument("--show", type=int, default=8, help="每个热点列出的留言条数")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["top"] < 1 or opts["show"] < 0:
            raise CommandError("--top 至少为 1，--show 不能为负数")
        now = parse_time(opts["now"]) if opts["now"] else None
        if opts["now"] and now is None:
            raise CommandError(f"--now {opts['now']}：不是日期（应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM）")
        try:
            messages, undated = read_messages(opts["messages"])
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        if undated:
            shown = "、".join(str(line) for line in undated[:10]) + ("……" if len(undated) > 10 else "")
            self.stdout.write(f"注意：{len(undated)} 行的留言时间为空或无法识别，未计入（第 {shown} 行）")
        params = hot.Params(window_days=opts["window_days"], half_life_days=opts["half_life_days"])
        started = time.perf_counter()
        issues = hot.hot_issues(messages, now=now, p=params)
        seconds = time.perf_counter() - started
        self.stdout.write(f"留言 {len(messages)} 条 → 热点问题 {len(issues)} 个（至少 {params.min_people} 人反映），"
                          f"用时 {seconds:.1f} 秒，峰值内存（进程 RSS）{peak_rss_mb():.0f} MB")
        self.stdout.write("热度 = (人数 + 0.1×重复留言数 + ln(1+点赞净数)) × 2^(−距今天数/半衰期)，见 docs/insights.md")
        for position, issue in enumerate(issues[:opts["top"]], 1):
            self.stdout.write(
                f"{position}. 热度 {issue.heat:.2f}｜{issue.people} 人 {len(issue.messages)} 条，"
                f"点赞净数 {issue.support}｜"
                f"{issue.first_at:%Y-%m-%d} 至 {issue.last_at:%Y-%m-%d}｜地点 {'、'.join(issue.places) or '—'}｜"
                f"{issue.title}")
            for m in issue.messages[:opts["show"]]:
                self.stdout.write(f"      {m.id} {m.at:%Y-%m-%d} {m.author} 赞{m.likes}/踩{m.dislikes} {m.title}")
            if len(issue.messages) > opts["show"]:
                self.stdout.write(f"      …… 另有 {len(issue.messages) - opts['show']} 条")
        for expect in opts["expect"]:
            rank = rank_of(issues, expect)
            where = f"第 {rank} 名" if rank else "未找到"
            inside = rank is not None and rank <= opts["top"]
            verdict = f"{'在' if inside else '不在'}前 {opts['top']} 名内"
            self.stdout.write(f"期望的热点“{expect}”：{where}，{verdict}")
