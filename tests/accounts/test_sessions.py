"""Session limits (等保 2.0 level 3): 30 minutes idle ends a session, and 12 hours after login it ends anyway."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from renda.accounts.security import LOGIN_AT_KEY
from tests.accounts.helpers import audit_rows, page_login

pytestmark = pytest.mark.django_db
HOME = reverse("web:home")


def _session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _set_login_at(client: Client, seconds_ago: float) -> None:
    session = client.session
    session[LOGIN_AT_KEY] = time.time() - seconds_ago
    session.save()


def test_the_idle_timeout_is_30_minutes_and_renewed_by_each_request(clerk):
    client = Client()
    page_login(client, "clerk")
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert client.session.get_expiry_age() == 30 * 60
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=5))

    response = client.get(HOME)

    assert response.status_code == 200
    remaining = _session_row(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_a_session_idle_past_the_timeout_is_gone(clerk):
    client = Client()
    page_login(client, "clerk")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_login_records_when_the_session_began(clerk):
    client = Client()
    before = time.time()
    page_login(client, "clerk")
    assert before <= client.session[LOGIN_AT_KEY] <= time.time()


def test_a_session_ends_12_hours_after_login_however_busy(clerk):
    client = Client()
    page_login(client, "clerk")
    _set_login_at(client, 12 * 3600 - 60)
    assert client.get(HOME).status_code == 200  # a minute before the limit: still in

    _set_login_at(client, 12 * 3600 + 1)
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?expired=1&next={quote(HOME)}"
    assert "登录已超时" in client.get(response["Location"]).content.decode()
    [row] = audit_rows("auth.session_expired")
    assert row.actor_id == clerk.pk
    again = client.get(HOME)
    assert again.status_code == 302 and "expired" not in again["Location"]  # logged out, not just redirected


def test_an_expired_session_on_the_api_answers_401_not_a_redirect(clerk):
    client = Client()
    page_login(client, "clerk")
    assert client.get("/api/v1/me").status_code == 200
    _set_login_at(client, 12 * 3600 + 1)

    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_htmx_is_told_to_load_the_login_page_whole_and_come_back_to_the_page(clerk):
    client = Client()
    page_login(client, "clerk")
    _set_login_at(client, 12 * 3600 + 1)

    response = client.get(reverse("insights:hot_home"),
                          headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/?tab=1"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('accounts:login')}?expired=1&next={quote('/?tab=1', safe='/')}"


def test_a_fragment_asked_for_while_typing_says_the_login_expired_and_keeps_the_page(clerk):
    """The typing assistant and the reply advice post what is being typed: the login page swapped into their panel
    took the keyboard (its autofocus), and a redirect of the whole page would lose the draft."""
    client = Client()
    page_login(client, "clerk")
    client.cookies.pop(settings.SESSION_COOKIE_NAME)  # as after 30 idle minutes

    response = client.post(reverse("insights:assist"), {"content": "北关村路灯坏了"},
                           headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/liaison/new/"})

    assert response.status_code == 200 and "HX-Redirect" not in response
    body = response.content.decode()
    assert 'data-testid="login-expired"' in body and "请先复制保存" in body
    assert f'href="{reverse("accounts:login")}?next={quote("/liaison/new/", safe="/")}"' in body.replace("&amp;", "&")
    assert "<form" not in body and "autofocus" not in body


def test_a_session_opened_elsewhere_starts_its_clock_at_first_use(clerk):
    client = Client()
    client.force_login(clerk)
    assert LOGIN_AT_KEY not in client.session

    assert client.get(HOME).status_code == 200

    assert client.session[LOGIN_AT_KEY] <= time.time()


def test_a_fragment_fetched_after_the_idle_timeout_takes_the_page_to_the_login_and_back(clerk):
    client = Client()
    page_login(client, "clerk")
    client.cookies.pop(settings.SESSION_COOKIE_NAME)

    response = client.get(reverse("insights:hot_home"),
                          headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('accounts:login')}?next=/"
    plain = client.get(reverse("insights:hot"))
    assert plain.status_code == 302
    assert plain["Location"] == f"{reverse('accounts:login')}?next={reverse('insights:hot')}"


def test_a_form_sent_after_the_login_lapsed_comes_back_to_the_page_it_was_sent_from(clerk):
    """The form's action may take POST only (the logout button's): coming back to it after logging in was a 405."""
    client = Client()
    page_login(client, "clerk")
    _set_login_at(client, 12 * 3600 + 1)
    response = client.post(reverse("accounts:logout"), headers={"Referer": "http://testserver/liaison/opinions/"})
    assert response["Location"] == f"{reverse('accounts:login')}?expired=1&next=/liaison/opinions/"
    page_login(client, "clerk")
    elsewhere = client.post(reverse("accounts:logout"), headers={"Referer": "http://evil.example/x"})
    client.cookies.pop(settings.SESSION_COOKIE_NAME)
    again = client.post(reverse("accounts:logout"), headers={"Referer": "http://evil.example/x"})
    assert elsewhere.status_code == 302
    assert again["Location"] == f"{reverse('accounts:login')}?next=/", "only a page of this site is come back to"


def test_an_items_action_url_opened_as_a_page_goes_to_the_item(clerk):
    """A refused form is shown at its action's URL; a login's `next` or a reload opened it with GET: 405."""
    client = Client()
    page_login(client, "clerk")
    for url, detail in ((reverse("suggestions:act", args=[7, "review"]), reverse("suggestions:detail", args=[7])),
                        (reverse("liaison:opinion_act", args=[8, "reply"]),
                         reverse("liaison:opinion_detail", args=[8])),
                        (reverse("liaison:activity_act", args=[9, "notify"]), reverse("liaison:activity", args=[9]))):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, detail)
        assert client.put(url).status_code == 405


def test_a_forms_part_fetched_after_the_login_lapsed_says_so_in_its_place(clerk):
    """A part of a form that follows a choice (the meeting form's requesters) is a GET: taking the page to the
    login lost the other fields typed."""
    client = Client()
    page_login(client, "clerk")
    client.cookies.pop(settings.SESSION_COOKIE_NAME)
    response = client.get(reverse("meetings:session_requesters"),
                          headers={"HX-Request": "true", "X-Renda-Keep-Page": "1",
                                   "HX-Current-URL": "http://testserver/meetings/"})
    assert response.status_code == 200 and 'data-testid="login-expired"' in response.content.decode()
