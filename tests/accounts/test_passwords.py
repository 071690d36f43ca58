"""Passwords (等保 2.0 level 3 身份鉴别): stored with argon2; at least 8 characters from 3 of the 4 classes, not a
common password, not containing the username; changing one's own password."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

import renda
from renda.accounts import services
from renda.accounts.models import ApiToken, User
from renda.core.errors import Invalid
from renda.core.roles import Role
from tests.accounts.helpers import audit_rows, page_login
from tests.factories import PASSWORD, UserFactory

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
NEW_PASSWORD = "Qw7!huanxin-mima"


def _production_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """renda/settings.py evaluated as in production (no RENDA_TESTING), as a separate module."""
    monkeypatch.delenv("RENDA_TESTING", raising=False)
    monkeypatch.delenv("RENDA_DEBUG", raising=False)
    monkeypatch.setenv("RENDA_SECRET_KEY", "production-like-secret-for-this-test")
    monkeypatch.setenv("RENDA_DATA_DIR", str(tmp_path))  # no renda.env of the developer's data dir
    path = Path(renda.__file__).with_name("settings.py")
    spec = importlib.util.spec_from_file_location("renda_settings_as_in_production", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_argon2_is_the_production_password_hasher(monkeypatch, tmp_path):
    production = _production_settings(monkeypatch, tmp_path)
    assert production.TESTING is False
    assert production.PASSWORD_HASHERS[0] == ARGON2


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=[ARGON2])
def test_passwords_are_stored_as_argon2_hashes():
    encoded = make_password(NEW_PASSWORD)
    assert encoded.startswith("argon2$argon2id$")

    user = services.user_create(actor=None, username="wang", password=NEW_PASSWORD, role=Role.COUNTY_STAFF)
    stored = User.objects.get(pk=user.pk).password
    assert stored.startswith("argon2")
    assert NEW_PASSWORD not in stored


# (password, username, accepted, code of the refusing rule)
RULES = [
    pytest.param("Kp7#xQw", "wang", False, "password_too_short", id="7_characters_refused"),
    pytest.param("Kp7#xQwz", "wang", True, None, id="8_characters_accepted"),
    pytest.param("kp7mxqwz", "wang", False, "password_too_simple", id="2_classes_refused"),
    pytest.param("Kp7mxqwz", "wang", True, None, id="3_classes_accepted"),
    pytest.param("Password1", "wang", False, "password_too_common", id="common_password_refused"),
    pytest.param("Xy7!ZhangSan", "zhangsan", False, "password_contains_username", id="username_any_case_refused"),
    pytest.param("Xy7!Zhang-San", "zhangsan", True, None, id="username_split_accepted"),
]


@pytest.mark.parametrize(("password", "username", "accepted", "code"), RULES)
def test_password_rules_of_django_validate_password(password, username, accepted, code):
    user = User(username=username, role=Role.COUNTY_STAFF)
    if accepted:
        validate_password(password, user)
        return
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    assert code in {e.code for e in caught.value.error_list}


@pytest.mark.django_db
@pytest.mark.parametrize(("password", "username", "accepted", "code"), RULES)
def test_password_rules_of_user_create(password, username, accepted, code):
    if accepted:
        user = services.user_create(actor=None, username=username, password=password, role=Role.COUNTY_STAFF)
        assert User.objects.get(pk=user.pk).check_password(password)
        assert audit_rows("user.create", object_id=str(user.pk))
        return
    with pytest.raises(Invalid) as caught:
        services.user_create(actor=None, username=username, password=password, role=Role.COUNTY_STAFF)
    assert caught.value.fields["password"]
    assert not User.objects.filter(username=username).exists()
    assert not audit_rows("user.create")


# --- changing one's password -------------------------------------------------------------------------------

def _change(client: Client, old: str, new: str, again: str | None = None):
    return client.post(reverse("accounts:password_change"),
                       {"old_password": old, "new_password": new, "new_password_again": again or new})


@pytest.mark.django_db
def test_password_change_sets_the_new_password_audited_without_the_password(clerk):
    client = Client()
    page_login(client, "clerk")
    other_device = Client()
    page_login(other_device, "clerk")
    services.api_token_issue(user=clerk)

    response = _change(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    [row] = audit_rows("auth.password_change", object_id=str(clerk.pk))
    assert row.actor_id == clerk.pk
    assert row.after == '{"api_tokens_revoked":1}'
    for entry in audit_rows("auth.password_change"):
        assert NEW_PASSWORD not in entry.before + entry.after and PASSWORD not in entry.before + entry.after
    assert not ApiToken.objects.filter(user=clerk).exists()
    # This session goes on; the other device's session ended with the old password.
    assert client.get(reverse("web:home")).status_code == 200
    assert other_device.get(reverse("web:home")).status_code == 302


@pytest.mark.django_db
def test_password_change_refuses_a_wrong_old_password_and_audits_it(clerk):
    client = Client()
    page_login(client, "clerk")

    response = _change(client, "Wrong-old-1", NEW_PASSWORD)

    assert response.status_code == 422
    assert "原密码不正确" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)
    assert len(audit_rows("auth.password_change_failed", object_id=str(clerk.pk))) == 1
    assert not audit_rows("auth.password_change")


@pytest.mark.django_db
@pytest.mark.parametrize(("new", "again", "message"), [
    ("Kp7#xQw", None, "密码太短，至少须 8 个字符"),
    ("kp7mxqwzzz", None, "至少 3 类"),
    ("Xy7!Clerk-9", None, "密码不能包含用户名"),
    (NEW_PASSWORD, NEW_PASSWORD + "x", "两次输入的新密码不一致"),
    (PASSWORD, None, "新密码不能与原密码相同"),
])
def test_password_change_enforces_the_password_rules(clerk, new, again, message):
    client = Client()
    page_login(client, "clerk")

    response = _change(client, PASSWORD, new, again)

    assert response.status_code == 422
    assert message in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)
    assert not audit_rows("auth.password_change")


@pytest.mark.django_db
def test_wrong_old_passwords_count_towards_the_lockout(clerk):
    client = Client()
    page_login(client, "clerk")
    for _ in range(4):
        assert _change(client, "Wrong-old-1", NEW_PASSWORD).status_code == 422

    response = _change(client, "Wrong-old-1", NEW_PASSWORD)

    assert response.status_code == 429
    assert client.get(reverse("web:home")).status_code == 302  # the session ended with the lockout
    assert page_login(Client(), "clerk").status_code == 429


@pytest.mark.django_db
def test_password_change_page_needs_a_login():
    response = Client().get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_password_change_page_is_in_the_menu():
    client = Client()
    client.force_login(UserFactory(role=Role.COUNTY_STAFF))
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert reverse("accounts:password_change") in page.content.decode()
