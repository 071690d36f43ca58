"""Where a congress's trained models live: one joblib file per congress and kind under DATA_DIR/insights/.

Files are written whole and renamed into place, so a reader never sees half a model; each process keeps the model
it loaded until the file changes (checked by modification time), so a suggestion does not reload it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from renda.insights.classifier import TextClassifier
from renda.insights.flight import KeyedLocks

_cache: dict[Path, tuple[int, TextClassifier]] = {}
_lock = threading.Lock()
_loading = KeyedLocks()


def model_path(congress_id: int, kind: str) -> Path:
    return Path(settings.DATA_DIR) / "insights" / f"congress-{int(congress_id)}" / f"{kind}.joblib"


def save(congress_id: int, kind: str, model: TextClassifier) -> Path:
    path = model_path(congress_id, kind)
    model.save(path)
    with _lock:
        _cache.pop(path, None)
    return path


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
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
