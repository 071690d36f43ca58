"""The Content-Security-Policy in Chromium: the pages run with scripts from this site only (no inline script or
handler, no eval), nothing of theirs is refused, and an injected inline handler does not run."""

from __future__ import annotations

import pytest

from tests.browser_support import CHROMIUM, log_in
from tests.factories import PASSWORD, org_tree
from tests.liaison.builders import build_liaison

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(CHROMIUM is None, reason="browser test skipped: Debian's chromium is not installed")]

RECORD = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
                          (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


def test_the_pages_run_under_the_policy_and_an_injected_handler_does_not(live_server, page):
    w = build_liaison(org_tree())
    page.add_init_script(RECORD)  # the test's own recorder, injected by the browser, not by the page
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    log_in(page, live_server.url, w.clerk.username, PASSWORD)
    assert page.evaluate("window.__csp") == []
    page.goto(f"{live_server.url}/liaison/stations/{w.central.pk}/opinions/new/")
    page.get_by_label("意见内容").press_sequentially("东湖社区油烟扰民，晚上噪音也很大", delay=5)
    page.wait_for_selector("[data-testid=insights-assist] .insights-result >> text=输入内容后", state="detached",
                           timeout=20_000)  # htmx answered (no eval, renda.js sent the typing event)
    assert page.evaluate("window.__csp") == []
    for path in ("/insights/archive/", "/insights/hot/", "/insights/", "/api/v1/docs"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], path
    page.goto(f"{live_server.url}/")
    page.evaluate("""() => document.body.insertAdjacentHTML('beforeend',
                     '<img src="data:," onerror="window.__ran = 1">')""")
    page.wait_for_function("() => window.__csp.length > 0")
    assert page.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
