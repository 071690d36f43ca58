"""In Chromium: a township clerk registers an opinion; as the text is typed, the proposed category and the similar
past cases appear beside the form."""

from __future__ import annotations

import pytest

from renda.insights import history, jobs
from renda.liaison.services import opinions as opinion_services
from renda.organizations.services import congress_setting_set
from tests.browser_support import CHROMIUM, log_in
from tests.factories import PASSWORD, org_tree
from tests.insights.synthetic import history as synthetic_history
from tests.liaison.builders import build_liaison

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(CHROMIUM is None, reason="browser test skipped: Debian's chromium is not installed")]


def test_typing_an_opinion_shows_the_proposed_category_and_the_same_complaint_before(live_server, page):
    history.clear_caches()
    w = build_liaison(org_tree())
    congress = w.tree.congress_a
    congress_setting_set(actor=None, congress=congress, key="insights.min_history", raw="20")
    for text, category in synthetic_history(per_class=8):
        opinion_services.opinion_register(actor=w.clerk, station=w.central, channel="reception", content=text,
                                          category=category)
    assert jobs.retrain_congress.call(congress.pk, "category") is True

    log_in(page, live_server.url, w.clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/liaison/stations/{w.central.pk}/opinions/new/")
    page.get_by_label("意见内容").press_sequentially("东湖社区油烟扰民，晚上噪音也很大，希望处理", delay=5)
    page.wait_for_selector("[data-testid=insights-category]", timeout=20_000)
    assert "建议分类：环境保护" in page.inner_text("[data-testid=insights-category]")
    assert page.locator("[data-testid=insights-similar] li").count() >= 1
    category = page.locator("form select[name=category]")
    assert category.input_value() == ""
    page.click("[data-testid=insights-apply-category]")  # one tap takes the proposal into the form
    assert category.input_value() == "环境保护"
    assert page.inner_text("[data-testid=insights-apply-category]") == "已采用"
