"""A congress's category terms (分类细目): the sub-items of each category of its taxonomy, written by a clerk as
"类别：细目、细目、…", one category per line. The category classifier learns each term as a labelled example of
its category beside the labelled history, so the congress's own convention decides where a topic the history
labels inconsistently belongs ("食品安全" under 卫生计生 rather than 商贸旅游). A term listed under two categories
says nothing about either and is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

_HEAD = re.compile(r"\s*([^：:]+?)\s*[：:]\s*(.*)$")
_SPLIT = re.compile(r"[、，,；;/\s]+")


def parse(lines: Iterable[str]) -> dict[str, list[str]]:
    """{category: [term, …]} from lines "类别：细目、细目…"; ValueError naming the line when one is malformed."""
    terms: dict[str, list[str]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        match = _HEAD.match(line)
        if match is None:
            raise ValueError(f"第 {number} 行“{line.strip()[:20]}”缺少类别：请写成“类别：细目、细目”")
        category, rest = match.group(1), match.group(2)
        items = split(rest)
        if not items:
            raise ValueError(f"第 {number} 行“{category}”没有细目：请在冒号后列出细目，以顿号分隔")
        add(terms, category, items)
    return terms


def split(text: str) -> list[str]:
    """The items of a list written with 顿号, commas, semicolons, slashes, spaces or line breaks."""
    return [t for t in _SPLIT.split(text) if t]


def add(terms: dict[str, list[str]], category: str, items: Iterable[str]) -> None:
    """Add the items to the category's terms, each once, in order (empty ones skipped)."""
    known = terms.setdefault(category, [])
    known.extend(t for t in items if t and t not in known)


def validate(lines: Sequence[str]) -> None:
    parse(lines)


def unambiguous(terms: Mapping[str, Sequence[str]], categories: Iterable[str]) -> dict[str, list[str]]:
    """The terms of the given categories, without those listed under more than one of them (e.g. 其他)."""
    wanted = [c for c in dict.fromkeys(categories) if c in terms]
    owners: dict[str, set[str]] = {}
    for c in wanted:
        for t in terms[c]:
            owners.setdefault(t, set()).add(c)
    return {c: [t for t in dict.fromkeys(terms[c]) if len(owners[t]) == 1] for c in wanted}
