from __future__ import annotations

from pathlib import Path

import pytest

from tests.liaison.builders import Liaison, build_liaison


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    """Models are files under DATA_DIR: every test gets its own."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def world(tree) -> Liaison:
    """The liaison builders' township, clerks, stations and deputies, with the similar-case indexes of earlier
    tests forgotten (a test module may define a richer `world` of its own)."""
    from renda.insights import history

    history.clear_caches()
    return build_liaison(tree)
