"""Fixtures of the liaison tests: the township of tests/liaison/builders.py, and throttles reset per test."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories import OrgTree
from tests.liaison.builders import Liaison, build_liaison


@pytest.fixture(autouse=True)
def _clear_throttles() -> None:
    cache.clear()


@pytest.fixture
def liaison(tree: OrgTree) -> Liaison:
    return build_liaison(tree)
