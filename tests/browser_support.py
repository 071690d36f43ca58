"""Real headless Chromium (Debian's package) driven by Playwright, shared by every browser test in the suite:
one browser for the whole run (Playwright's sync API allows one instance per thread)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SKIP_REASON = "browser test skipped: Debian's chromium is not installed"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="renda-chromium-")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS, locale="zh-CN",
            viewport={"width": 390, "height": 844})  # a phone
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    p = browser.new_page()  # type: ignore[attr-defined]
    yield p
    p.close()


def log_in(page: object, base_url: str, username: str, password: str) -> None:
    """Sign in on the login page as a person would, and wait for the signed-in header."""
    page.goto(f"{base_url}/accounts/login/")  # type: ignore[attr-defined]
    page.fill("#id_username", username)  # type: ignore[attr-defined]
    page.fill("#id_password", password)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-testid=who]")  # type: ignore[attr-defined]
