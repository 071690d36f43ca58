"""Login failures (等保 2.0 level 3 登录失败处理): after [setting] 5 failures the account is locked for [setting]
30 minutes, by django-axes; a wrong username and a wrong password look the same; every try is audited."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.db.models import F
from django.test import Client
from django.urls import reverse

from renda.accounts import services
from renda.accounts.security import LOCKED_MESSAGE, LOGIN_FAILED_MESSAGE
from tests.accounts.helpers import audit_rows, page_login, token_login
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
WRONG = "Wrong-pass-1"


def _error_text(response) -> str:
    html = response.content.decode()
    start = html.index('data-testid="login-error">') + len('data-testid="login-error">')
    return html[start:html.index("</p>", start)]


def _is_logged_in(client: Client) -> bool:
    return client.get(reverse("web:home")).status_code == 200


def _travel_back(username: str, **delta: float) -> None:
    """Make django-axes' recorded failures of `username` that much older (its cool-off reads attempt_time)."""
    AccessAttempt.objects.filter(username=username).update(attempt_time=F("attempt_time") - timedelta(**delta))


def test_login_is_audited(clerk):
    client = Client()
    response = page_login(client, "clerk")

    assert response.status_code == 302
    [row] = audit_rows("auth.login")
    assert (row.actor_id, row.object_id, row.ip) == (clerk.pk, str(clerk.pk), "127.0.0.1")
    assert json.loads(row.after) == {"channel": "page", "second_factor": "none"}
    assert _is_logged_in(client)


def test_logout_is_audited_and_ends_the_session(clerk):
    client = Client()
    page_login(client, "clerk")

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    [row] = audit_rows("auth.logout")
    assert row.actor_id == clerk.pk
    assert not _is_logged_in(client)


def test_wrong_username_and_wrong_password_get_the_same_answer(clerk):
    wrong_password = page_login(Client(), "clerk", WRONG)
    wrong_username = page_login(Client(), "nobody", WRONG)

    assert wrong_password.status_code == wrong_username.status_code == 200
    assert _error_text(wrong_password) == _error_text(wrong_username) == LOGIN_FAILED_MESSAGE
    api_wrong_password = token_login(Client(), "clerk", WRONG)
    api_wrong_username = token_login(Client(), "nobody", WRONG)
    assert api_wrong_password.status_code == api_wrong_username.status_code == 401
    assert api_wrong_password.json() == api_wrong_username.json()
    assert api_wrong_password.json()["code"] == "invalid_credentials"
    rows = audit_rows("auth.login_failed")
    assert [(r.object_repr, r.object_id) for r in rows] == [
        ("clerk", str(clerk.pk)), ("nobody", ""), ("clerk", str(clerk.pk)), ("nobody", "")]
    assert all(json.loads(r.after)["reason"] == "invalid_credentials" for r in rows)
    assert all(r.actor_id is None and r.actor_username == "" for r in rows)


def test_five_wrong_passwords_lock_the_account_even_against_the_right_password(clerk):
    client = Client()
    answers = [page_login(client, "clerk", WRONG) for _ in range(5)]

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert _error_text(answers[0]) == LOGIN_FAILED_MESSAGE
    assert _error_text(answers[4]) == LOCKED_MESSAGE

    sixth = page_login(client, "clerk", PASSWORD)

    assert sixth.status_code == 429
    assert _error_text(sixth) == LOCKED_MESSAGE
    assert not _is_logged_in(client)
    assert not audit_rows("auth.login")
    reasons = [json.loads(r.after)["reason"] for r in audit_rows("auth.login_failed", object_repr="clerk")]
    assert reasons == ["invalid_credentials"] * 4 + ["locked_out"] * 2
    assert AccessFailureLog.objects.filter(username="clerk", locked_out=True).exists()


def test_a_lockout_does_not_tell_whether_the_account_exists(clerk):
    client = Client()
    answers = [page_login(client, "ghost", WRONG) for _ in range(5)]

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert _error_text(answers[4]) == LOCKED_MESSAGE


def test_a_success_clears_the_failures(clerk):
    client = Client()
    for _ in range(4):
        page_login(client, "clerk", WRONG)
    page_login(client, "clerk", PASSWORD)
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        assert page_login(client, "clerk", WRONG).status_code == 200

    assert page_login(client, "clerk", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(clerk):
    for _ in range(5):
        page_login(Client(), "clerk", WRONG)
    _travel_back("clerk", minutes=29)
    assert page_login(Client(), "clerk", PASSWORD).status_code == 429  # 29 minutes on: still locked

    _travel_back("clerk", minutes=30, seconds=1)

    client = Client()
    assert page_login(client, "clerk", PASSWORD).status_code == 302
    assert _is_logged_in(client)
    assert not AccessAttempt.objects.filter(username="clerk").exists()


def test_the_failure_limit_is_a_platform_setting(clerk, security_admin):
    services.lockout_policy_set(actor=security_admin, failures=3, minutes=30)

    answers = [page_login(Client(), "clerk", WRONG) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert page_login(Client(), "clerk", PASSWORD).status_code == 429


def test_the_lock_duration_is_a_platform_setting(clerk, security_admin):
    services.lockout_policy_set(actor=security_admin, failures=5, minutes=10)
    for _ in range(5):
        page_login(Client(), "clerk", WRONG)

    _travel_back("clerk", minutes=10, seconds=1)

    assert page_login(Client(), "clerk", PASSWORD).status_code == 302


def test_token_login_failures_count_towards_the_same_lockout(clerk):
    client = Client()
    answers = [token_login(client, "clerk", WRONG) for _ in range(5)]

    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert answers[4].json()["code"] == "locked_out"
    right = token_login(client, "clerk", PASSWORD)
    assert right.status_code == 429
    assert right.json() == {"code": "locked_out", "message": LOCKED_MESSAGE, "fields": {}}
    assert "token" not in right.json()
    assert page_login(Client(), "clerk", PASSWORD).status_code == 429  # pages and API share the count


def test_page_and_token_failures_add_up(clerk):
    for _ in range(2):
        page_login(Client(), "clerk", WRONG)
    for _ in range(2):
        token_login(Client(), "clerk", WRONG)

    assert token_login(Client(), "clerk", WRONG).status_code == 429


def test_an_inactive_account_gets_the_wrong_password_answer(db):
    UserFactory(username="gone", is_active=False)

    response = page_login(Client(), "gone", PASSWORD)

    assert response.status_code == 200
    assert _error_text(response) == LOGIN_FAILED_MESSAGE
    assert audit_rows("auth.login_failed", object_repr="gone")
