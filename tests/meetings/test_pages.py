"""Pages: the clerk's run page, the deputy's phone page (sign in, vote, receipt), the hall screen behind its secret
link, and who reaches which."""

from __future__ import annotations

import pytest
from django.test import Client

from renda.core.roles import Role
from renda.meetings import services
from renda.meetings.models import Attendance, NoticeReceipt, Participation, SecretBallot
from tests.factories import UserFactory
from tests.meetings.util import hall

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_clerk_runs_the_meeting_from_the_run_page(tree):
    h = hall(tree, 3, present=0, start=False)
    clerk = login(h.clerk)
    page = clerk.get(f"/meetings/{h.meeting.pk}/")
    assert page.status_code == 200 and "扫码签到" in page.content.decode() and "<svg" in page.content.decode()
    for p in h.deputies:
        clerk.post(f"/meetings/{h.meeting.pk}/do/sign_in/", {"person": p.pk})
    assert Attendance.objects.filter(meeting=h.meeting, status="present", method="staff").count() == 3
    clerk.post(f"/meetings/{h.meeting.pk}/do/start/")
    clerk.post(f"/meetings/{h.meeting.pk}/do/vote_new/", {"title": "关于预算的决议", "kind": "resolution",
                                                          "mode": "electronic", "secret": "on"})
    vote = h.meeting.votes.get()
    assert vote.secret
    response = clerk.post(f"/meetings/{h.meeting.pk}/do/vote_open/", {"vote": vote.pk}, follow=True)
    assert "表决已开始" in response.content.decode()
    vote.refresh_from_db()
    assert vote.status == "open"


def test_a_refused_action_comes_back_as_a_message(tree):
    h = hall(tree, 3, present=1, start=False)
    response = login(h.clerk).post(f"/meetings/{h.meeting.pk}/do/start/", follow=True)
    assert "法定人数" in response.content.decode() or "三分之二" in response.content.decode()
    h.meeting.refresh_from_db()
    assert h.meeting.status == "planned"


def test_another_townships_clerk_gets_404_on_pages(tree):
    h = hall(tree, 3)
    other = login(UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b))
    assert other.get(f"/meetings/{h.meeting.pk}/").status_code == 404
    assert other.post(f"/meetings/{h.meeting.pk}/do/close/").status_code == 404
    h.meeting.refresh_from_db()
    assert h.meeting.status == "in_progress"


def test_deputy_signs_in_votes_and_gets_a_receipt_on_the_phone(tree):
    h = hall(tree, 3, present=2, start=True)
    notice = services.notice_publish(actor=h.clerk, meeting=h.meeting, title="开会须知", body="请准时参加")
    person = h.deputies[2]
    phone = login(h.user(person))
    assert phone.get(f"/meetings/{h.meeting.pk}/").status_code == 302, "a deputy who is not chair gets the phone"
    assert "签到" in phone.get(f"/meetings/{h.meeting.pk}/me/").content.decode()
    phone.post(f"/meetings/{h.meeting.pk}/me/sign_in/")
    assert Attendance.objects.get(meeting=h.meeting, person=person).method == "self"
    phone.get(f"/meetings/{h.meeting.pk}/me/notices/{notice.pk}/")
    assert NoticeReceipt.objects.filter(notice=notice, person=person).exists()
    vote = services.vote_open(actor=h.clerk, vote=services.vote_create(actor=h.clerk, meeting=h.meeting,
                                                                          title="表决", secret=True))
    assert 'data-testid="choice-yes"' in phone.get(f"/meetings/{h.meeting.pk}/me/").content.decode()
    receipt = phone.post(f"/meetings/{h.meeting.pk}/me/votes/{vote.pk}/", {"choice": "no"})
    text = receipt.content.decode()
    assert receipt.status_code == 200 and 'data-testid="receipt-code"' in text
    assert Participation.objects.filter(vote=vote, person=person).exists()
    assert SecretBallot.objects.get(vote=vote).choice == "no"
    again = phone.post(f"/meetings/{h.meeting.pk}/me/votes/{vote.pk}/", {"choice": "yes"}, follow=True)
    assert "只能投一票" in again.content.decode()
    result = services.vote_close(actor=h.clerk, vote=vote)
    listing = phone.get(f"/meetings/votes/{vote.pk}/receipts/").content.decode()
    assert result.seal in listing and result.receipts[0] in listing


def test_qr_code_at_the_door_signs_the_deputy_in(tree):
    h = hall(tree, 3, present=0, start=False)
    person = h.deputies[0]
    phone = login(h.user(person))
    assert phone.get(f"/meetings/{h.meeting.pk}/checkin/wrong-token/").status_code == 404
    phone.get(f"/meetings/{h.meeting.pk}/checkin/{h.meeting.checkin_token}/")
    assert Attendance.objects.get(meeting=h.meeting, person=person).method == "qr"


def test_hall_screen_needs_its_secret_link_and_shows_only_aggregates(tree):
    h = hall(tree, 4)
    vote = services.vote_open(actor=h.clerk, vote=services.vote_create(actor=h.clerk, meeting=h.meeting,
                                                                          title="无记名表决", secret=True))
    services.ballot_cast(actor=h.user(h.deputies[0]), vote=vote, person=h.deputies[0], choice="no")
    anonymous = Client()
    assert anonymous.get("/meetings/display/not-the-token/").status_code == 404
    page = anonymous.get(f"/meetings/display/{h.meeting.display_token}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    live = anonymous.get(f"/meetings/display/{h.meeting.display_token}/live/").content.decode()
    assert 'data-testid="live-voted">1<' in live and "反对" not in live, "a secret round shows only the count"
    assert h.deputies[0].name not in live
    services.vote_close(actor=h.clerk, vote=vote)
    live = anonymous.get(f"/meetings/display/{h.meeting.display_token}/live/").content.decode()
    assert 'data-testid="live-no">1<' in live and "未通过" in live


def test_compliance_page_lists_each_township(tree):
    county = login(UserFactory(role=Role.COUNTY_STAFF, region=tree.county))
    text = county.get("/meetings/compliance/?year=2026").content.decode()
    assert "甲镇" in text and "乙镇" in text and "测试县" not in text.split("<tbody>")[1]
    township = login(UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b))
    text = township.get("/meetings/compliance/?year=2026").content.decode()
    assert "乙镇" in text and "甲镇" not in text
