from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    """Models are files under DATA_DIR: every test gets its own."""
    settings.DATA_DIR = tmp_path
    return tmp_path
