"""Category and handling-unit suggestions: a linear text classifier learnt from a congress's own labelled history.

Features are TF-IDF words (jieba's cut, see text.classifier_words: raw and pre-cut text are prepared the same way) plus
TF-IDF character 1–2-grams of the words kept, which keep working when a word is cut differently, plus the words and
character bigrams of the head of the text once more as features of their own: the subject line comes first and
names the topic better than the letter's body. The model is a linear SVM on naive-Bayes-weighted features
(nbsvm.NBLinearSVC) whose scores are turned into probabilities by sigmoid calibration on 3-fold cross-validation
(CalibratedClassifierCV, one final SVM fitted on everything; identical texts in one fold since the tenth session),
so a "confidence" means what it says: of the suggestions made with confidence ≈ p, about p are right. The words
shown with a suggestion are the features of the text that pushed the SVM's score of that label up most.

Each model carries an estimate of how it does on the congress's own history (Estimate): the out-of-fold answers
of a 3-fold cross-validation of the same SVM, identical texts kept in one fold, made while training, with the
confidence its calibration gives them; the status page (智能辅助) shows it, and how many items get a proposal at the
congress's confidence threshold and how many of those are right.

Nothing is downloaded and no GPU is used; a model is a joblib file of a few megabytes per thousand messages.
"""

from __future__ import annotations

import functools
import itertools
import multiprocessing as mp
import time
import warnings
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from renda.core.errors import DomainError
from renda.core.files import write_whole
from renda.insights import terms as termslib
from renda.insights import text as textlib
from renda.insights.nbsvm import NBLinearSVC

SHOWN_MIN_TEXTS = 2  # a word shown with a proposal, or carrying it, occurs in this many distinct history texts
MODEL_FORMAT = 3  # 2: pre-cut text is joined and cut again (text.classifier_words); 3: head features, NBSVM
HEAD_PREFIX = "T:"  # marks a word feature of the head of the text
CALIBRATION_FOLDS = 3  # also the estimate's folds (folds())
CONFUSED_SHOWN = 5  # the estimate's most frequent mistakes kept
# A proposal must rest on the text's words, not on what the model answers to a text it knows nothing of (its
# "prior": a small history's model can answer 57 % for one class to "！！！"). Of the way from that answer's
# probability to certainty, the text's words must cover at least this share for a proposal to be confident.
EVIDENCE_MIN = 0.5


class NotEnoughHistory(DomainError):
    """Too few labelled items to learn from: the congress gets no suggestion rather than a bad one."""

    code = "insights_not_enough_history"
    status = 409
    default_message = "已标注的历史数据不足，暂不提供智能建议"


@dataclass(frozen=True)
class Estimate:
    """How the model answers the congress's own labelled items it has not seen: the out-of-fold scores of the
    calibration's cross-validation (folds(): stratified, identical texts in one fold) turned into probabilities by
    the calibration fitted on them, so an item's answer and confidence are what the form would have shown (the
    vocabulary is the whole history's). Terms are learnt, never scored."""

    items: int
    accuracy: float
    macro_f1: float
    f1: dict[str, float]  # per class
    support: dict[str, int]  # items per class
    # for each confidence threshold 0–100 %: the share of items that get a proposal, and the share of those right
    # (None when none does)
    confident: tuple[tuple[int, float, float | None], ...] = ()
    # the most frequent mistakes: (the clerks' label, the model's answer, items), most first
    confused: tuple[tuple[str, str, int], ...] = ()

    def at(self, threshold: int) -> tuple[float, float | None] | None:
        """(share proposed, share of those right) at a confidence threshold in %."""
        return next(((shown, right) for t, shown, right in self.confident if t == threshold), None)


def _probabilities(calibrated: CalibratedClassifierCV, decisions: np.ndarray) -> np.ndarray:
    """The calibrated model's probabilities for SVM scores `decisions` (sigmoid per class, then normalised, as
    CalibratedClassifierCV does)."""
    calibrators = calibrated.calibrated_classifiers_[0].calibrators
    scores = decisions.reshape(-1, 1) if decisions.ndim == 1 else decisions
    n_classes = len(calibrated.classes_)
    proba = np.zeros((scores.shape[0], n_classes))
    if n_classes == 2:
        proba[:, 1] = calibrators[0].predict(scores[:, 0])
        proba[:, 0] = 1.0 - proba[:, 1]
        return proba
    for k, calibrator in enumerate(calibrators):
        proba[:, k] = calibrator.predict(scores[:, k])
    total = proba.sum(axis=1, keepdims=True)
    return np.divide(proba, total, out=np.full_like(proba, 1 / n_classes), where=total != 0)


def folds(y: np.ndarray, texts: Sequence[str], seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """The CALIBRATION_FOLDS stratified folds of the calibration and the estimate, identical texts in one fold, so
    that neither scores a text its own copy was learnt from; plain stratified folds when a class has fewer distinct
    texts than folds."""
    ids: dict[str, int] = {}
    groups = np.array([ids.setdefault(textlib.compact(t), len(ids)) for t in texts])
    distinct = Counter(label for label, _ in set(zip(y.tolist(), groups.tolist(), strict=True)))
    if min(distinct.values()) >= CALIBRATION_FOLDS:
        return list(StratifiedGroupKFold(CALIBRATION_FOLDS, shuffle=True, random_state=seed).split(y, y, groups))
    return list(StratifiedKFold(CALIBRATION_FOLDS, shuffle=True, random_state=seed).split(y, y))


def estimate(x: sparse.csr_matrix, y: np.ndarray, *, n_history: int, cv: list[tuple[np.ndarray, np.ndarray]],
             c: float, calibrated: CalibratedClassifierCV | None = None,
             features: tuple[TextFeatures, Sequence[Sequence[str]]] | None = None,
             seen_in: np.ndarray | None = None) -> Estimate | None:
    """The Estimate for features `x` with labels `y`, whose first `n_history` rows are the history and the rest
    learnt terms, on the folds `cv` — the calibration's (folds()), so that the out-of-fold scores are those the
    trained model's calibration (`calibrated`, for the confidence; without it the SVM's answers only) was fitted
    on. With `features` (those of `x`, and each row's words as they cut it), an item counts as proposed only as the
    form would propose it: at the threshold and resting on its words (`supported`, judged by its fold's model).
    None when a class has fewer items than folds."""
    counts = Counter(y[:n_history].tolist())
    if len(counts) < 2 or min(counts.values()) < CALIBRATION_FOLDS:
        return None
    classes = np.array(sorted(set(y.tolist())))
    binary = len(classes) == 2
    decisions = np.zeros(n_history) if binary else np.full((n_history, len(classes)), np.finfo(float).min)
    evidence = np.ones(n_history, dtype=bool)
    for train_idx, test_idx in cv:
        rows = test_idx[test_idx < n_history]
        if not len(rows):
            continue
        with warnings.catch_warnings():  # a class spread unevenly over the folds is fine here
            warnings.simplefilter("ignore", UserWarning)
            svm = NBLinearSVC(C=c).fit(x[train_idx], y[train_idx])
        scores = svm.decision_function(x[rows])
        if binary:
            decisions[rows] = scores
        else:  # a class missing from a fold's training part keeps the lowest score, as cross_val_predict does
            decisions[np.ix_(rows, np.searchsorted(classes, svm.classes_))] = scores
        if calibrated is not None and features is not None:
            evidence[rows] = _supported_rows(svm, features[0], calibrated, classes, x[rows], decisions[rows],
                                             [features[1][r] for r in rows], seen_in)
    truth = y[:n_history]
    confident: tuple[tuple[int, float, float | None], ...] = ()
    if calibrated is not None:
        proba = _probabilities(calibrated, decisions)
        answer, best = classes[proba.argmax(axis=1)], proba.max(axis=1)
        right = answer == truth
        confident = tuple((t, round(float(np.mean(shown := (best >= t / 100) & evidence)), 4),
                           round(float(right[shown].mean()), 4) if shown.any() else None) for t in range(101))
    else:
        answer = classes[decisions.argmax(axis=1)] if decisions.ndim == 2 else classes[(decisions > 0).astype(int)]
    labels = sorted(counts)
    per_class = f1_score(truth, answer, labels=labels, average=None, zero_division=0.0)
    mistakes = Counter((str(t), str(a)) for t, a in zip(truth.tolist(), answer.tolist(), strict=True) if t != a)
    return Estimate(items=n_history, accuracy=round(float(accuracy_score(truth, answer)), 4),
                    macro_f1=round(float(np.mean(per_class)), 4),
                    f1={label: round(float(v), 4) for label, v in zip(labels, per_class, strict=True)},
                    support={label: counts[label] for label in labels}, confident=confident,
                    confused=tuple((t, a, n) for (t, a), n in mistakes.most_common(CONFUSED_SHOWN)))


def _supported_rows(svm: NBLinearSVC, features: TextFeatures, calibrated: CalibratedClassifierCV,
                    classes: np.ndarray, x: sparse.csr_matrix, decisions: np.ndarray,
                    words: Sequence[Sequence[str]], seen_in: np.ndarray | None = None) -> np.ndarray:
    """For each row of `x` scored `decisions` by a fold's `svm`: whether its best answer rests on its words
    (`supported`) as the form judges it, with that fold's model's answer to a text of no known word as the prior."""
    proba = _probabilities(calibrated, decisions)
    empty = svm.decision_function(sparse.csr_matrix((1, x.shape[1])))
    if len(classes) == 2:
        prior = _probabilities(calibrated, np.atleast_1d(empty))[0]
    else:  # as in estimate(): a class the fold's model does not know gets the lowest score
        full = np.full((1, len(classes)), np.finfo(float).min)
        full[0, np.searchsorted(classes, svm.classes_)] = empty
        prior = _probabilities(calibrated, full)[0]
    position = {str(label): k for k, label in enumerate(svm.classes_)}
    out = np.zeros(x.shape[0], dtype=bool)
    for row in range(x.shape[0]):
        best = int(proba[row].argmax())
        k = position.get(str(classes[best]))
        if k is not None:
            has_terms = bool(explain_row(svm, features, x[row], k, 1, words[row], seen_in=seen_in))
            out[row] = supported(float(proba[row, best]), float(prior[best]), has_terms)
    return out


@dataclass(frozen=True)
class Suggestion:
    label: str | None  # None when the model is not confident enough: "uncertain", the clerk decides
    confidence: float  # calibrated probability of the best label
    best: str  # the best label even when uncertain (shown as a hint only)
    alternatives: tuple[tuple[str, float], ...]  # the top labels with their probabilities, best first
    terms: tuple[str, ...] = ()  # the words of the text that drove the best label

    @property
    def uncertain(self) -> bool:
        return self.label is None


def supported(confidence: float, prior: float, has_terms: bool) -> bool:
    """Whether a proposal rests on the text's words: some word of the text says "this class", and the words cover
    at least EVIDENCE_MIN of the way from the model's answer to a text it knows nothing of to certainty."""
    if not has_terms:
        return False
    return prior >= 1.0 or (confidence - prior) / (1.0 - prior) >= EVIDENCE_MIN


def _word_ngrams(tokens: list[str], n: int = 2, head: int = 0) -> list[str]:
    grams = list(tokens)
    if n >= 2:
        grams += [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
    if head:
        grams += [HEAD_PREFIX + w for w in tokens[:head]]
    return grams


@dataclass
class TextFeatures:
    """Raw or pre-cut text → one sparse TF-IDF row of word n-grams and character n-grams."""

    # Chosen by 5-fold CV on TipDM 2020 (docs/insights.md): word bigrams and character trigrams add nothing
    # measurable (macro-F1 0.925–0.926 for all four combinations) and cost half the speed; the head features
    # (16 words, 30 characters: about a subject line) add 0.004–0.007.
    word_n: int = 1
    char_ngrams: tuple[int, int] = (1, 2)
    head_words: int = 16
    head_chars: int = 30
    min_df: int = 2
    max_df: float = 0.5
    userdict: tuple[str, ...] = ()
    max_chars: int | None = 800  # a long letter's topic is in its first paragraphs; the rest only costs time
    words_: TfidfVectorizer | None = None
    chars_: TfidfVectorizer | None = None
    heads_: TfidfVectorizer | None = None
    _names: np.ndarray | None = field(default=None, repr=False)

    def _prepare(self, texts: Sequence[str]) -> tuple[list[list[str]], list[str]]:
        pairs = [textlib.classifier_words(t, userdict=self.userdict, max_chars=self.max_chars) for t in texts]
        return [w for w, _ in pairs], [c for _, c in pairs]

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self.fit_transform_words(texts)[0]

    def fit_transform_words(self, texts: Sequence[str]) -> tuple[sparse.csr_matrix, list[list[str]]]:
        """fit_transform, and each text's words as cut for it (as transform_words)."""
        words, chars = self._prepare(texts)
        # min_df must not exceed the number of documents, or a tiny history would have no features at all
        min_df = self.min_df if len(texts) >= 20 * self.min_df else 1
        max_df = self.max_df if len(texts) >= 20 else 1.0
        self.words_ = TfidfVectorizer(analyzer=functools.partial(_word_ngrams, n=self.word_n, head=self.head_words),
                                      sublinear_tf=True, min_df=min_df, max_df=max_df)
        self.chars_ = TfidfVectorizer(analyzer="char", ngram_range=self.char_ngrams, sublinear_tf=True,
                                      min_df=min_df, max_df=max_df)
        # no max_df for the head, as measured in CV (docs/insights.md): its 30 characters hold few common bigrams
        self.heads_ = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True, min_df=min_df)
        x = sparse.hstack([self.words_.fit_transform(words), self.chars_.fit_transform(chars),
                           self.heads_.fit_transform(self._heads(chars))]).tocsr()
        for vec in (self.words_, self.chars_, self.heads_):  # the pruned terms: only for introspection, and large
            if hasattr(vec, "stop_words_"):
                delattr(vec, "stop_words_")
        self._names = None
        return x, words

    def transform(self, texts: Sequence[str], *, processes: int = 1) -> sparse.csr_matrix:
        """Feature rows of the texts; with processes > 1 a large batch is cut by forked worker processes (the
        vectorizers' counting holds Python's interpreter lock, so threads would not help). For batch jobs and
        evaluation, not for a web request."""
        assert self.words_ is not None and self.chars_ is not None, "fit first"
        if processes > 1 and len(texts) >= PARALLEL_MIN_BATCH and "fork" in mp.get_all_start_methods():
            return _parallel_transform(self, list(texts), processes)
        return self.transform_words(texts)[0]

    def transform_words(self, texts: Sequence[str]) -> tuple[sparse.csr_matrix, list[list[str]]]:
        """transform, and each text's words as cut for it (stop words out): what a proposal's shown words are read
        from (explain_row), without cutting the text twice."""
        assert self.words_ is not None and self.chars_ is not None and self.heads_ is not None, "fit first"
        words, chars = self._prepare(texts)
        return sparse.hstack([self.words_.transform(words), self.chars_.transform(chars),
                              self.heads_.transform(self._heads(chars))]).tocsr(), words

    def relatedness(self, a: str, b: str) -> float:
        """How much two texts are about the same thing, 0–1, with words weighted as the history weighs them: the
        mean of the cosines of their word rows and of their character rows (TF-IDF rows are of unit length). A word
        every item of the history uses ("A市", "相关部门") counts for little. The word rows are the classifier's, with
        the first words once more; the characters of the head (heads_) are left out."""
        assert self.words_ is not None and self.chars_ is not None, "fit first"
        words, chars = self._prepare([a, b])
        cosines = [float(x[0].multiply(x[1]).sum()) for x in (self.words_.transform(words),
                                                                self.chars_.transform(chars))]
        return sum(cosines) / len(cosines)

    def knows(self, word: str) -> bool:
        """The word is one of the history's: seen often enough to be learnt, and not in most of its items."""
        assert self.words_ is not None, "fit first"
        return word in self.words_.vocabulary_

    def _heads(self, chars: list[str]) -> list[str]:
        """The opening characters of each text's kept words: its subject line, where there is one."""
        return [c[:self.head_chars] for c in chars]

    def names(self) -> np.ndarray:
        if self._names is None:
            assert self.words_ is not None and self.chars_ is not None and self.heads_ is not None
            self._names = np.concatenate([self.words_.get_feature_names_out(),
                                          self.chars_.get_feature_names_out(),
                                          self.heads_.get_feature_names_out()])
        return self._names

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_names"] = None  # rebuilt on demand
        return state


PARALLEL_MIN_BATCH = 1000
_forked_features: TextFeatures | None = None  # what a forked worker transforms (inherited, never pickled)


def _transform_in_worker(texts: list[str]) -> sparse.csr_matrix:
    assert _forked_features is not None
    return _forked_features.transform(texts)


def _parallel_transform(features: TextFeatures, texts: list[str], processes: int) -> sparse.csr_matrix:
    global _forked_features
    _forked_features = features
    size = -(-len(texts) // processes)
    try:
        with ProcessPoolExecutor(processes, mp_context=mp.get_context("fork")) as pool:
            parts = list(pool.map(_transform_in_worker, [texts[i:i + size] for i in range(0, len(texts), size)]))
    finally:
        _forked_features = None
    return sparse.vstack(parts).tocsr()


@dataclass
class TextClassifier:
    features: TextFeatures
    estimator: CalibratedClassifierCV
    counts: dict[str, int]  # labelled items per class it learnt from
    trained_at: float
    train_seconds: float
    dropped: dict[str, int] = field(default_factory=dict)  # classes left out for too few items
    format: int = MODEL_FORMAT
    learnt_terms: int = 0  # category terms learnt beside the history (terms.py)
    estimate: Estimate | None = None  # how it does on the history's items it has not seen (None: too few)
    # per feature, the distinct history texts it occurs in (_texts_per_feature); None in a model trained before
    # the twenty-first session, whose words are shown unfiltered until the next training
    texts_per_feature: np.ndarray | None = None

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.estimator.classes_]

    @property
    def n_items(self) -> int:
        return sum(self.counts.values())

    # --- prediction -------------------------------------------------------------------------------------------

    def predict_proba(self, texts: Sequence[str], *, processes: int = 1) -> np.ndarray:
        return self.estimator.predict_proba(self.features.transform(texts, processes=processes))

    def predict(self, texts: Sequence[str], *, processes: int = 1) -> list[str]:
        classes = self.estimator.classes_
        return [str(classes[i]) for i in self.predict_proba(texts, processes=processes).argmax(axis=1)]

    def suggest(self, text: str, *, threshold: float, n_terms: int = 5,
                allowed: Collection[str] | None = None) -> Suggestion:
        return self.suggest_many([text], threshold=threshold, n_terms=n_terms, allowed=allowed)[0]

    def suggest_many(self, texts: Sequence[str], *, threshold: float, n_terms: int = 5,
                     allowed: Collection[str] | None = None) -> list[Suggestion]:
        """The proposal for each text: confident (label set) when its probability reaches `threshold` and the
        text's own words carry it (`supported`); otherwise uncertain, with the best guess as a hint.

        `allowed`: the labels that may be proposed (a taxonomy changed since training); the others are never named,
        not even as alternatives, and their probability is not given to the rest. ValueError when none is a class."""
        x, words = self.features.transform_words(texts)
        proba = self.estimator.predict_proba(x)
        classes = self.classes
        prior = self.prior()
        keep = np.arange(len(classes)) if allowed is None else np.flatnonzero([c in allowed for c in classes])
        if not len(keep):
            raise ValueError("none of the allowed labels is a class of the model")
        out = []
        for row in range(len(texts)):
            order = keep[np.argsort(-proba[row, keep])]
            best = classes[order[0]]
            conf = float(proba[row, order[0]])
            alternatives = tuple((classes[i], round(float(proba[row, i]), 4)) for i in order[:3])
            terms = tuple(self._explain_row(x[row], order[0], max(n_terms, 1), words[row],
                                            seen_in=self.texts_per_feature))
            confident = conf >= threshold and supported(conf, float(prior[order[0]]), bool(terms))
            out.append(Suggestion(label=best if confident else None, confidence=round(conf, 4),
                                  best=best, alternatives=alternatives, terms=terms[:n_terms]))
        return out

    def prior(self) -> np.ndarray:
        """The probabilities the model gives a text of which it knows no word (a row of zeros)."""
        cached = getattr(self, "_prior", None)
        if cached is None:
            width = len(self.features.names())
            cached = self.estimator.predict_proba(sparse.csr_matrix((1, width)))[0]
            self._prior = cached
        return cached

    # --- explanation ------------------------------------------------------------------------------------------

    def _svm(self) -> NBLinearSVC:
        return self.estimator.calibrated_classifiers_[0].estimator

    def _explain_row(self, row: sparse.csr_matrix, class_index: int, n: int, words: Sequence[str],
                     seen_in: np.ndarray | None = None) -> list[str]:
        return explain_row(self._svm(), self.features, row, class_index, n, words, seen_in=seen_in)

    def explain(self, text: str, label: str | None = None, n: int = 8) -> list[str]:
        x, words = self.features.transform_words([text])
        classes = self.classes
        index = classes.index(label) if label is not None else int(self.estimator.predict_proba(x)[0].argmax())
        return self._explain_row(x[0], index, n, words[0], seen_in=self.texts_per_feature)

    # --- persistence ------------------------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the model to `path` whole (core.files.write_whole): readers never see half a file, and two
        trainings of the same model at once (the nightly job, 立即重新学习, a settings change, a ledger import, in
        several worker processes or threads) do not write into each other's file."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_whole(path, lambda f: joblib.dump(self, f, compress=3))

    @classmethod
    def load(cls, path: str | Path) -> TextClassifier:
        model = joblib.load(path)
        if not isinstance(model, cls) or model.format != MODEL_FORMAT:
            raise ValueError(f"{path} is not a text classifier of format {MODEL_FORMAT}")
        return model


def _class_weights(svm: NBLinearSVC, class_index: int) -> np.ndarray:
    coef = svm.coef_
    if coef.shape[0] == 1:  # two classes: one weight vector, positive for the second class
        return coef[0] if class_index == 1 else -coef[0]
    return coef[class_index]


def explain_row(svm: NBLinearSVC, features: TextFeatures, row: sparse.csr_matrix, class_index: int, n: int,
                words: Sequence[str], *, seen_in: np.ndarray | None = None) -> list[str]:
    """The words of a text (its row of `features`) with the largest positive contribution (tf-idf × weight) to the
    score of `svm`'s class `class_index`: the words a proposal is shown with.

    Word features come first; a character n-gram is shown only when it is not already part of a shown word;
    nothing of a single character or with a digit is shown, and only features that say "this class"
    (NBLinearSVC.indicative) are. `seen_in` (TextClassifier.texts_per_feature): only features found in at least
    SHOWN_MIN_TEXTS distinct texts of the history are shown — the words are shown to callers who may not read the
    history (a deputy, a clerk asking about the county's congress), and a word that only a text or two hold, such
    as a constituent's name, would tell them it is there (a review's finding, the twenty-first session)."""
    weights = _class_weights(svm, class_index)
    idx, vals = row.indices, row.data
    contrib = vals * weights[idx]
    indicative = svm.indicative(class_index, idx)
    if indicative is not None:  # only words that say "this class" (NBLinearSVC.indicative)
        contrib = np.where(indicative, contrib, 0.0)
    if seen_in is not None:
        contrib = np.where(seen_in[idx] >= SHOWN_MIN_TEXTS, contrib, 0.0)
    names = features.names()
    assert features.words_ is not None
    vocabulary = features.words_.vocabulary_  # word features come first in a row
    n_words = len(vocabulary)
    picked: list[str] = []
    for k in np.argsort(-contrib):
        if contrib[k] <= 0 or len(picked) >= n:
            break
        name = str(names[idx[k]]).replace(" ", "").removeprefix(HEAD_PREFIX)
        if len(name) < 2 or any(ch.isdigit() for ch in name) or textlib.says_nothing(name):
            continue  # a single character, word or not ("至", "路"), explains nothing to a clerk, nor does a
            # number or a code with one ("K8县" is read as "k0"), nor a word that names no subject ("一直", "三个")
        if idx[k] >= n_words and (any(name in p for p in picked) or name not in vocabulary
                                  or _across(name, words)):
            continue  # parts of a shown word add nothing, and characters across two words are no word of the
            # text: "雨天积水" → "天积", or "维修，并建立" → "修建", a word the model knows but not one written
        if name and not any(name in p or p in name for p in picked):
            picked.append(name)
    return picked


def _across(bigram: str, words: Sequence[str]) -> bool:
    """Whether `bigram` is read across two of the text's words (the end of one, the start of another: "维修" and
    "建立" give "修建") rather than inside one (公交 in 公交车, 垃圾 in 垃圾站, which the model need not know)."""
    if any(bigram in w for w in words):
        return False
    return any(w.endswith(bigram[0]) for w in words) and any(w.startswith(bigram[1:]) for w in words)


def usable_classes(labels: Sequence[str], *, min_history: int, min_per_class: int) -> dict[str, int]:
    """The classes with at least `min_per_class` items; NotEnoughHistory when what remains is too little.

    A class with fewer items cannot be learnt (nor calibrated) and is left out: items of it are never suggested
    that class until enough of them are labelled."""
    counts = Counter(str(label) for label in labels if label)
    usable = {c: n for c, n in counts.items() if n >= max(min_per_class, CALIBRATION_FOLDS)}
    total = sum(usable.values())
    if len(usable) < 2 or total < min_history:
        raise NotEnoughHistory(
            f"已标注的历史数据不足（可用于学习的 {total} 条，需要至少 {min_history} 条，"
            f"且至少两个类别各有 {max(min_per_class, CALIBRATION_FOLDS)} 条），暂不提供智能建议",
            labelled=sum(counts.values()), usable=total, needed=min_history)
    return usable


def train(texts: Sequence[str], labels: Sequence[str], *, min_history: int, min_per_class: int,
          userdict: Sequence[str] = (), c: float = 0.5, features: TextFeatures | None = None,
          terms: Mapping[str, Sequence[str]] | None = None, with_estimate: bool = True) -> TextClassifier:
    """Learn a classifier from labelled texts (raw or pre-cut). Raises NotEnoughHistory when they are too few.

    `terms` ({category: [term, …]}, terms.py) are learnt as one labelled example each, beside the texts, for the
    classes the history has enough of; they neither count towards the history's minimum nor make a class of
    their own (docs/insights.md: they move the raw sample's macro-F1 from 0.880 to 0.905, CV within noise).
    `with_estimate` adds the cross-validated Estimate (three more fits of the SVM; the evaluation command, which
    measures on its own, turns it off)."""
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    started = time.perf_counter()
    usable = usable_classes(labels, min_history=min_history, min_per_class=min_per_class)
    keep = [i for i, label in enumerate(labels) if str(label) in usable and texts[i] and str(texts[i]).strip()]
    docs = [str(texts[i]) for i in keep]
    y_list = [str(labels[i]) for i in keep]
    features = features or TextFeatures(userdict=tuple(userdict))
    extra = termslib.unambiguous(terms or {}, sorted(usable))
    for label, words in extra.items():  # each term as often as a feature must occur to be kept, or a term no
        docs += words * features.min_df  # message uses yet would be pruned as rare
        y_list += [label] * (len(words) * features.min_df)
    y = np.array(y_list)
    x, cut = features.fit_transform_words(docs)
    seen = _texts_per_feature(x, docs, n_history=len(keep))
    cv = folds(y, docs)
    estimator = CalibratedClassifierCV(NBLinearSVC(C=c), method="sigmoid", cv=cv, ensemble=False)
    estimator.fit(x, y)
    judged = (estimate(x, y, n_history=len(keep), cv=cv, c=c, calibrated=estimator, features=(features, cut),
                       seen_in=seen) if with_estimate else None)
    all_counts = Counter(str(label) for label in labels if label)
    return TextClassifier(features=features, estimator=estimator, counts=dict(Counter(y_list[:len(keep)])),
                          trained_at=time.time(), train_seconds=round(time.perf_counter() - started, 3),
                          dropped={k: v for k, v in all_counts.items() if k not in usable},
                          learnt_terms=sum(len(w) for w in extra.values()), estimate=judged,
                          texts_per_feature=seen)


def _texts_per_feature(x: sparse.csr_matrix, docs: Sequence[str], *, n_history: int) -> np.ndarray:
    """For each feature, in how many distinct texts of the history it occurs (identical texts, such as the copies
    of a letter signed by several people, count once); a feature of a category term (the rows after the history)
    counts as common. What the words shown with a proposal are filtered by (SHOWN_MIN_TEXTS)."""
    first: dict[str, int] = {}
    for i in range(n_history):  # the same text, spaces aside (normalising each text again cost 1.3 s for 8,262)
        first.setdefault("".join(docs[i].split()), i)
    rows = np.fromiter(first.values(), dtype=np.int64, count=len(first))
    counts = np.asarray((x[rows] > 0).sum(axis=0)).ravel().astype(np.int32)
    if x.shape[0] > n_history:
        counts[np.unique(x[n_history:].indices)] += SHOWN_MIN_TEXTS
    return counts
