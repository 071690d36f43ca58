"""The whole hall in a real browser: deputies sign in (one on the phone, one by the clerk, one by API) → the clerk
starts the meeting and opens a secret vote → deputies vote (one on the phone, getting a receipt) → the hall screen
counts the ballots live, without their content → the clerk closes → the screen shows the sealed result."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from renda.core.roles import Role
from renda.meetings import services
from renda.meetings.models import SecretBallot, Vote
from tests.factories import PASSWORD, UserFactory, org_tree
from tests.helpers import api_client
from tests.meetings.util import deputy_user, make_deputies, make_session

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=who]")


def _logout(page):
    """The page polls the meeting every second: a poll answered after the logout takes the page to the login as
    well, and back to the meeting afterwards (?next=…), which is the login page all the same."""
    page.get_by_role("button", name="退出").click()
    try:
        page.wait_for_url(re.compile(r"/accounts/login/(\?next=[^&]*)?$"))
    except PlaywrightTimeout:
        raise AssertionError(f"after 退出 the page is at {page.url}, not the login page") from None


def _post(client: Client, url: str, body: dict | None = None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_sign_in_open_vote_deputies_vote_close_and_the_screen_shows_the_result(live_server, browser):
    tree = org_tree()
    clerk = UserFactory(username="clerk", role=Role.TOWNSHIP_STAFF, region=tree.town_a, display_name="甲镇人大秘书")
    people = make_deputies(tree.term_a, 3)
    users = [deputy_user(p) for p in people]
    meeting = services.meeting_create(actor=clerk, congress=tree.congress_a, kind="plenary", title="甲镇第一次全体会议",
                                      starts_at=timezone.now(), session=make_session(tree.term_a))
    base = live_server.url
    page, screen = browser.new_page(), browser.new_page()
    try:
        # The hall screen, opened by its secret link on the PC at the projector (no account).
        screen.goto(f"{base}/meetings/display/{meeting.display_token}/")
        screen.wait_for_selector("[data-testid=live-present]")
        assert screen.inner_text("[data-testid=live-present]") == "0"

        # Deputy 0 signs in on the phone; deputy 2 by the API; the clerk signs deputy 1 in at the desk.
        _login(page, base, users[0].username)
        page.goto(f"{base}/meetings/{meeting.pk}/me/")
        page.click("[data-testid=sign-in]")
        page.wait_for_selector("[data-testid=signed-in]")
        _logout(page)
        assert _post(api_client(users[2]), f"/api/v1/meetings/{meeting.pk}/sign_in").json()["status"] == "present"
        _login(page, base, "clerk")
        page.goto(f"{base}/meetings/{meeting.pk}/")
        page.click(f"[data-testid=staff-sign-in-{people[1].pk}]")
        page.wait_for_selector("text=已签到")
        screen.wait_for_function(
            "() => document.querySelector('[data-testid=live-present]').textContent.trim() === '3'", timeout=3000)

        # The clerk starts the meeting, creates a secret vote and opens it.
        page.get_by_role("button", name="开始会议").click()
        page.wait_for_selector("[data-testid=meeting-status]:has-text('进行中')")
        page.fill("#v-title", "关于镇人民政府工作报告的决议")
        page.check("#v-secret")
        page.click("[data-testid=create-vote]")
        page.click("[data-testid=open-vote]")
        page.wait_for_selector("[data-testid=close-vote]")
        vote = Vote.objects.get(meeting=meeting)
        assert vote.status == "open" and vote.secret
        screen.wait_for_selector("[data-testid=live-voted]", timeout=3000)
        _logout(page)

        # Deputy 0 votes on the phone and gets a receipt; deputies 1 and 2 vote through the API.
        _login(page, base, users[0].username)
        page.goto(f"{base}/meetings/{meeting.pk}/me/")
        page.click("[data-testid=choice-yes]")
        page.wait_for_selector("[data-testid=receipt-code]")
        code = page.inner_text("[data-testid=receipt-code]").strip()
        fingerprint = page.inner_text("[data-testid=receipt-fingerprint]").strip()
        assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
        _logout(page)
        assert _post(api_client(users[1]), f"/api/v1/votes/{vote.pk}/ballots", {"choice": "yes"}).status_code == 200
        screen.wait_for_function("() => document.querySelector('[data-testid=live-voted]').textContent.trim() === '2'",
                                 timeout=3000)
        assert "赞成" not in screen.inner_text("[data-testid=live-vote]"), "a secret round shows only the count"
        assert _post(api_client(users[2]), f"/api/v1/votes/{vote.pk}/ballots", {"choice": "no"}).status_code == 200

        # The clerk closes the vote; the hall screen shows the result by itself within a second or so.
        _login(page, base, "clerk")
        page.goto(f"{base}/meetings/{meeting.pk}/")
        page.click("[data-testid=close-vote]")
        page.wait_for_selector("text=表决已结束")
        screen.wait_for_selector("[data-testid=live-verdict]", timeout=3000)
        assert screen.inner_text("[data-testid=live-yes]") == "2"
        assert screen.inner_text("[data-testid=live-no]") == "1"
        assert screen.inner_text("[data-testid=live-verdict]").strip() == "通过"
        assert "应到 3 人" in screen.inner_text("[data-testid=live-basis]")
        assert SecretBallot.objects.filter(vote=vote).count() == 3

        # The voter finds their receipt in the published list.
        _logout(page)
        _login(page, base, users[0].username)
        page.goto(f"{base}/meetings/votes/{vote.pk}/receipts/")
        page.fill("[data-testid=receipt-search]", fingerprint)
        page.wait_for_selector("text=您的选票已计入本轮结果")
        assert page.inner_text("[data-testid=seal]").strip() == vote.result.seal
    finally:
        page.close()
        screen.close()
