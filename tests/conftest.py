from __future__ import annotations

import shutil

import pytest
from django.db import connection

from tests.browser_support import browser, page  # noqa: F401  (one browser for the whole run)
from tests.factories import OrgTree, org_tree


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    return [f"renda database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db.get('HOST') or db.get('NAME')})",
            f"renda browser: {chromium or 'chromium NOT FOUND — browser tests will be skipped'}"]


@pytest.fixture
def tree(db: None) -> OrgTree:
    return org_tree()


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache: a test database reuses ids after a rollback, so an entry keyed by a
    region's path or an opinion's id could otherwise answer for another test's rows (the portal's pages, the home
    page's 本月热点)."""
    from django.core.cache import cache

    cache.clear()
