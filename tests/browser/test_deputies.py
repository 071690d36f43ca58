"""County staff on a phone: open the deputy list from the menu, search by pinyin initials, open the deputy's page
and see their mandates and group — with the ID number masked."""

from __future__ import annotations

import os

import pytest

from renda.core.roles import Role
from tests.browser_support import log_in
from tests.deputies.registry import build
from tests.factories import PASSWORD, org_tree

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("RENDA_SCREENSHOTS")  # a folder: save what the test sees, for a person to look at


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_county_staff_search_by_pinyin_initials_and_open_the_deputy(live_server, page):
    reg = build(org_tree())
    assert reg.county_clerk.role == Role.COUNTY_STAFF
    log_in(page, live_server.url, reg.county_clerk.username, PASSWORD)

    page.click("label.nav-toggle-label")            # the phone's menu
    page.get_by_role("link", name="代表", exact=True).click()
    page.wait_for_selector("[data-testid=deputy-list]")
    assert page.inner_text("[data-testid=count]") == "共 4 人"
    _shot(page, "deputies-list")

    page.fill("#id_q", "zl")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**q=zl**")
    assert page.inner_text("[data-testid=count]") == "共 1 人"
    rows = page.locator("[data-testid=deputy-list] tbody tr")
    assert rows.count() == 1 and "赵六" in rows.first.inner_text()

    page.get_by_role("link", name="赵六").click()
    page.wait_for_selector("[data-testid=deputy-name]")
    assert "赵六" in page.inner_text("[data-testid=deputy-name]")
    mandates = page.inner_text("[data-testid=mandates]")
    assert "测试县人民代表大会" in mandates and "县第一选区" in mandates
    masked = page.inner_text("[data-testid=id-masked]")
    assert "********" in masked and reg.zhao.id_number not in page.content()
    _shot(page, "deputies-detail")
