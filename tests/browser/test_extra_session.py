"""A township clerk on a phone calls an extraordinary session on the proposal of one fifth of the deputies: the
deputies of the congress chosen are loaded into the form, one ticked is refused with the figures, two are enough."""

from __future__ import annotations

import pytest

from renda.core.roles import Role
from renda.meetings.models import Session, SessionKind
from tests.browser_support import log_in
from tests.factories import PASSWORD, UserFactory, org_tree
from tests.meetings.util import make_deputies

pytestmark = pytest.mark.django_db(transaction=True)


def test_clerk_ticks_the_proposing_deputies_and_the_session_is_created_only_with_one_fifth(live_server, page):
    tree = org_tree()
    people = make_deputies(tree.term_a, 10)
    clerk = UserFactory(username="clerk", role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    log_in(page, live_server.url, clerk.username, PASSWORD)

    def fill_and_submit(ticked: int) -> None:
        page.goto(f"{live_server.url}/meetings/")
        page.wait_for_selector("[data-testid=requesters]")  # loaded by htmx for the congress in the form
        assert "本届在任代表 10 名，至少 2 名" in page.inner_text("[data-testid=requesters] summary")
        page.fill("#s-number", "3")
        page.fill("#s-title", "甲镇临时会议")
        page.fill("#s-start", "2026-06-02")
        page.fill("#s-end", "2026-06-02")
        page.select_option("#s-kind", SessionKind.EXTRAORDINARY)
        page.select_option("#s-convened", "deputies")
        page.click("[data-testid=requesters] summary")
        for p in people[:ticked]:
            page.check(f"input[name=requesters][value='{p.pk}']")
        page.get_by_role("button", name="建立", exact=True).click()
        page.wait_for_load_state()

    fill_and_submit(1)
    page.wait_for_selector("text=至少 2 名提议，现有 1 名")
    assert not Session.objects.exists()
    fill_and_submit(2)
    page.wait_for_selector("text=已建立“甲镇临时会议”")
    session = Session.objects.get()
    assert session.kind == SessionKind.EXTRAORDINARY and session.requesters.count() == 2
