"""The security administrator's page (三员分立: the security administrator keeps the security policy): the lockout
settings, unlocking accounts, resetting an administrator's second factor — each audited."""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from renda.accounts import services
from renda.accounts.models import ApiToken
from renda.core.models import PlatformSetting
from renda.core.roles import Role
from renda.core.settings_registry import platform_setting
from tests.accounts.helpers import audit_rows, make_admin, page_login, verified_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SECURITY = reverse("accounts:security")
UNLOCK = reverse("accounts:security_unlock")
WRONG = "Wrong-pass-1"


def _reset_url(user) -> str:
    return reverse("accounts:security_second_factor_reset", args=[user.pk])


def _lock(username: str) -> None:
    for _ in range(5):
        page_login(Client(), username, WRONG)


def test_the_page_is_for_the_security_administrator_only(clerk):
    anonymous = Client().get(SECURITY)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
    for role in (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN):
        assert verified_client(make_admin(role)).get(SECURITY).status_code == 403
    staff = Client()
    staff.force_login(clerk)
    assert staff.get(SECURITY).status_code == 403
    assert staff.post(UNLOCK, {"username": "clerk"}).status_code == 403


def test_the_security_administrator_finds_the_page_in_the_menu(security_admin):
    page = verified_client(security_admin).get("/")
    assert f'href="{SECURITY}"' in page.content.decode()


def test_changing_the_lockout_policy_is_validated_saved_and_audited(security_admin):
    client = verified_client(security_admin)

    response = client.post(SECURITY, {"failures": "3", "minutes": "15"})

    assert response.status_code == 302
    assert (platform_setting("security.lockout_failures"), platform_setting("security.lockout_minutes")) == (3, 15)
    [row] = audit_rows("setting.change")
    assert row.actor_id == security_admin.pk
    assert json.loads(row.before) == {"security.lockout_failures": 5, "security.lockout_minutes": 30}
    assert json.loads(row.after) == {"security.lockout_failures": 3, "security.lockout_minutes": 15}


@pytest.mark.parametrize(("failures", "minutes", "field", "message"), [
    ("2", "30", "failures", "不能小于 3"),
    ("21", "30", "failures", "不能大于 20"),
    ("5", "0", "minutes", "不能小于 1"),
    ("5", "1441", "minutes", "不能大于 1440"),
    ("五", "30", "failures", "须为整数"),
])
def test_a_lockout_policy_out_of_range_is_refused_by_its_setting_spec(security_admin, failures, minutes, field,
                                                                     message):
    client = verified_client(security_admin)

    response = client.post(SECURITY, {"failures": failures, "minutes": minutes})

    assert response.status_code == 422
    html = response.content.decode()
    assert f'data-testid="errors-{field}"' in html and message in html
    assert not PlatformSetting.objects.exists()
    assert not audit_rows("setting.change")


def test_saving_an_unchanged_policy_writes_no_audit_entry(security_admin):
    services.lockout_policy_set(actor=security_admin, failures=5, minutes=30)
    assert not audit_rows("setting.change")


def test_locked_accounts_are_listed_and_unlocked_with_an_audit_entry(security_admin, clerk):
    _lock("clerk")
    _lock("ghost")
    for _ in range(2):
        page_login(Client(), "almost", WRONG)  # two failures: not locked, not listed
    client = verified_client(security_admin)

    page = client.get(SECURITY).content.decode()

    table = page[page.index('data-testid="locked-accounts"'):page.index("</table>")]
    assert "clerk" in table and "ghost" in table and "无此账户" in table and "almost" not in table

    response = client.post(UNLOCK, {"username": "clerk"})

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="clerk").exists()
    assert AccessAttempt.objects.filter(username="ghost").exists()
    [row] = audit_rows("auth.unlock")
    assert (row.actor_id, row.object_id, row.object_repr) == (security_admin.pk, str(clerk.pk), "clerk")
    assert json.loads(row.before)["failures"] == 5
    assert page_login(Client(), "clerk").status_code == 302  # the clerk can log in again


def test_unlocking_an_account_that_is_not_locked_is_refused(security_admin, clerk):
    response = verified_client(security_admin).post(UNLOCK, {"username": "clerk"})

    assert response.status_code == 422
    assert "未被锁定" in response.content.decode()
    assert not audit_rows("auth.unlock")


def test_resetting_an_administrators_second_factor_removes_devices_and_tokens(security_admin):
    sysadmin = make_admin(Role.SYSTEM_ADMIN, username="sysadmin")
    services.api_token_issue(user=sysadmin)
    old_session = verified_client(sysadmin)
    assert old_session.get("/").status_code == 200
    client = verified_client(security_admin)

    response = client.post(_reset_url(sysadmin))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=sysadmin).exists()
    assert not ApiToken.objects.filter(user=sysadmin).exists()
    [row] = audit_rows("auth.otp_reset")
    assert (row.actor_id, row.object_id) == (security_admin.pk, str(sysadmin.pk))
    assert json.loads(row.before) == {"devices": 1}
    assert json.loads(row.after) == {"devices": 0, "api_tokens_revoked": 1}
    # The administrator's open session needs a second factor again, which means enrolling a new device.
    assert old_session.get("/")["Location"] == reverse("accounts:otp")
    fresh = Client()
    page_login(fresh, "sysadmin")
    assert 'data-testid="otp-secret"' in fresh.get(reverse("accounts:otp")).content.decode()


def test_nobody_resets_their_own_second_factor(security_admin):
    response = verified_client(security_admin).post(_reset_url(security_admin))

    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=security_admin).exists()
    assert not audit_rows("auth.otp_reset")


def test_only_administrators_second_factors_are_reset_here(security_admin, clerk):
    assert verified_client(security_admin).post(_reset_url(clerk)).status_code == 404
    assert verified_client(security_admin).post(reverse(
        "accounts:security_second_factor_reset", args=[999999])).status_code == 404


def test_the_page_lists_administrators_with_their_second_factor(security_admin):
    make_admin(Role.AUDIT_ADMIN, username="auditor")
    make_admin(Role.SYSTEM_ADMIN, username="newcomer", device=False)
    UserFactory(username="countyclerk", role=Role.COUNTY_STAFF)

    page = verified_client(security_admin).get(SECURITY).content.decode()

    table = page[page.index('data-testid="administrators"'):]
    table = table[:table.index("</table>")]
    assert "auditor" in table and "newcomer" in table and "secadmin" in table and "countyclerk" not in table
    assert table.count("重置动态口令") == 1  # the auditor's; not one's own, not the one without a device
