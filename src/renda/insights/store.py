"""Where a congress's trained models live: one joblib file per congress and kind under DATA_DIR/insights/.

Files are written whole and renamed into place, so a reader never sees half a model; each process keeps the model
it loaded until the file changes (checked by modification time), so a suggestion does not reload it. Beside each
model a small JSON summary (when it was trained, from what, its estimate) lets the status page describe every
congress's models without loading them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from pathlib import Path
from typing import Any

from django.conf import settings

from renda.insights.classifier import TextClassifier
from renda.insights.flight import KeyedLocks

_cache: dict[Path, tuple[int, TextClassifier]] = {}
_lock = threading.Lock()
_loading = KeyedLocks()


def model_path(congress_id: int, kind: str) -> Path:
    return Path(settings.DATA_DIR) / "insights" / f"congress-{int(congress_id)}" / f"{kind}.joblib"


def summary_path(congress_id: int, kind: str) -> Path:
    return model_path(congress_id, kind).with_suffix(".json")


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
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")  # two readers may write it at once
    tmp.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def summary(congress_id: int, kind: str) -> dict[str, Any] | None:
    """The summary (describe) of the congress's model of this kind, or None when it has none. A model saved before
    summaries were written is loaded once to write its summary."""
    path, side = model_path(congress_id, kind), summary_path(congress_id, kind)
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    try:
        if side.stat().st_mtime_ns >= stamp:
            return json.loads(side.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        pass
    model = load(congress_id, kind)
    if model is None:  # of an older format: as good as none
        return None
    out = describe(model)
    _write_summary(side, out)
    return out


def load(congress_id: int, kind: str) -> TextClassifier | None:
    """The congress's model of this kind, or None when it has none (too little history so far)."""
    path = model_path(congress_id, kind)
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        with _lock:
            _cache.pop(path, None)
        return None
    with _lock:
        hit = _cache.get(path)
    if hit and hit[0] == stamp:
        return hit[1]
    with _loading.hold(path):  # requests that come while it loads wait for this load (flight.py)
        with _lock:
            hit = _cache.get(path)
        if hit and hit[0] == stamp:
            return hit[1]
        try:
            model = TextClassifier.load(path)
        except ValueError:  # a model of an older format: no suggestion until the next retraining replaces it
            return None
        model.features.names()  # build the feature names now, not during the first suggestion
        with _lock:
            _cache[path] = (stamp, model)
    return model


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
