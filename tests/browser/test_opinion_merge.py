"""A township clerk on a phone opens an opinion the text engine flags as the same complaint as another open one and
merges it with one tap; the page then says which opinion answers it."""

from __future__ import annotations

import pytest

from renda.liaison.models import Opinion, OpinionStatus
from renda.liaison.services import opinions as svc
from tests.browser_support import log_in
from tests.factories import PASSWORD, org_tree
from tests.liaison.builders import build_liaison

pytestmark = pytest.mark.django_db(transaction=True)
POTHOLE = "幸福村村口道路破损严重，雨天积水，群众出行不便，希望尽快修复。"


def test_clerk_merges_a_flagged_duplicate_with_one_tap(live_server, page):
    liaison = build_liaison(org_tree())
    first = svc.opinion_register(actor=liaison.clerk, channel="phone", content=POTHOLE, station=liaison.central,
                                 phone="13900005555")
    second = svc.opinion_register(actor=liaison.clerk, channel="phone", content=POTHOLE + "已经反映过。",
                                  station=liaison.central, phone="13900006666")
    log_in(page, live_server.url, liaison.clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/liaison/opinions/{second.pk}/")
    page.wait_for_selector("[data-testid=near-duplicates]")  # loaded by htmx after the page
    button = page.locator("[data-testid=merge-into]")
    assert button.count() == 1 and svc.format_code(first.tracking_code) in button.inner_text()
    button.click()
    page.wait_for_selector("[data-testid=merged-into]")
    assert first.code in page.inner_text("[data-testid=merged-into]")
    assert Opinion.objects.get(pk=second.pk).status == OpinionStatus.MERGED
