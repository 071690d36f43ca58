"""Honest evaluation of the classifier on labelled CSV or .xlsx files (used by `manage.py insights_eval` and the tests).

Two protections against figures that look better than what users will meet:
  * the leak guard: with a separate test file drawn from the training files (at least half of its messages are
    found in them, also when one side is raw text and the other was cut into words with stop words removed), the
    training rows that are the same message as a test row are dropped before training. A test file that is
    another collection of messages keeps the training rows that resemble its messages: those are earlier posts of
    the same complaint, which a deployed model has learnt from, and the report says how many there are;
  * grouped folds: in cross-validation, the same message always falls in one fold: identical texts, and the
    near-identical re-posts the leak guard's search finds (a complaint sent again with a line changed).
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import time
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold, StratifiedShuffleSplit

from renda.insights import tables
from renda.insights import terms as termslib
from renda.insights import text as textlib
from renda.insights.classifier import TextClassifier, train

SAME_MESSAGE_COVERAGE = 0.8  # share of one text's words found, in order, in the other: "the same message"
CANDIDATES = 20
COVERAGE_WINDOW = 60  # characters a word may be from the previous one found (stop words and names cut between)


@dataclass
class Labelled:
    texts: list[str]
    labels: list[str]
    source: str
    skipped: int = 0  # rows without a text or a label


def read_table_rows(path: str | Path) -> list[dict[str, str]]:
    """The rows of a CSV or .xlsx file (tables.read_path); an unreadable file is a ValueError naming it."""
    return tables.read_path(path)


Terms = Mapping[str, Sequence[str]]


def read_category_terms(path: str | Path) -> dict[str, list[str]]:
    """Category terms from a file: a CSV taxonomy (header row; the first column is the category, every other
    non-empty cell a term of it, e.g. TipDM's 附件1 一级分类,二级分类,三级分类), or text in the setting's own form,
    one "类别：细目、细目" line per category. The categories are read as the labels are (clean_label)."""
    terms: dict[str, list[str]] = {}
    if Path(path).suffix.lower() in (".csv", ".xlsx"):
        for row in read_table_rows(path):
            values = [str(v or "").strip() for v in row.values() if isinstance(v, str)]
            if len(values) >= 2 and values[0]:
                termslib.add(terms, clean_label(values[0]), values[1:])
        return terms
    for category, words in termslib.parse(Path(path).read_text(encoding="utf-8-sig").splitlines()).items():
        termslib.add(terms, clean_label(category), words)
    return terms


def parse_time(value: str | None) -> datetime | None:
    """A time as the files write it: 2019-07-10 10:00:00, 2019/7/10 10:00, 2019-07-10, or ISO 8601
    (2019-07-10T10:00:00, without its zone); None for anything else."""
    value = (value or "").strip().replace("/", "-")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None) if value[:4].isdigit() else None
    except ValueError:
        return None


_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")


def clean_label(value: str) -> str:
    """A label as written by hand or copied from a page, compared as what it says: NFKC (Ａ类 is A类), without
    spaces or invisible characters (卫生 计生, 教育文体 followed by a zero-width space). Before, each of those was a
    class of its own that no model could predict."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", value or ""))


def read_labelled(path: str | Path, *, text_cols: Sequence[str], label_col: str) -> Labelled:
    """A file's text is the concatenation of whichever of `text_cols` it has, its label clean_label's; rows without
    text or label are skipped and counted (`skipped`). A file without a labelled row is a ValueError naming it."""
    rows = read_table_rows(path)
    if not rows:
        raise ValueError(f"{path}: no data rows (empty, or a header only)")
    if label_col not in rows[0]:
        raise ValueError(f"{path}: no column {label_col}")
    if not any(c in rows[0] for c in text_cols):
        raise ValueError(f"{path}: none of the text columns {', '.join(text_cols)}")
    texts, labels = [], []
    for row in rows:
        t, label = textlib.join_fields(row, text_cols), clean_label(row.get(label_col) or "")
        if t and label:
            texts.append(t)
            labels.append(label)
    if not texts:
        raise ValueError(f"{path}: none of its {len(rows)} rows has both a text and a label ({label_col})")
    return Labelled(texts=texts, labels=labels, source=str(path), skipped=len(rows) - len(texts))


def _in_order_coverage(words: Sequence[str], target: str, window: int = COVERAGE_WINDOW) -> float:
    """Share of the words' characters found in `target` in the same order, each within `window` characters of
    where the previous one was found. Numbers and single characters are left out: they occur everywhere, and a
    search that jumped to a far-away "0" would lose the rest of the text."""
    pos = hit = total = 0
    for w in words:
        if len(w) < 2 or not w.strip("0"):
            continue
        total += len(w)
        k = target.find(w, pos, pos + window + len(w))
        if k >= 0:
            hit += len(w)
            pos = k + len(w)
    return hit / total if total else 0.0


OVERLAP_POLICIES = ("auto", "drop", "keep")
CONTAINED_SHARE = 0.5  # this share of the test messages found in the training files: the test file came from them


def same_message_pairs(train_texts: Sequence[str], test_texts: Sequence[str]) -> list[tuple[int, int]]:
    """(test index, training index) of the training texts that are the same message as a test text.

    Candidates are the nearest training texts by character-bigram cosine; a candidate is the same message when
    ≥80% of the shorter text's words occur, in order and each near the one before, in the longer one
    (_in_order_coverage; this survives stop-word removal, word cutting and small edits)."""
    train_compact = [textlib.compact(t) for t in train_texts]
    test_compact = [textlib.compact(t) for t in test_texts]
    # candidates by the opening of the text (title and first lines): enough to find the same message, and cheap
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 2)).fit(
        [c[:300] for c in train_compact] + [c[:300] for c in test_compact])
    a, b = vec.transform([c[:300] for c in train_compact]), vec.transform([c[:300] for c in test_compact])
    words: dict[tuple[str, int], list[str]] = {}

    def words_of(side: str, k: int) -> list[str]:
        if (side, k) not in words:
            words[side, k] = textlib.words(train_texts[k] if side == "train" else test_texts[k])
        return words[side, k]

    found: list[tuple[int, int]] = []
    for start in range(0, len(test_texts), 500):
        sims = (b[start:start + 500] @ a.T).toarray()
        for offset, row in enumerate(sims):
            i = start + offset
            top = np.argpartition(-row, min(CANDIDATES, len(row) - 1))[:CANDIDATES]
            for j in (int(j) for j in top if row[j] > 0):
                if len(train_compact[j]) <= len(test_compact[i]):
                    cov = _in_order_coverage(words_of("train", j), test_compact[i])
                else:
                    cov = _in_order_coverage(words_of("test", i), train_compact[j])
                if cov >= SAME_MESSAGE_COVERAGE:
                    found.append((i, j))
    return found


@dataclass
class Report:
    classes: list[str]
    precision: list[float]
    recall: list[float]
    f1: list[float]
    support: list[int]
    macro_f1: float
    accuracy: float
    n_train: int
    n_test: int
    train_seconds: float
    train_cpu_seconds: float
    msgs_per_second: float
    msgs_per_cpu_second: float
    suggest_ms_p50: float
    suggest_ms_p95: float
    threshold: float
    coverage: float  # share of items that get a proposal: at the threshold and resting on their words (supported)
    accuracy_when_confident: float
    peak_rss_mb: float
    notes: list[str] = field(default_factory=list)
    fold_f1: list[float] = field(default_factory=list)
    load_average: float = field(default_factory=lambda: os.getloadavg()[0])
    pooled_macro_f1: float | None = None  # random hold-outs: the table's, of all draws pooled (macro_f1: their mean)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


@dataclass
class _Timer:
    """Wall-clock and CPU seconds of a block: on a shared machine the CPU time is the fairer figure."""

    wall: float = 0.0
    cpu: float = 0.0

    def __enter__(self) -> _Timer:
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self._w, time.process_time() - self._c


def _timed_train(texts: Sequence[str], labels: Sequence[str], userdict: Sequence[str],
                 terms: Terms | None = None) -> tuple[TextClassifier, _Timer]:
    with _Timer() as timer:
        model = train(texts, labels, min_history=1, min_per_class=1, userdict=userdict, terms=terms,
                      with_estimate=False)  # the evaluation measures on its own test set
    return model, timer


def _timed_proba(model: TextClassifier, texts: Sequence[str]) -> tuple[np.ndarray, _Timer]:
    with _Timer() as timer:
        proba = model.predict_proba(texts)
    return proba, timer


def _latency(model: TextClassifier, texts: Sequence[str], threshold: float) -> tuple[float, float]:
    """One suggestion (with its explanation) at a time, as a form asks for it: p50 and p95 in milliseconds."""
    sample = list(texts[:200])
    model.suggest(sample[0], threshold=threshold)  # warm-up: the segmenter's dictionary, feature names
    times = []
    for t in sample:
        started = time.perf_counter()
        model.suggest(t, threshold=threshold)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def _proposed(model: TextClassifier, texts: Sequence[str], threshold: float) -> np.ndarray:
    """Which texts the form would give a proposal (not "uncertain"): at the threshold and resting on their words."""
    return np.array([s.label is not None for s in model.suggest_many(texts, threshold=threshold, n_terms=1)],
                    dtype=bool)


def _score(y_true: Sequence[str], proba: np.ndarray, classes: list[str], proposed: np.ndarray
           ) -> dict[str, object]:
    pred = [classes[i] for i in proba.argmax(axis=1)]
    labels = sorted(set(y_true) | set(pred))
    p, r, f, s = precision_recall_fscore_support(y_true, pred, labels=labels, zero_division=0)
    confident = proposed
    right = np.array([a == b for a, b in zip(y_true, pred, strict=True)])
    return {
        "classes": labels, "precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(),
        "support": [int(v) for v in s], "macro_f1": float(f1_score(y_true, pred, labels=labels, average="macro")),
        "accuracy": float(right.mean()), "coverage": float(confident.mean()),
        "accuracy_when_confident": float(right[confident].mean()) if confident.any() else 0.0,
    }


def overlap_policy(pairs: Sequence[tuple[int, int]], n_test: int, overlap: str) -> tuple[set[int], str]:
    """The training rows to drop for a test set, and the report's line saying why.

    overlap "auto": drop them when the test file is drawn from the training files (CONTAINED_SHARE of its messages
    found there), keep them when it is another collection; "drop" and "keep" decide regardless."""
    if overlap not in OVERLAP_POLICIES:
        raise ValueError(f"overlap must be one of {', '.join(OVERLAP_POLICIES)}, not {overlap!r}")
    found = {i for i, _ in pairs}
    rows = {j for _, j in pairs}
    share = len(found) / n_test if n_test else 0.0
    contained = share >= CONTAINED_SHARE
    if overlap == "drop" or (overlap == "auto" and contained):
        why = "测试集取自训练集" if contained else "按 --drop-overlap"
        return rows, (f"防泄漏：测试集 {len(found)}/{n_test} 条留言在训练集中（{why}），训练集中与之是同一留言的 "
                      f"{len(rows)} 条已剔除（--keep-overlap 可保留）")
    if overlap == "keep" and contained:
        return set(), (f"注意：测试集 {len(found)}/{n_test} 条留言在训练集中，按 --keep-overlap 保留了训练集中的 "
                       f"{len(rows)} 条：结果虚高，仅供对照")
    return set(), (f"测试集与训练集是不同的留言集合；测试集 {len(found)}/{n_test} 条留言在训练集中有相同或几乎相同的"
                   f"留言（重复投诉，训练集中 {len(rows)} 条），作为历史保留（--drop-overlap 可剔除）")


def holdout(train_sets: Sequence[Labelled], test: Labelled, *, threshold: float, userdict: Sequence[str] = (),
            overlap: str = "auto", terms: Terms | None = None) -> Report:
    texts = [t for s in train_sets for t in s.texts]
    labels = [y for s in train_sets for y in s.labels]
    drop, note = overlap_policy(same_message_pairs(texts, test.texts), len(test.texts), overlap)
    notes = [note]
    if drop:
        texts = [t for i, t in enumerate(texts) if i not in drop]
        labels = [y for i, y in enumerate(labels) if i not in drop]
    model, fit = _timed_train(texts, labels, userdict, terms)
    if terms:
        notes.append(_terms_note(model))
    proba, run = _timed_proba(model, test.texts)
    p50, p95 = _latency(model, test.texts, threshold)
    if model.dropped:
        notes.append("训练集中条目太少、未学习的类别：" + "、".join(f"{c}（{n} 条）" for c, n in model.dropped.items()))
    unseen = sorted(set(test.labels) - set(model.classes) - set(model.dropped))
    if unseen:
        notes.append(f"测试集中有训练集没有的类别：{'、'.join(unseen)}")
    scores = _score(test.labels, proba, model.classes, _proposed(model, test.texts, threshold))
    return Report(**scores, n_train=len(texts),  # type: ignore[arg-type]
                  n_test=len(test.texts), train_seconds=fit.wall, train_cpu_seconds=fit.cpu,
                  msgs_per_second=len(test.texts) / run.wall, msgs_per_cpu_second=len(test.texts) / run.cpu,
                  suggest_ms_p50=p50, suggest_ms_p95=p95, threshold=threshold, peak_rss_mb=peak_rss_mb(),
                  notes=notes)


def read_texts(path: str | Path, *, text_cols: Sequence[str]) -> list[str]:
    """The texts of a file with or without labels (whichever of `text_cols` it has); rows without text skipped."""
    rows = read_table_rows(path)
    if rows and not any(c in rows[0] for c in text_cols):
        raise ValueError(f"{path}: none of the text columns {', '.join(text_cols)}")
    texts = [t for t in (textlib.join_fields(row, text_cols) for row in rows) if t]
    if not texts:
        raise ValueError(f"{path}: no row with a text ({', '.join(text_cols)})")
    return texts


def borrowed_labels(train_sets: Sequence[Labelled], texts: Sequence[str], *, source: str) -> tuple[Labelled, str]:
    """Messages of another collection that are the same message as a training row (same_message_pairs), each with
    that row's label: a raw-text test set labelled without labelling anything. A message whose matching rows
    disagree is left out, and so is a text seen before (the same message in two files). Scored with holdout(),
    whose leak guard then drops the matching training rows (all the test messages are found there)."""
    train_texts = [t for s in train_sets for t in s.texts]
    train_labels = [y for s in train_sets for y in s.labels]
    seen: set[str] = set()
    unique = []
    for t in texts:
        key = textlib.compact(t)
        if key and key not in seen:
            seen.add(key)
            unique.append(t)
    found: dict[int, set[str]] = {}
    for i, j in same_message_pairs(train_texts, unique):
        found.setdefault(i, set()).add(train_labels[j])
    agreed = sorted(i for i, labels in found.items() if len(labels) == 1)
    test = Labelled(texts=[unique[i] for i in agreed], labels=[next(iter(found[i])) for i in agreed], source=source)
    note = (f"借用标签：{len(unique)} 条不重复的留言中 {len(found)} 条在训练集中有同一留言，"
            f"取其标签作测试集 {len(agreed)} 条（标签不一致的 {len(found) - len(agreed)} 条不用）")
    return test, note


def duplicate_groups(texts: Sequence[str]) -> np.ndarray:
    """A group number per text: identical texts (after normalisation) and the same message posted again with
    small changes (same_message_pairs of the texts with themselves) share one, transitively."""
    parent = list(range(len(texts)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    first: dict[str, int] = {}
    for k, t in enumerate(texts):
        parent[k] = first.setdefault(textlib.compact(t), k)
    for i, j in same_message_pairs(texts, texts):
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return np.array([root(k) for k in range(len(texts))])


def _terms_note(model: TextClassifier) -> str:
    return f"分类细目：{model.learnt_terms} 个细目作为标注样本一同学习（两类共有的细目不计）"


@dataclass
class _Splits:
    """Out-of-split probabilities of every split of a resampling, with what each split cost."""

    classes: list[str]
    order: list[np.ndarray] = field(default_factory=list)
    proba: list[np.ndarray] = field(default_factory=list)
    proposed: list[np.ndarray] = field(default_factory=list)
    fits: list[_Timer] = field(default_factory=list)
    runs: list[tuple[int, _Timer]] = field(default_factory=list)
    f1: list[float] = field(default_factory=list)
    n_train: list[int] = field(default_factory=list)
    model: TextClassifier | None = None

    def report(self, texts: Sequence[str], labels: np.ndarray, *, threshold: float, notes: list[str]) -> Report:
        idx = np.concatenate(self.order)
        assert self.model is not None
        p50, p95 = _latency(self.model, [texts[i] for i in self.order[-1]], threshold)
        scores = _score(labels[idx].tolist(), np.vstack(self.proba), self.classes, np.concatenate(self.proposed))
        return Report(**scores, n_train=int(np.mean(self.n_train)), n_test=len(idx),  # type: ignore[arg-type]
                      train_seconds=float(np.mean([f.wall for f in self.fits])),
                      train_cpu_seconds=float(np.mean([f.cpu for f in self.fits])),
                      msgs_per_second=sum(n for n, _ in self.runs) / sum(r.wall for _, r in self.runs),
                      msgs_per_cpu_second=sum(n for n, _ in self.runs) / sum(r.cpu for _, r in self.runs),
                      suggest_ms_p50=p50, suggest_ms_p95=p95, threshold=threshold, peak_rss_mb=peak_rss_mb(),
                      notes=notes, fold_f1=self.f1)


def _run_splits(texts: Sequence[str], labels: np.ndarray, splits: Iterable[tuple[np.ndarray, np.ndarray]], *,
                userdict: Sequence[str], terms: Terms | None, threshold: float) -> _Splits:
    out = _Splits(classes=sorted(set(labels.tolist())))
    for train_idx, test_idx in splits:
        out.model, fit = _timed_train([texts[i] for i in train_idx], labels[train_idx].tolist(), userdict, terms)
        out.fits.append(fit)
        out.n_train.append(len(train_idx))
        proba, run = _timed_proba(out.model, [texts[i] for i in test_idx])
        out.runs.append((len(test_idx), run))
        aligned = np.zeros((len(test_idx), len(out.classes)))
        for k, c in enumerate(out.model.classes):
            aligned[:, out.classes.index(c)] = proba[:, k]
        out.proba.append(aligned)
        out.proposed.append(_proposed(out.model, [texts[i] for i in test_idx], threshold))
        out.order.append(test_idx)
        pred = [out.classes[i] for i in aligned.argmax(axis=1)]
        out.f1.append(float(f1_score(labels[test_idx], pred, average="macro")))
    return out


def _two_classes(labels: np.ndarray) -> None:
    classes = sorted(set(labels.tolist()))
    if len(classes) < 2:
        raise ValueError(f"训练集无法学习：只有一个类别（{'、'.join(classes)}），至少要有两个类别")


def cross_validate(data: Sequence[Labelled], *, threshold: float, folds: int = 5, seed: int = 0,
                   userdict: Sequence[str] = (), terms: Terms | None = None) -> Report:
    """Stratified k-fold cross-validation; the same message (identical texts and near-identical re-posts,
    duplicate_groups) stays in one fold."""
    texts = [t for s in data for t in s.texts]
    labels = np.array([y for s in data for y in s.labels])
    _two_classes(labels)
    groups = duplicate_groups(texts)
    if len(set(groups.tolist())) < folds:
        raise ValueError(f"只有 {len(set(groups.tolist()))} 组不同的留言（同一留言的重发算一组），不够分成 {folds} 折")
    identical = len(texts) - len({textlib.compact(t) for t in texts})
    repeated = len(texts) - len(set(groups.tolist()))
    splits = StratifiedGroupKFold(folds, shuffle=True, random_state=seed).split(texts, labels, groups)
    run = _run_splits(texts, labels, splits, userdict=userdict, terms=terms, threshold=threshold)
    notes = [f"{folds} 折分层交叉验证，同一留言归入同一折（完全相同 {identical} 条，连同改动少许后重发的共 "
             f"{repeated} 条重复）；"
             f"macro-F1 按全部折外预测计算，各折 {', '.join(f'{v:.4f}' for v in run.f1)}"]
    if terms:
        assert run.model is not None
        notes.append(_terms_note(run.model))
    return run.report(texts, labels, threshold=threshold, notes=notes)


def random_holdouts(data: Sequence[Labelled], *, threshold: float, size: float, repeats: int = 5, seed: int = 0,
                    userdict: Sequence[str] = (), terms: Terms | None = None, overlap: str = "keep") -> Report:
    """Repeated stratified random hold-outs drawn from the labelled files (`size` a share below 1, else a number
    of messages): the situation of a held-back set taken at random from the same collection of messages.

    overlap "keep": a held-out message's earlier or later posts (duplicate_groups) stay in training, as they would
    in a deployed model's history; "drop": they are removed from training, as the grouped folds do. The report's
    macro-F1 is the mean over the repeats; each repeat's is listed."""
    if overlap not in ("keep", "drop"):
        raise ValueError(f"overlap must be keep or drop, not {overlap!r}")
    texts = [t for s in data for t in s.texts]
    labels = np.array([y for s in data for y in s.labels])
    _two_classes(labels)
    n_test = int(size) if size >= 1 else round(size * len(texts))
    if not 0 < n_test < len(texts):
        raise ValueError(f"留出的测试集大小 {size} 不在 0 与训练集的 {len(texts)} 条之间")
    groups = duplicate_groups(texts)
    dropped: list[int] = []

    def splits() -> Iterable[tuple[np.ndarray, np.ndarray]]:
        for train_idx, test_idx in StratifiedShuffleSplit(repeats, test_size=n_test, random_state=seed).split(
                texts, labels):
            if overlap == "drop":
                held = set(groups[test_idx].tolist())
                kept = np.array([i for i in train_idx if groups[i] not in held])
                dropped.append(len(train_idx) - len(kept))
                train_idx = kept
            yield train_idx, test_idx

    run = _run_splits(texts, labels, splits(), userdict=userdict, terms=terms, threshold=threshold)
    spread = float(np.std(run.f1))
    notes = [f"随机留出 {repeats} 次，每次分层随机留出 {n_test} 条作测试、其余训练；"
             + (f"测试留言的重发已从训练集中剔除（平均 {np.mean(dropped):.0f} 条）" if overlap == "drop"
                else "测试留言在训练集中的重发作为历史保留（--drop-overlap 可剔除）")
             + f"；各次 macro-F1 {', '.join(f'{v:.4f}' for v in run.f1)}；平均 {np.mean(run.f1):.4f}，"
             f"标准差 {spread:.4f}，最低 {min(run.f1):.4f}（末行为平均值）"]
    if terms:
        assert run.model is not None
        notes.append(_terms_note(run.model))
    report = run.report(texts, labels, threshold=threshold, notes=notes)
    report.pooled_macro_f1, report.macro_f1 = report.macro_f1, float(np.mean(run.f1))
    return report


def format_report(report: Report) -> list[str]:
    def cols(name: str) -> int:  # a Chinese character is two columns wide
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in name)

    width = max(8, *(cols(c) for c in report.classes)) + 2
    lines = [f"类别{' ' * (width - 4)} precision  recall      f1  support"]
    for c, p, r, f, s in zip(report.classes, report.precision, report.recall, report.f1, report.support,
                             strict=True):
        lines.append(f"{c}{' ' * (width - cols(c))}{p:9.4f} {r:7.4f} {f:7.4f} {s:8d}")
    lines += [
        f"macro-F1 {report.macro_f1:.4f}"
        + (f"（各次平均；上表为各次合并计算，其 macro-F1 {report.pooled_macro_f1:.4f}）"
           if report.pooled_macro_f1 is not None else "")
        + f"   accuracy {report.accuracy:.4f}   测试 {report.n_test} 条",
        f"置信度阈值 {report.threshold:.2f}：{report.coverage:.1%} 的条目给出建议（其余标为“不确定”），"
        f"其中正确率 {report.accuracy_when_confident:.1%}",
        f"训练时间 {report.train_seconds:.1f} 秒，CPU {report.train_cpu_seconds:.1f} 秒（{report.n_train} 条）",
        f"分类吞吐 {report.msgs_per_second:.0f} 条/秒，按 CPU 时间 {report.msgs_per_cpu_second:.0f} 条/秒"
        "（批量，含分词）",
        f"单条建议（含解释）p50 {report.suggest_ms_p50:.1f} ms，p95 {report.suggest_ms_p95:.1f} ms",
        f"峰值内存（进程 RSS）{report.peak_rss_mb:.0f} MB；"
        f"系统负载 {report.load_average:.1f}（{os.cpu_count()} 核，其他进程也在运行时墙钟时间偏大）",
    ]
    return [*report.notes, *lines]
