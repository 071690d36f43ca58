"""Writing a file whole: to a temporary file of its own beside it, then renamed into place."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

# A temporary file older than this was left by a writer that was killed mid-write (a save takes seconds): the next
# whole write of the same file removes it. A live writer's file is younger, so it is never taken from under it.
STALE_AFTER = 3600.0


def write_whole(path: Path, write: Callable[[IO[Any]], object], *, text: bool = False) -> None:
    """Write `path` with `write(file)` so that a reader sees the old file or the new one, never half of one, and
    several writers at once (processes or threads) neither write into nor rename each other's file: each has a
    temporary file of its own (a random name, opened with "x"), and the last rename wins, whole. A failed write
    leaves no temporary file; one left by a killed writer is removed by the next write once STALE_AFTER old. The file is
    created as any other (mkstemp's would be readable by its owner only)."""
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
    f = tmp.open("x", encoding="utf-8") if text else tmp.open("xb")
    try:
        with f:
            write(f)
        tmp.replace(path)  # atomic on one file system
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _remove_stale(path)


def _remove_stale(path: Path) -> None:
    """Remove the temporary files of `path` that killed writers left behind (older than STALE_AFTER)."""
    cutoff = time.time() - STALE_AFTER
    for left in path.parent.glob(f"{path.name}.*.tmp"):
        try:
            if left.stat().st_mtime < cutoff:
                left.unlink()
        except OSError:  # removed by another writer first, or not ours to remove: the write itself succeeded
            pass
