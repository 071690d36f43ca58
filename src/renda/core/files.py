"""Writing a file whole: to a temporary file of its own beside it, then renamed into place."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


def write_whole(path: Path, write: Callable[[IO[Any]], object], *, text: bool = False) -> None:
    """Write `path` with `write(file)` so that a reader sees the old file or the new one, never half of one, and
    several writers at once (processes or threads) neither write into nor rename each other's file: each has a
    temporary file of its own (a random name, opened with "x"), and the last rename wins, whole. A failed write
    leaves no temporary file. The file is created as any other (mkstemp's would be readable by its owner only)."""
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
    f = tmp.open("x", encoding="utf-8") if text else tmp.open("xb")
    try:
        with f:
            write(f)
        tmp.replace(path)  # atomic on one file system
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
