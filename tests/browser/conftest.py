"""Tests in this folder run in a real browser (fixtures `browser` and `page` in tests/browser_support.py)."""

from __future__ import annotations

import os

import pytest

from tests.browser_support import CHROMIUM, SKIP_REASON

__all__ = ["CHROMIUM"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
