"""Where a congress's trained models live: one joblib file per congress and kind under DATA_DIR/insights/.

Files are written whole to a temporary file of their own and renamed into place, so a reader never sees half a model.
Trainings of the same model (the nightly job, 立即重新学习, a settings change or a ledger import, in several worker
processes) run one after the other (`training`), so the last one saved learnt from the newest history. Each process
keeps the model it loaded until the file changes (checked by modification time, size and inode: a save renames a new
file into place), so a suggestion does not reload it; it also remembers a file it could not use (of an older format,
or damaged), which means no suggestion rather than an error, so the assistant, asked on every keystroke, does not
read that file again and again until the next training replaces it. Beside each model a small JSON summary (when it
was trained, from what, its estimate) lets the status page describe every congress's models without loading them; a
summary that cannot be read is made again from the model.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

from renda.core.files import write_whole
from renda.insights.classifier import TextClassifier
from renda.insights.flight import KeyedLocks

logger = logging.getLogger(__name__)

# What a model file was when it was last read (modification time, size, inode) and what came of it: the model, or
# None when it could not be used (read again only once the file changes). The models of the congresses used last
# are kept, at most settings.INSIGHTS_MODELS_KEPT congresses (RENDA_INSIGHTS_MODELS_KEPT), each with both its models:
# the assistant asks both on every call, so a limit counted in files thrashed once more congresses than half of it
# were typed for. A model learnt from a county's history takes 4–16 MB in memory, and a worker that served every
# township's clerks would otherwise hold all of them for good. One put out is read from its file again when next
# asked for (0.1–0.5 s).
Stamp = tuple[int, int, int]
_cache: OrderedDict[Path, tuple[Stamp, TextClassifier | None]] = OrderedDict()
_lock = threading.Lock()
_loading = KeyedLocks()


def model_path(congress_id: int, kind: str) -> Path:
    return Path(settings.DATA_DIR) / "insights" / f"congress-{int(congress_id)}" / f"{kind}.joblib"


def summary_path(congress_id: int, kind: str) -> Path:
    return model_path(congress_id, kind).with_suffix(".json")


def _stamp(path: Path) -> Stamp:
    """What tells one version of the file from another (FileNotFoundError when there is none)."""
    st = path.stat()
    return st.st_mtime_ns, st.st_size, st.st_ino


def describe(model: TextClassifier) -> dict[str, Any]:
    """What the status page shows of a model (JSON)."""
    return {"trained_at": model.trained_at, "seconds": model.train_seconds, "counts": model.counts,
            "left_out": model.dropped, "terms": model.learnt_terms,
            "estimate": dataclasses.asdict(model.estimate) if model.estimate else None}


def save(congress_id: int, kind: str, model: TextClassifier) -> Path:
    path = model_path(congress_id, kind)
    model.save(path)
    _write_summary(summary_path(congress_id, kind), describe(model))
    with _lock:
        _cache.pop(path, None)
    return path


def _write_summary(path: Path, summary: dict[str, Any]) -> None:
    # a training and the status pages of other processes and threads may write the same summary at once
    write_whole(path, lambda f: f.write(json.dumps(summary, ensure_ascii=False)), text=True)


_SUMMARY_KEYS = frozenset({"trained_at", "seconds", "counts", "left_out", "terms", "estimate"})  # describe()'s


def summary(congress_id: int, kind: str) -> dict[str, Any] | None:
    """The summary (describe) of the congress's model of this kind, or None when it has none (or one that cannot be
    used, see load). A model saved before summaries were written, or whose summary cannot be read (damaged), is
    loaded once to write its summary again."""
    path, side = model_path(congress_id, kind), summary_path(congress_id, kind)
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    try:
        if side.stat().st_mtime_ns >= stamp:
            out = json.loads(side.read_text(encoding="utf-8"))
            if isinstance(out, dict) and out.keys() >= _SUMMARY_KEYS:
                return out
            logger.warning("insights model summary %s is not a model summary: made again from the model", side)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:  # ValueError: not JSON (cut short, damaged) or not UTF-8
        logger.warning("insights model summary %s cannot be read (%r): made again from the model", side, exc)
    model = load(congress_id, kind)  # a model that cannot be used is not read again (load)
    if model is None:  # of an older format, or damaged: as good as none
        return None
    out = describe(model)
    try:
        _write_summary(side, out)
    except OSError as exc:  # the status page still shows the model; the next call tries again
        logger.warning("insights model summary %s cannot be written (%r)", side, exc)
    return out


def load(congress_id: int, kind: str) -> TextClassifier | None:
    """The congress's model of this kind, or None when it has none (too little history so far) or has one that
    cannot be used: of an older format, or damaged (cut short by a full disk, a bad copy of DATA_DIR…). Such a file
    means no suggestion until the next training replaces it, never an error on the pages that ask for one, and it
    is read once: what came of it is kept until the file changes."""
    path = model_path(congress_id, kind)
    try:
        stamp = _stamp(path)
    except FileNotFoundError:
        with _lock:
            _cache.pop(path, None)
        return None
    with _lock:
        hit = _cache.get(path)
        if hit is not None:
            _used(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    with _loading.hold(path):  # requests that come while it loads wait for this load (flight.py)
        with _lock:
            hit = _cache.get(path)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        model: TextClassifier | None
        try:
            model = TextClassifier.load(path)
            model.features.names()  # build the feature names now, not during the first suggestion
        except FileNotFoundError:  # deleted meanwhile
            return None
        except (OSError, MemoryError) as exc:
            # Not read this time (gone meanwhile, permissions, too many open files, memory): nothing is known of the
            # file's content, so the next request tries again.
            logger.warning("insights model %s cannot be read (%r): no suggestion", path, exc)
            return None
        except Exception as exc:
            # ValueError for a model of an older format; a damaged file raises whatever the unpickling meets
            # (EOFError, zlib.error, KeyError, UnpicklingError…). Each means no model, for as long as the file is so.
            logger.warning("insights model %s cannot be used (%r): no suggestion until the next training replaces "
                           "it", path, exc)
            model = None
        with _lock:
            _cache[path] = (stamp, model)
            _used(path)
            kept = max(1, settings.INSIGHTS_MODELS_KEPT)
            while len({p.parent for p in _cache}) > kept:  # a congress's models sit in its own directory
                oldest = next(iter(_cache)).parent
                for p in [p for p in _cache if p.parent == oldest]:
                    del _cache[p]
    return model


def _used(path: Path) -> None:
    """The congress of `path` is the one used last: its models move to the end of the cache's order (under _lock)."""
    for p in [p for p in _cache if p.parent == path.parent]:
        _cache.move_to_end(p)


@contextmanager
def training(congress_id: int, kind: str) -> Iterator[None]:
    """One training of a congress's model of a kind at a time, across the threads and worker processes of this
    machine (an exclusive lock on a file beside the model, released when its holder ends, even by a crash). A
    training that waits reads the history after the one before it has saved (or removed) its model: the model that
    stays is the one learnt from the newest history, never an older snapshot saved last."""
    path = model_path(congress_id, kind).with_suffix(".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def delete(congress_id: int, kind: str) -> bool:
    path = model_path(congress_id, kind)
    with _lock:
        _cache.pop(path, None)
    summary_path(congress_id, kind).unlink(missing_ok=True)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
