"""The second factor (等保 2.0 level 3: two kinds of authentication for administrators): the system, security and
audit administrators give a TOTP code after their password, on pages and on the API."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from renda.accounts.models import ApiToken
from renda.core.roles import ADMIN_ROLES, Role
from tests.accounts.helpers import (
    audit_rows,
    device_of,
    make_admin,
    page_login,
    token_login,
    totp_code,
    verified_client,
    wrong_code,
)

pytestmark = pytest.mark.django_db
OTP = reverse("accounts:otp")
# django-otp slows down guessing (1 s, 2 s, 4 s … after failures); tests that fail on purpose switch it off.
NO_THROTTLE = override_settings(OTP_TOTP_THROTTLE_FACTOR=0)


def _password_step(role: str = Role.SYSTEM_ADMIN, **kwargs) -> tuple[Client, object]:
    admin = make_admin(role, **kwargs)
    client = Client()
    response = page_login(client, admin.username, next="/org/")
    assert response.status_code == 302 and response["Location"] == OTP
    return client, admin


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_an_administrator_with_only_a_password_is_sent_to_the_second_factor_from_any_page(role):
    client, _ = _password_step(role)

    for path in ("/", reverse("accounts:security"), reverse("accounts:password_change"), "/sysadmin/",
                 "/no-such-page/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, OTP), path
    assert client.get("/api/v1/me").status_code == 401  # the session is not a login for the API either
    assert client.get(OTP).status_code == 200


def test_staff_need_no_second_factor(clerk):
    client = Client()
    response = page_login(client, "clerk")
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert not TOTPDevice.objects.filter(user=clerk).exists()


def test_a_valid_code_completes_the_login_and_returns_to_the_page_asked_for():
    client, admin = _password_step(Role.SECURITY_ADMIN)
    session_before = client.session.session_key

    response = client.post(OTP, {"otp": totp_code(device_of(admin))})

    assert (response.status_code, response["Location"]) == (302, "/org/")
    assert client.get(reverse("accounts:security")).status_code == 200
    assert client.session.session_key != session_before  # new rights, new session key
    [row] = audit_rows("auth.otp_verified")
    assert row.actor_id == admin.pk


@NO_THROTTLE
def test_a_wrong_code_is_refused_and_audited():
    client, admin = _password_step()

    response = client.post(OTP, {"otp": wrong_code(device_of(admin))})

    assert response.status_code == 401
    assert "动态口令不正确" in response.content.decode()
    assert client.get("/").status_code == 302
    [row] = audit_rows("auth.otp_failed")
    assert row.actor_id == admin.pk
    assert not audit_rows("auth.otp_verified")


def test_guessing_codes_quickly_is_throttled_by_django_otp():
    client, admin = _password_step()
    client.post(OTP, {"otp": wrong_code(device_of(admin))})

    response = client.post(OTP, {"otp": totp_code(device_of(admin))})  # right, but within the 1 s wait

    assert response.status_code == 429
    assert "过于频繁" in response.content.decode()
    assert client.get("/").status_code == 302


@NO_THROTTLE
def test_wrong_codes_count_towards_the_lockout_and_end_the_half_open_session():
    client, admin = _password_step()
    answers = [client.post(OTP, {"otp": wrong_code(device_of(admin))}) for _ in range(5)]

    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert client.get(OTP)["Location"].startswith(reverse("accounts:login"))  # logged out
    assert page_login(Client(), admin.username).status_code == 429


def test_an_administrator_without_a_device_enrols_one_with_the_first_code():
    client, admin = _password_step(device=False)

    page = client.get(OTP)

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="otp-secret"' in html and "<svg" in html
    device = TOTPDevice.objects.get(user=admin)
    assert not device.confirmed
    assert client.get(OTP).status_code == 200 and TOTPDevice.objects.filter(user=admin).count() == 1

    response = client.post(OTP, {"otp": totp_code(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert [r.action for r in audit_rows("auth.otp_enrolled")] == ["auth.otp_enrolled"]
    assert client.get("/").status_code == 200


def test_the_api_refuses_an_administrator_without_a_code():
    admin = make_admin(Role.AUDIT_ADMIN)

    response = token_login(Client(), admin.username)

    assert response.status_code == 401
    assert response.json()["code"] == "otp_required"
    assert not ApiToken.objects.filter(user=admin).exists()


def test_the_api_accepts_an_administrator_with_a_valid_code():
    admin = make_admin(Role.AUDIT_ADMIN)

    response = token_login(Client(), admin.username, otp=totp_code(device_of(admin)))

    assert response.status_code == 200
    token = response.json()["token"]
    me = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/me")
    assert me.status_code == 200 and me.json()["roles"] == [Role.AUDIT_ADMIN]
    assert ApiToken.objects.filter(user=admin).count() == 1


@NO_THROTTLE
def test_the_api_refuses_a_wrong_code_and_audits_it():
    admin = make_admin(Role.AUDIT_ADMIN)

    response = token_login(Client(), admin.username, otp=wrong_code(device_of(admin)))

    assert response.status_code == 401
    assert response.json()["code"] == "otp_invalid"
    assert len(audit_rows("auth.otp_failed", actor_id=admin.pk)) == 1
    assert not ApiToken.objects.filter(user=admin).exists()


def test_the_api_sends_an_administrator_without_a_device_to_enrol_on_the_pages():
    admin = make_admin(Role.SYSTEM_ADMIN, device=False)

    response = token_login(Client(), admin.username, otp="123456")

    assert response.status_code == 401
    assert response.json()["code"] == "otp_required"
    assert "网页端" in response.json()["message"]


def test_a_verified_administrator_is_not_asked_again():
    admin = make_admin(Role.SECURITY_ADMIN)
    client = verified_client(admin)

    assert client.get(OTP)["Location"] == "/"
    assert client.get(reverse("accounts:security")).status_code == 200


def test_the_second_factor_page_is_only_for_administrators(clerk):
    client = Client()
    page_login(client, "clerk")
    assert client.get(OTP).status_code == 403


@NO_THROTTLE
def test_the_password_alone_does_not_clear_an_administrators_failures():
    client, admin = _password_step()
    for _ in range(4):
        assert client.post(OTP, {"otp": wrong_code(device_of(admin))}).status_code == 401
    client.post(reverse("accounts:logout"))
    assert page_login(client, admin.username)["Location"] == OTP  # the password again: no fresh round of guesses

    assert client.post(OTP, {"otp": wrong_code(device_of(admin))}).status_code == 429


@NO_THROTTLE
def test_the_second_factor_completes_the_login_and_clears_the_failures():
    client, admin = _password_step()
    for _ in range(4):
        client.post(OTP, {"otp": wrong_code(device_of(admin))})
    assert client.post(OTP, {"otp": totp_code(device_of(admin))}).status_code == 302
    client.post(reverse("accounts:logout"))

    page_login(client, admin.username)
    answers = [client.post(OTP, {"otp": wrong_code(device_of(admin))}).status_code for _ in range(4)]

    assert answers == [401, 401, 401, 401]
