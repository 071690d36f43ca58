"""Text normalisation and tokenisation shared by every insight engine.

Two kinds of text reach the engines: raw text typed by a constituent or a clerk, and text that some earlier tool
already cut into space-separated words (e.g. an imported, pre-processed archive). Both must give comparable
features, so:
  * `words()` cuts raw text with jieba and takes pre-cut text at its word boundaries;
  * `compact()` is the text with spaces and punctuation removed, for character n-grams, which do not depend on
    how (or whether) the text was cut.

Words are cut by rjieba (jieba's algorithm and dictionary in Rust, the same cuts about 20 times faster; measured
identical on the 13,000 TipDM messages, docs/insights.md), without the HMM, one segmenter per process and user
dictionary. jieba's package supplies the dictionary file read for common words (common_words, for the hot-issue
place finder) and the reference the segmenter is tested against; both dictionaries ship inside their packages, so
nothing is downloaded, and jieba's cache file goes to a writable directory of ours instead of the working
directory.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import rjieba

_NON_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_SPACE_CJK = re.compile(r"[\u3400-\u9fff] +(?=[\u3400-\u9fff])")

# Function words that carry no topic. Written here (not taken from any data set) and kept short on purpose:
# TF-IDF already discounts what is frequent everywhere.
_STOP = """的 了 是 在 和 与 及 或 并 而 也 就 都 又 还 很 太 更 最 被 把 让 给 对 从 到 向 为 以 之
其 此 该 等 着 过 吗 呢 吧 啊 呀 哦 嗯 我 我们 你 你们 您 他 她 它 他们 她们 这 那 这个 那个 这些 那些
这里 那里 这样 那样 什么 怎么 怎样 如何 哪 哪里 一个 一些 一下 有 没有 没 不 能 会 要 可以 已经 因为
所以 但是 但 如果 虽然 然而 而且 以及 对于 关于 由于 非常 十分 特别 比较 进行 通过 目前 现在 时候 问题
情况 您好 你好 谢谢 尊敬 领导 请问 希望"""
STOP_WORDS = frozenset(_STOP.split())

# Words that name no subject: how often or how long (一直, 经常), how much (很多), where in general (村里, 附近),
# who in general (群众, 有关部门), what is asked (希望, 尽快解决). They stay features of the model (learnt like any
# other word), but are never shown as the words a proposal rests on, nor count as its evidence
# (classifier.explain_row, supported). A history made of few kinds of letters can make them look like a class's
# words: in the demo every wage complaint said "三个月" and "一直", and "幸福村路灯坏了三个月" was proposed for 县人社局
# at 83 % on 三个 (a reviewer's finding, seventeenth session). Written here, not learnt from any data.
_GENERIC = """一直 经常 总是 常常 时常 老是 始终 长期 多年 多次 反复 每天 天天 每次 每年 今年 去年 最近 近期 近来
马上 尽快 及时 赶紧 立即 立刻 一定 确实 真的 根本 完全 严重 很多 许多 不少 好多 大量 一点 所有 全部 整个
村里 镇上 家里 这边 那边 附近 周边 周围 本地 当地 我家 我村 我镇 我们村 本村 群众 老百姓 百姓 大家 村民
有关 相关 部门 有关部门 相关部门 领导 反映 希望 要求 请求 建议 解决 处理 帮忙 帮助 办法 想想 想想办法
能不能 是否 怎么办 时间 事情 方面 一下子 出来 起来 下去 不了 不到 不好 不能 不行 没法 无法"""
# (单位 is the employer in a wage complaint, 居民 and 政府 and 地方 begin subjects, 东西 are goods: not listed)
GENERIC_WORDS = frozenset(_GENERIC.split())
# a number with its measure word, as a word of its own: 三个, 两次, 半年, 三个月, 几户, 一个多月, 十来天, 好几个,
# 个把月 (not an age: 八十岁 is the 高龄补贴's threshold)
_COUNTED = re.compile(r"(?:(?:好|[零一二两三四五六七八九十百千万几半多])+[多来把余]?|个把)"
                      r"(?:[个次年月天日周期条件位名户家座栋台辆元块]|[多来余](?=[个次年月天日周期条件位名户家座栋台辆元块]))+")


def says_nothing(word: str) -> bool:
    """A word that names no subject (GENERIC_WORDS, or a number with its measure word): never a proposal's
    evidence."""
    return word in GENERIC_WORDS or _COUNTED.fullmatch(word) is not None

_log = logging.getLogger(__name__)
_lock = threading.Lock()


def normalise(text: str | None) -> str:
    """Full-width → half-width (NFKC), lower-case Latin letters, one space for any run of white space."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(text))).strip().lower()


def is_pretokenised(text: str) -> bool:
    """True when the text was already cut into words: Chinese characters separated by spaces throughout.

    Raw Chinese prose rarely puts a space between two Chinese characters (a title typed as "A市 某学院 强制实习" has
    two); text cut by a segmenter does so at nearly every word boundary (about one space per two characters)."""
    if " " not in text:
        return False
    gaps = len(_CJK_SPACE_CJK.findall(text))
    return gaps >= 5 and gaps >= 0.2 * len(_CJK.findall(text))


def _cache_dir() -> str:
    """jieba writes a cache of its prefix dictionary; put it in our data directory when we can write there."""
    try:
        from django.conf import settings

        path = Path(settings.DATA_DIR) / "cache" / "jieba"
        path.mkdir(parents=True, exist_ok=True)
        if os.access(path, os.W_OK):
            return str(path)
    except Exception:  # noqa: S110  (no Django settings, read-only data dir: fall back to the temp dir)
        pass
    return tempfile.gettempdir()


@lru_cache(maxsize=8)
def _segmenter(userdict: tuple[str, ...] = ()) -> rjieba.Jieba:
    """One segmenter per user dictionary (a tuple of words, e.g. the congress's place names); a word added
    without a frequency gets the one that keeps it whole, as in jieba."""
    with _lock:
        seg = rjieba.Jieba()
        for word in userdict:
            seg.add_word(word, None, None)
    return seg


def for_cutting(norm: str) -> str:
    """Normalised text as the engines cut it: punctuation as spaces, every number as 0."""
    return _DIGITS.sub("0", _NON_WORD.sub(" ", norm))


def cut(text: str, userdict: tuple[str, ...] = ()) -> list[str]:
    """jieba's cut of the text without the HMM (unknown words stay in pieces: 40% faster in jieba, and the
    classifier's character n-grams cover unknown names anyway)."""
    return _segmenter(userdict).cut(text, hmm=False)


def jieba_tokenizer(userdict: tuple[str, ...] = ()) -> Any:
    """A new jieba tokenizer (Python) with the user dictionary's words: the reference the segmenter is tested
    against."""
    import jieba

    with _lock:
        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.tmp_dir = _cache_dir()
        tok.initialize()
        for word in userdict:
            tok.add_word(word, freq=None)
    return tok


@lru_cache(maxsize=4)
def common_words(min_freq: int) -> frozenset[str]:
    """The words of jieba's dictionary with a frequency of at least `min_freq` (the last line of a word wins, as in
    jieba). Read from the dictionary file instead of a jieba tokenizer: the tokenizer's table of every word and
    prefix held about 50 MB per process; the 36,000 words with frequency ≥ 100 take a few."""
    from importlib.resources import files

    freq: dict[str, int] = {}
    with (files("jieba") / "dict.txt").open(encoding="utf-8") as f:
        for line in f:
            parts = line.split(" ", 2)
            if len(parts) >= 2 and parts[1].strip().isdigit():
                freq[parts[0]] = int(parts[1])
    return frozenset(w for w, n in freq.items() if n >= min_freq)


def warm_up(userdict: Iterable[str] = ()) -> None:
    """Load the segmenter's dictionary now instead of on the first suggestion."""
    _segmenter(tuple(userdict))


def words(text: str, *, userdict: tuple[str, ...] = (), max_chars: int | None = None) -> list[str]:
    """Content words of the text: pre-cut text is split at its spaces, raw text is cut by jieba.

    Numbers become 0 (a date or a house number says nothing about the topic); see cut() for the segmentation."""
    return _words(normalise(text)[:max_chars], userdict)


def compact(text: str, *, max_chars: int | None = None) -> str:
    """The text without spaces or punctuation and with every number as 0: input for character n-grams."""
    return _compact(normalise(text))[:max_chars]


def words_and_compact(text: str, *, userdict: tuple[str, ...] = (), max_chars: int | None = None,
                      max_word_chars: int | None = None) -> tuple[list[str], str]:
    """words() and compact() of one text, normalising it once; words of the first max_word_chars only."""
    norm = normalise(text)
    limit = max_chars if max_word_chars is None else max_word_chars
    return _words(norm[:limit], userdict), _compact(norm)[:max_chars]


def bare(text: str) -> str:
    """The text without spaces or punctuation, its numbers kept (compact() makes them 0): what tells one message
    from another when the same words were sent again."""
    return _NON_WORD.sub("", normalise(text))


def joined(norm: str) -> str:
    """Pre-cut text put back together ("市 西湖 建筑" → "市西湖建筑"); raw text is left as it is."""
    return _CJK_SPACE_CJK.sub(lambda m: m.group(0)[0], norm) if is_pretokenised(norm) else norm


def classifier_words(text: str, *, userdict: tuple[str, ...] = (), max_chars: int | None = None
                     ) -> tuple[list[str], str]:
    """The classifier's input, made the same way whether the text arrives raw or already cut by another tool:
    pre-cut text is joined back and cut again by our segmenter, so training on an imported pre-cut archive and
    classifying what a clerk types give the same words. The character n-grams are taken from the words kept
    (stop words and punctuation gone), so they do not depend on how the text was cut either."""
    norm = joined(normalise(text))[:max_chars]
    kept = [w for w in cut(for_cutting(norm), userdict)
            if w.strip() and w not in STOP_WORDS]
    return kept, "".join(kept)


def _words(norm: str, userdict: tuple[str, ...]) -> list[str]:
    if is_pretokenised(norm):
        pieces = [_DIGITS.sub("0", _NON_WORD.sub("", p)) for p in norm.split(" ")]
    else:
        pieces = cut(for_cutting(norm), userdict)
    return [p for p in pieces if p and p != " " and p not in STOP_WORDS]


def _compact(norm: str) -> str:
    return _DIGITS.sub("0", _NON_WORD.sub("", norm))


def join_fields(row: dict[str, Any], columns: Iterable[str]) -> str:
    """A record's text: the named columns it has, in order, joined by a space (missing or empty ones skipped)."""
    return " ".join(str(row[c]).strip() for c in columns if c in row and row[c] is not None and str(row[c]).strip())


def identity(doc: Any) -> Any:
    """An analyzer for vectorizers fed with lists of words already cut (module level, so models pickle)."""
    return doc
