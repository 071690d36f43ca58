"""axe-core (offline, from axe-playwright-python's bundled axe.min.js) on the pages tests/browser/test_portal.py
does not reach: a refused (429) submission, a station that does not exist (404), the pages right after
submitting and judging — in normal and large-text mode — and the deputy's own liaison page on a phone."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from renda.core.models import PlatformSetting
from renda.core.roles import Role
from renda.liaison.services.deputies import opinion_set_deputy
from renda.liaison.services.opinions import format_code
from tests.browser.test_portal import serious_violations
from tests.factories import PASSWORD, UserFactory, org_tree
from tests.liaison.builders import build_liaison
from tests.liaison.portal_data import build_portal_data

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_axe_on_refused_missing_and_after_submit_pages_and_the_deputy_page(live_server, page):
    cache.clear()
    liaison = build_liaison(org_tree())
    data = build_portal_data(liaison)
    base = live_server.url
    found: dict[str, list[str]] = {}

    def check(label: str) -> None:
        problems = serious_violations(page)
        if problems:
            found[label] = problems

    page.context.clear_cookies()
    for mode in ("normal", "large"):
        page.goto(f"{base}/portal/text-size/?size={mode}&next=/portal/")
        for url in ("/portal/stations/999999/", f"/portal/track/{format_code(data.replied.tracking_code)}/?new=1"):
            page.goto(base + url)
            check(f"{mode} {url}")
    # a submission refused by the throttle (429) shows its message in the form
    PlatformSetting.objects.create(key="liaison.throttle_per_ip_hour", value=0)
    page.goto(f"{base}/portal/opinions/new/?station={liaison.central.pk}")
    page.fill("textarea[name=content]", "村口的路灯坏了一个月，晚上出行不便。")
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_selector("[data-testid=form-errors]")
    assert "后可以再试" in page.content()
    check("429 form")

    # the deputy's own page, on the phone-sized browser
    page.context.clear_cookies()
    account = UserFactory(role=Role.DEPUTY, region=liaison.tree.town_a, person=liaison.deputies[0],
                          username="deputy_wang")
    opinion_set_deputy(actor=liaison.clerk, opinion=data.received, person=liaison.deputies[0])
    page.goto(f"{base}/accounts/login/?next=/liaison/me/")
    page.fill("input[name=username]", account.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/liaison/me/")
    assert data.received.code in page.content()
    check("deputy page")
    assert not found, "\n".join(f"{url}: {p}" for url, ps in found.items() for p in ps)
