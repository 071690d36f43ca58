"""Group the messages of a CSV (TipDM 2020 附件3) into hot issues and list the hottest with their messages.

    python manage.py insights_hot_eval --messages 附件3_热点问题_留言_点赞反对.csv [--top 5] [--expect TEXT ...]

There are no gold groups; --expect names an issue (words that must all occur in one of the top groups' titles,
e.g. "魅力之城 油烟") and the command reports where it was found. The reference time of the heat index's recency
is the latest message unless --now is given.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from renda.insights import hot
from renda.insights.evaluation import parse_time, peak_rss_mb, read_table_rows


def read_messages(path: str) -> list[hot.Message]:
    out = []
    for row in read_table_rows(path):
        at = parse_time(row.get("留言时间", ""))
        if at is None:
            continue
        out.append(hot.Message(id=row.get("留言编号", ""), title=row.get("留言主题", ""), body=row.get("留言详情", ""),
                               author=row.get("留言用户", ""), at=at, likes=int(row.get("点赞数") or 0),
                               dislikes=int(row.get("反对数") or 0)))
    return out


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
        try:
            messages = read_messages(opts["messages"])
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        now = parse_time(opts["now"]) if opts["now"] else None
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
