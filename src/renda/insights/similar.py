"""Similar cases: the past items most like a new one, with their replies, and near-duplicate flags.

Similarity is the cosine of TF-IDF vectors made of the words (text.cut) and the character bigrams of the text,
fitted on the items of the index (so words frequent in this congress's history weigh little). Character bigrams make a
resubmitted message with a few words changed, or cut into words differently, still score close to 1.

A past case is offered only when it shares a subject with the new text: a two-character piece of one of its words
("交通安全" → 交通, 通安, 安全) that is not boilerplate (BOILERPLATE: 建议, 关于, 反映…) and not part of a place the
text names (the congress's regions, and the places hot.place_spans finds, with their suffix: "幸福花园小区"). In a
township deputy's dozen past suggestions, which all name the township and all say 建议, a text about a bus route
would otherwise be "similar" to every one of them (docs/insights.md). The score and the order are the cosine's;
the rule only removes matches, and is checked on the MAX_CANDIDATES most similar cases only, so that building the
index costs nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from renda.insights import hot
from renda.insights import text as textlib

# Words that letters, opinions and suggestions use whatever they are about: sharing only these, or a place name,
# does not make two cases similar.
_BOILERPLATE = """
建议 关于 问题 反映 意见 希望 要求 请求 恳请 尽快 解决 相关 部门 有关 领导 政府 群众 百姓 老百姓 情况 进行 目前
现在 现象 存在 严重 影响 造成 导致 没有 不能 已经 一直 非常 大家 我们 你们 他们 谢谢 感谢 您好 你好 尊敬 加强 推进
做好 落实 工作 代表 提出 答复 不足 不够 困难 及时 处理 整改 方便 不便 较多 很多 太多 一些 没人 长期 多年 经常 每天
时间 地方 附近 周边 这个 那个 一个 如何 怎么 为什么 什么 能否 是否 可以 需要 应该 今年 去年 明年
"""
BOILERPLATE = frozenset(_BOILERPLATE.split())

# The most similar cases looked at for a shared subject: past them, what shares only the place is all there is.
MAX_CANDIDATES = 200

# The characters of a text (normalised) that the index reads: its words, its character bigrams and the places that do
# not count as a subject all come from them. A long letter's subject is in its beginning; the rest only costs time,
# and the assistant asks on every keystroke.
MAX_CHARS = 1500

# The level a region's name ends with: "青山镇" is also written "青山".
_LEVEL_SUFFIX = ("街道", "社区", "镇", "乡", "村", "县", "区", "市", "省")


# Below this similarity a past case shares with the text little more than the words every message uses (a 野猪
# complaint found 茶叶合作社 at 4 %, 河道污染 at 12 %): not shown as a similar case, nor offered as the suggestion a
# hot issue is most like.
SIMILAR_MIN = 0.15


@dataclass(frozen=True)
class Case:
    id: str | int
    text: str
    reply: str = ""


@dataclass(frozen=True)
class Match:
    id: str | int
    score: float  # cosine similarity, 0–1
    near_duplicate: bool
    text: str
    reply: str


def _fit(vectorizer: TfidfVectorizer, docs: Sequence[Any]) -> sparse.spmatrix:
    """The documents' TF-IDF rows (`docs`: each text once, see SimilarIndex). When max_df leaves no word (all the
    texts share every word), every word counts. Texts with no word at all (only punctuation) give no column:
    nothing is similar to them, and nothing fails."""
    try:
        return vectorizer.fit_transform(docs)
    except ValueError:  # "After pruning, no terms remain", or "empty vocabulary"
        pass
    vectorizer.set_params(max_df=1.0)
    try:
        return vectorizer.fit_transform(docs)
    except ValueError:
        return sparse.csr_matrix((len(docs), 0))


def _transform(vectorizer: TfidfVectorizer, docs: Sequence[Any]) -> sparse.spmatrix:
    if not hasattr(vectorizer, "vocabulary_"):  # fitted on documents without a word (_fit)
        return sparse.csr_matrix((len(docs), 0))
    return vectorizer.transform(docs)


class SimilarIndex:
    """An in-memory index of past cases. Build it from the congress's history (or load a saved one)."""

    def __init__(self, cases: Sequence[Case], *, prepared: Sequence[tuple[list[str], str]] | None = None,
                 places: Iterable[str] = ()) -> None:
        """`prepared`: the cases' (words, compact text) already made by textlib.words_and_compact (max_chars
        MAX_CHARS), e.g. kept from an earlier index; made here when not given. `places`: place names the congress
        knows (its regions), which do not count as a shared subject."""
        self.cases = list(cases)
        # what each case was when read, by case id, set by the builder that can tell (insights.history): lets a
        # caller given the index again without a check see that a case it shows has changed since
        self.stamps: dict[str, tuple[Any, ...]] = {}
        self._places = place_names(places)
        docs = (list(prepared) if prepared is not None
                else [textlib.words_and_compact(c.text, max_chars=MAX_CHARS) for c in self.cases])
        self._case_words = [w for w, _ in docs]
        # how common a word is, is counted over distinct texts: the same text registered many times (a joint letter
        # entered once per signer, a complaint posted again word for word) is one text. Counted per case, twenty
        # copies of one letter in a scope of a few more cases put all its words over max_df, and the copies, left
        # without a word, were found by nothing (a review of the twentieth session)
        distinct: dict[tuple[tuple[str, ...], str], int] = {}
        row_of = np.array([distinct.setdefault((tuple(w), c), len(distinct)) for w, c in docs], dtype=np.intp)
        texts = list(distinct)
        small = len(texts) < 20
        self._words = TfidfVectorizer(analyzer=textlib.identity, sublinear_tf=True, min_df=1,
                                      max_df=1.0 if small else 0.5)
        self._chars = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True, min_df=1,
                                      max_df=1.0 if small else 0.5)
        self._matrix = self._stack(_fit(self._words, [list(w) for w, _ in texts]),
                                   _fit(self._chars, [c for _, c in texts]))[row_of] if self.cases else None

    @staticmethod
    def _stack(words: sparse.spmatrix, chars: sparse.spmatrix) -> sparse.csr_matrix:
        parts = [normalize(m) for m in (words, chars) if m.shape[1]]  # a part without a word has no column (_fit)
        if not parts:
            return sparse.csr_matrix((words.shape[0], 0))
        return normalize(sparse.hstack(parts).tocsr())

    def _vector(self, docs: Sequence[tuple[list[str], str]]) -> sparse.csr_matrix:
        return self._stack(_transform(self._words, [w for w, _ in docs]),
                           _transform(self._chars, [c for _, c in docs]))

    def subject_pieces(self, text: str, words: Iterable[str]) -> set[str]:
        """What of `text` can make a past case similar: the two-character pieces of its words ("不安全" → 不安, 安全)
        that are not boilerplate and not part of a place the text names (a known region, or a place as
        hot.place_spans finds it, suffix included: "幸福花园小区", "青山镇中学"). Pieces, not whole words, so
        "孩子过马路不安全" meets "学生横穿马路…交通安全". Places are looked for in the first MAX_CHARS characters
        only, those the words come from (query): in the rest of a very long text they would only cost time, on
        every keystroke."""
        text = textlib.normalise(text)[:MAX_CHARS]
        flat = textlib.compact(text)
        named = [p for p in self._places if p in flat] + sorted(hot.place_spans(text))
        return {p for p in _pieces(words) if not any(p in place for place in named)}

    def query(self, text: str, *, k: int = 5, near_duplicate_threshold: float,
              exclude: set[str | int] | frozenset[str | int] = frozenset(), min_score: float = 0.0) -> list[Match]:
        """The k most similar past cases that share a subject with the text (subject_pieces), best first;
        near_duplicate when the score reaches the threshold; none scoring below min_score."""
        if self._matrix is None or not text.strip():
            return []
        doc = textlib.words_and_compact(text, max_chars=MAX_CHARS)
        scores = (self._matrix @ self._vector([doc]).T).toarray().ravel()
        subject = self.subject_pieces(text, doc[0])
        out: list[Match] = []
        for i in np.argsort(-scores)[:MAX_CANDIDATES]:
            if len(out) >= k or scores[i] <= 0 or scores[i] < min_score:
                break
            case = self.cases[int(i)]
            if case.id in exclude or not subject & _pieces(self._case_words[int(i)]):
                continue
            score = float(min(1.0, scores[i]))
            out.append(Match(id=case.id, score=round(score, 4), near_duplicate=score >= near_duplicate_threshold,
                             text=case.text, reply=case.reply))
        return out

    def near_duplicate_pairs(self, *, threshold: float) -> list[tuple[str | int, str | int, float]]:
        """Every pair of cases in the index at or above the threshold: (id, id, score), highest first."""
        if self._matrix is None:
            return []
        sims = (self._matrix @ self._matrix.T).tocoo()
        keep = (sims.row < sims.col) & (sims.data >= threshold)
        pairs = [(self.cases[int(a)].id, self.cases[int(b)].id, round(float(min(1.0, s)), 4))
                 for a, b, s in zip(sims.row[keep], sims.col[keep], sims.data[keep], strict=True)]
        return sorted(pairs, key=lambda p: -p[2])


def place_names(names: Iterable[str]) -> tuple[str, ...]:
    """Region names as a text may write them: "青山镇" and "青山" (the name without its level, two characters or
    more), longest first."""
    out = set()
    for name in names:
        name = textlib.compact(name)
        if not name:
            continue
        out.add(name)
        for suffix in _LEVEL_SUFFIX:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                out.add(name[: -len(suffix)])
                break
    return tuple(sorted(out, key=lambda n: (-len(n), n)))


def _pieces(words: Iterable[str]) -> set[str]:
    """The two-character pieces of the words that are not boilerplate: what two texts must share to be similar."""
    return {piece for w in words if len(w) >= 2 and w not in BOILERPLATE
            for piece in (w[k:k + 2] for k in range(len(w) - 1)) if piece not in BOILERPLATE}
