"""Log in as the township clerk in a real browser, see the home page with figures, log out."""

from __future__ import annotations

import pytest

from renda.core.roles import Role
from tests.factories import PASSWORD, MandateFactory, PersonFactory, UserFactory, org_tree


@pytest.mark.django_db(transaction=True)
def test_township_clerk_logs_in_sees_figures_and_logs_out(live_server, page):
    tree = org_tree()
    for i in range(3):
        MandateFactory(person=PersonFactory(region=tree.village_a, name=f"甲镇代表{i}"), term=tree.term_a)
    MandateFactory(person=PersonFactory(region=tree.village_b), term=tree.term_b)
    UserFactory(username="township", role=Role.TOWNSHIP_STAFF, region=tree.town_a, display_name="甲镇秘书")

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "township")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=deputy-figures]")
    assert page.inner_text("[data-testid=total-mandates]").strip() == "3"
    assert "甲镇秘书" in page.inner_text("[data-testid=who]")
    assert "代表构成" in page.content()

    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url, "after logout the home page asks for a login again"


@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_the_generic_message(live_server, page):
    tree = org_tree()
    UserFactory(username="township", role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "township")
    page.fill("#id_password", "wrong-Password-1")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text("[data-testid=login-error]")


@pytest.mark.django_db(transaction=True)
def test_the_county_clerks_home_page_lists_what_waits_and_loads_the_months_hot_issues(live_server, page):
    """In Chromium: the 待办 card names the opinions waiting for a reply, and htmx fills 本月热点问题 after the page."""
    from renda.liaison.services import opinions as opinion_services
    from tests.liaison.builders import build_liaison

    world = build_liaison(org_tree())
    UserFactory(username="county", role=Role.COUNTY_STAFF, region=world.tree.county)
    for i in range(3):
        opinion_services.opinion_register(actor=world.clerk, channel="reception", station=world.central,
                                          name=f"村民{i}", phone=f"1380000001{i}",
                                          content="甲村幸福路路灯坏了一个月，晚上漆黑一片，请尽快修复路灯。")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "county")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=todo-opinions]")
    assert page.inner_text("[data-testid=todo-opinions] [data-testid=todo-count]").strip() == "3"
    page.wait_for_selector("[data-testid=hot-home-list]")
    hot = page.inner_text("[data-testid=hot-home]")
    assert "路灯" in hot and "3 人反映" in hot
    page.click("[data-testid=hot-home-list] a")
    page.wait_for_url("**/insights/hot/**")
    assert page.is_visible(f"#hot-township-{world.tree.town_a.pk}")
