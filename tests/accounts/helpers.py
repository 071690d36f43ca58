"""Helpers for the authentication tests: administrators with a TOTP device, codes computed as an authenticator
app would, a client whose session has passed both steps, and the audit rows of an action."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from renda.accounts.models import User
from renda.core.models import AuditEntry
from renda.core.roles import Role
from tests.factories import PASSWORD, UserFactory


def totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for this device."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(totp_code(device)) + 500_000) % 1_000_000:06d}"


def make_admin(role: str = Role.SECURITY_ADMIN, *, device: bool = True, **kwargs: Any) -> User:
    user = UserFactory(role=role, region=None, **kwargs)
    if device:
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def device_of(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user)


def verified_client(user: User) -> Client:
    """A page session that has passed the password and the second factor."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_of(user).persistent_id
    session.save()
    return client


def page_login(client: Client, username: str, password: str = PASSWORD, **extra: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra})


def token_login(client: Client, username: str, password: str = PASSWORD, otp: str | None = None) -> Any:
    body: dict[str, Any] = {"username": username, "password": password}
    if otp is not None:
        body["otp"] = otp
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def audit_rows(action: str, **filters: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("seq"))
