"""Token login of API.md: POST /api/v1/auth/token {username, password, otp?} → {token, expires_at}, then
`Authorization: Bearer <token>`; a token ends at expires_at (12 h) or after 30 minutes unused."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from renda.accounts.models import ApiToken
from renda.accounts.services import token_hash
from tests.accounts.helpers import audit_rows, token_login

pytestmark = pytest.mark.django_db


def _bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _not_authenticated(response) -> bool:
    return response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_a_token_is_issued_for_the_right_password_and_works_on_me(clerk):
    response = token_login(Client(), "clerk")

    assert response.status_code == 200
    body = response.json()
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert timedelta(hours=11, minutes=59) < expires_at - timezone.now() <= timedelta(hours=12)
    row = ApiToken.objects.get(user=clerk)
    assert row.key_hash == token_hash(body["token"]) and body["token"] not in row.key_hash  # only the hash
    me = _bearer(body["token"]).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == "clerk"
    [login] = audit_rows("auth.login", actor_id=clerk.pk)
    assert json.loads(login.after) == {"channel": "api"}
    assert audit_rows("auth.token_issued", actor_id=clerk.pk)
    clerk.refresh_from_db()
    assert clerk.last_login is not None


def test_an_expired_token_is_refused(clerk):
    token = token_login(Client(), "clerk").json()["token"]
    ApiToken.objects.filter(user=clerk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert _not_authenticated(_bearer(token).get("/api/v1/me"))


def test_a_token_unused_for_30_minutes_is_refused(clerk):
    token = token_login(Client(), "clerk").json()["token"]
    assert _bearer(token).get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(user=clerk).update(last_used_at=timezone.now() - timedelta(minutes=29))
    assert _bearer(token).get("/api/v1/me").status_code == 200  # used again: the idle clock restarts

    ApiToken.objects.filter(user=clerk).update(last_used_at=timezone.now() - timedelta(minutes=30, seconds=1))

    assert _not_authenticated(_bearer(token).get("/api/v1/me"))


def test_a_garbage_token_is_refused(clerk):
    assert _not_authenticated(_bearer("not-a-token-at-all").get("/api/v1/me"))
    assert _not_authenticated(_bearer("令牌").get("/api/v1/me"))


def test_no_token_is_refused(db):
    assert _not_authenticated(Client().get("/api/v1/me"))


def test_the_token_of_a_deactivated_account_is_refused(clerk):
    token = token_login(Client(), "clerk").json()["token"]
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])

    assert _not_authenticated(_bearer(token).get("/api/v1/me"))


def test_a_token_login_clears_earlier_failures(clerk):
    for _ in range(4):
        token_login(Client(), "clerk", "Wrong-pass-1")
    assert token_login(Client(), "clerk").status_code == 200

    answers = [token_login(Client(), "clerk", "Wrong-pass-1").status_code for _ in range(4)]

    assert answers == [401, 401, 401, 401]


def test_a_malformed_body_is_422_with_fields(db):
    response = Client().post("/api/v1/auth/token", {"username": "clerk"}, content_type="application/json")
    assert response.status_code == 422
    assert "password" in response.json()["fields"]
