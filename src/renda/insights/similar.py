"""Similar cases: the past items most like a new one, with their replies, and near-duplicate flags.

Similarity is the cosine of TF-IDF vectors made of the words (text.cut) and the character bigrams of the text,
fitted on the items of the index (so words frequent in this congress's history weigh little). Character bigrams make a
resubmitted message with a few words changed, or cut into words differently, still score close to 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from renda.insights import text as textlib


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


class SimilarIndex:
    """An in-memory index of past cases. Build it from the congress's history (or load a saved one)."""

    def __init__(self, cases: Sequence[Case], *, prepared: Sequence[tuple[list[str], str]] | None = None) -> None:
        """`prepared`: the cases' (words, compact text) already made by textlib.words_and_compact (max_chars
        1500), e.g. kept from an earlier index; made here when not given."""
        self.cases = list(cases)
        docs = (list(prepared) if prepared is not None
                else [textlib.words_and_compact(c.text, max_chars=1500) for c in self.cases])
        small = len(self.cases) < 20
        self._words = TfidfVectorizer(analyzer=textlib.identity, sublinear_tf=True, min_df=1,
                                      max_df=1.0 if small else 0.5)
        self._chars = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True, min_df=1,
                                      max_df=1.0 if small else 0.5)
        self._matrix = self._stack(self._words.fit_transform([w for w, _ in docs]),
                                   self._chars.fit_transform([c for _, c in docs])) if self.cases else None

    @staticmethod
    def _stack(words: sparse.spmatrix, chars: sparse.spmatrix) -> sparse.csr_matrix:
        return normalize(sparse.hstack([normalize(words), normalize(chars)]).tocsr())

    def _vector(self, texts: Sequence[str]) -> sparse.csr_matrix:
        docs = [textlib.words_and_compact(t, max_chars=1500) for t in texts]
        return self._stack(self._words.transform([w for w, _ in docs]),
                           self._chars.transform([c for _, c in docs]))

    def query(self, text: str, *, k: int = 5, near_duplicate_threshold: float,
              exclude: set[str | int] | frozenset[str | int] = frozenset()) -> list[Match]:
        """The k most similar past cases, best first; near_duplicate when the score reaches the threshold."""
        if self._matrix is None or not text.strip():
            return []
        scores = (self._matrix @ self._vector([text]).T).toarray().ravel()
        out: list[Match] = []
        for i in np.argsort(-scores):
            if len(out) >= k or scores[i] <= 0:
                break
            case = self.cases[int(i)]
            if case.id in exclude:
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
