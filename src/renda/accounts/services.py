"""Accounts: creating users; logging in and out (pages and API) with the password, the lockout of django-axes
and, for the three administrators, the TOTP second factor of django-otp; changing one's password; and the
security administrator's work (lockout policy, unlocking an account, resetting a second factor)."""

from __future__ import annotations

import hashlib
import secrets
import time
from base64 import b32encode
from datetime import timedelta
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from renda.accounts import selectors
from renda.accounts.models import ApiToken, User
from renda.accounts.security import (
    LOCKED_MESSAGE,
    LOCKOUT_FAILURES,
    LOCKOUT_MINUTES,
    LOGIN_AT_KEY,
    LOGIN_FAILED_MESSAGE,
)
from renda.core import audit
from renda.core.errors import DomainError, Forbidden, Invalid, NotAuthenticated
from renda.core.models import PlatformSetting
from renda.core.roles import Role
from renda.core.settings_registry import platform_setting, spec

PAGE_BACKEND = "django.contrib.auth.backends.ModelBackend"
# last_used_at of a token is written at most this often; the idle limit is checked against it.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


class LockedOut(DomainError):
    code = "locked_out"
    status = 429
    default_message = LOCKED_MESSAGE


class SecondFactorThrottled(DomainError):
    code = "otp_throttled"
    status = 429
    default_message = "动态口令尝试过于频繁，请稍候片刻再输入"


# --- users ----------------------------------------------------------------------------------------------------

@transaction.atomic
def user_create(*, actor: Any, username: str, password: str | None, role: str, region: Any = None,
                unit: Any = None, person: Any = None, display_name: str = "",
                validate: bool = True) -> User:
    user = User(username=username, role=role, region=region, unit=unit, person=person,
                display_name=display_name or (person.name if person else ""))
    if role == Role.UNIT_USER and unit is None:
        raise Invalid("承办单位用户须指定承办单位", fields={"unit": ["必填"]})
    if role == Role.DEPUTY and person is None:
        raise Invalid("代表账户须关联代表本人", fields={"person": ["必填"]})
    if password:
        if validate:
            _check_password_rules(password, user, field="password")
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor=actor, action="user.create", obj=user,
                 after={"username": username, "role": role, "region": getattr(region, "pk", None),
                        "unit": getattr(unit, "pk", None), "person": getattr(person, "pk", None)})
    return user


def _check_password_rules(password: str, user: User, *, field: str) -> None:
    """AUTH_PASSWORD_VALIDATORS: length, common passwords, character classes, not containing the username."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid("密码不符合要求", fields={field: list(exc.messages)}) from None


# --- password step (pages and API) -----------------------------------------------------------------------------

def check_credentials(*, request: HttpRequest, username: str, password: str) -> User:
    """The password through django-axes, which counts failures per username whether or not the account exists:
    a wrong username and a wrong password get the same answer, and so does a lockout."""
    user = authenticate(request, username=username, password=password)
    locked = bool(getattr(request, "axes_locked_out", False))
    if locked or user is None or not user.is_active:
        _audit_login_failed(request, username, reason="locked_out" if locked else "invalid_credentials")
        if locked:
            raise LockedOut()
        raise NotAuthenticated(LOGIN_FAILED_MESSAGE, code="invalid_credentials")
    return user


def _audit_login_failed(request: HttpRequest, username: str, *, reason: str) -> None:
    # Nobody is logged in yet: the actor stays blank and the name that was tried is the object.
    account_id = User.objects.filter(username=username).values_list("pk", flat=True).first()
    audit.record(actor=getattr(request, "user", None), action="auth.login_failed", object_type="accounts.user",
                 object_id=account_id or "", object_repr=username[:150],
                 after={"reason": reason, "failures": getattr(request, "axes_failures_since_start", None)})


def _count_failure(request: HttpRequest, user: User) -> None:
    """A wrong second factor counts towards the lockout like a wrong password: django-axes listens to this
    signal (authenticate() sends it for a wrong password)."""
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    if getattr(request, "axes_locked_out", False):
        raise LockedOut()


# --- pages: session login, logout, limits ---------------------------------------------------------------------

def _login_complete(user: User) -> None:
    """Clear the failures django-axes counted (AXES_RESET_ON_SUCCESS is off: we say when a login is complete)."""
    axes_reset(username=user.get_username())


def session_login(*, request: HttpRequest, user: User) -> None:
    """Start a page session after the password step, with a new session key. An administrator's login is
    complete only after the second factor, and their failures stand until then."""
    login(request, user, backend=PAGE_BACKEND)
    request.session[LOGIN_AT_KEY] = time.time()
    if not user.needs_second_factor:
        _login_complete(user)
    audit.record(actor=user, action="auth.login", obj=user,
                 after={"channel": "page", "second_factor": "pending" if user.needs_second_factor else "none"})


def session_logout(*, request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        audit.record(actor=user, action="auth.logout", obj=user)
    logout(request)


def session_expire(*, request: HttpRequest) -> None:
    """End a session that has passed the absolute limit counted from login (SESSION_ABSOLUTE_TIMEOUT)."""
    user = request.user
    audit.record(actor=user, action="auth.session_expired", obj=user,  # type: ignore[arg-type]
                 after={"limit_seconds": settings.SESSION_ABSOLUTE_TIMEOUT})
    logout(request)


# --- second factor --------------------------------------------------------------------------------------------

def second_factor_device(*, user: User) -> tuple[TOTPDevice, bool]:
    """The administrator's TOTP device and whether it is still being enrolled (an administrator without a
    confirmed device gets one to scan on the second-factor page, confirmed by its first valid code)."""
    device = selectors.confirmed_device(user)
    if device is not None:
        return device, False
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device, True


def device_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps want it typed in by hand."""
    return b32encode(device.bin_key).decode("ascii")


def _verify_second_factor(*, request: HttpRequest, user: User, device: TOTPDevice, code: str) -> None:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise SecondFactorThrottled()
    if otp_verify_token(user, device.persistent_id, code.strip()) is None:
        audit.record(actor=user, action="auth.otp_failed", obj=user)
        _count_failure(request, user)
        raise NotAuthenticated("动态口令不正确，请重试", code="otp_invalid")


def second_factor_login(*, request: HttpRequest, code: str) -> TOTPDevice:
    """The administrator's second step on pages. A wrong code is audited and counts towards the lockout; once
    locked, the half-open session ends."""
    user: User = request.user  # type: ignore[assignment]
    device, enrolling = second_factor_device(user=user)
    try:
        _verify_second_factor(request=request, user=user, device=device, code=code)
    except LockedOut:
        logout(request)
        raise
    with transaction.atomic():
        _login_complete(user)
        if enrolling:
            TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
            device.confirmed = True
            audit.record(actor=user, action="auth.otp_enrolled", obj=user)
        audit.record(actor=user, action="auth.otp_verified", obj=user)
    otp_login(request, device)
    request.session.cycle_key()  # more rights now: a new session key
    return device


# --- API tokens -----------------------------------------------------------------------------------------------

def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii", "ignore")).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> tuple[str, ApiToken]:
    """A bearer token (only its hash is kept), valid API_TOKEN_TTL_HOURS and ended sooner by idleness."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, key_hash=token_hash(raw),
                                    expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS))
    audit.record(actor=user, action="auth.token_issued", obj=user,
                 after={"token": token.pk, "expires_at": token.expires_at})
    return raw, token


def api_login(*, request: HttpRequest, username: str, password: str, otp: str | None) -> tuple[str, ApiToken]:
    """POST /api/v1/auth/token: the password, then for an administrator the TOTP code, then a token."""
    user = check_credentials(request=request, username=username, password=password)
    if user.needs_second_factor:
        device = selectors.confirmed_device(user)
        if device is None:
            raise NotAuthenticated("该管理员账户尚未绑定动态口令，请先在网页端登录完成绑定", code="otp_required")
        if not (otp or "").strip():
            raise NotAuthenticated("该账户须提供动态口令（otp）", code="otp_required")
        _verify_second_factor(request=request, user=user, device=device, code=otp or "")
    with transaction.atomic():
        _login_complete(user)
        # A token is a login: Django records last_login, django-axes its access log.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        audit.record(actor=user, action="auth.login", obj=user, after={"channel": "api"})
        return api_token_issue(user=user)


def api_token_user(*, raw: str) -> User | None:
    """The active user of a live token: before its expiry and used within the idle limit of a session."""
    now = timezone.now()
    row = (ApiToken.objects.select_related("user", "user__region", "user__unit", "user__person")
           .filter(key_hash=token_hash(raw), expires_at__gt=now).first())
    if row is None or not row.user.is_active:
        return None
    if now - (row.last_used_at or row.created_at) > timedelta(seconds=settings.SESSION_COOKIE_AGE):
        return None
    if row.last_used_at is None or now - row.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


# --- changing one's password ----------------------------------------------------------------------------------

def password_change(*, request: HttpRequest, actor: User, old_password: str, new_password: str) -> None:
    """The old password is checked like a login (a wrong one counts towards the lockout); the new one must pass
    the password rules. Other sessions end (Django's session hash) and the account's API tokens are revoked."""
    # authenticate() reports a wrong password to django-axes itself, and refuses while the account is locked.
    if authenticate(request, username=actor.get_username(), password=old_password) is None:
        audit.record(actor=actor, action="auth.password_change_failed", obj=actor,
                     after={"failures": getattr(request, "axes_failures_since_start", None)})
        if getattr(request, "axes_locked_out", False):
            logout(request)
            raise LockedOut()
        raise Invalid("原密码不正确", fields={"old_password": ["原密码不正确"]})
    if new_password == old_password:
        raise Invalid("新密码不能与原密码相同", fields={"new_password": ["新密码不能与原密码相同"]})
    _check_password_rules(new_password, actor, field="new_password")
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        revoked, _ = ApiToken.objects.filter(user=actor).delete()
        audit.record(actor=actor, action="auth.password_change", obj=actor, after={"api_tokens_revoked": revoked})
    update_session_auth_hash(request, actor)
    _login_complete(actor)  # the old password was right after all


# --- the security administrator -------------------------------------------------------------------------------

@transaction.atomic
def lockout_policy_set(*, actor: User, failures: Any, minutes: Any) -> dict[str, Any]:
    """Change the lockout limit and duration, each checked by its SettingSpec; audited before → after."""
    submitted = {LOCKOUT_FAILURES: ("failures", failures), LOCKOUT_MINUTES: ("minutes", minutes)}
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, (field, raw) in submitted.items():
        try:
            cleaned[key] = spec(key).clean(raw)
        except ValueError as exc:
            errors[field] = [str(exc)]
    if errors:
        raise Invalid("安全策略的取值有误", fields=errors)
    before = {key: platform_setting(key) for key in cleaned}
    changed = {key: value for key, value in cleaned.items() if before[key] != value}
    for key, value in changed.items():
        PlatformSetting.objects.update_or_create(key=key, defaults={"value": value})
    if changed:
        audit.record(actor=actor, action="setting.change", object_type="core.platformsetting",
                     object_id="security.lockout", object_repr="安全策略 · 登录失败锁定",
                     before={key: before[key] for key in changed}, after=changed)
    return cleaned


@transaction.atomic
def lockout_reset(*, actor: User, username: str) -> None:
    """Unlock an account before its cool-off ends (django-axes forgets its failures)."""
    locked = selectors.locked_account(username)
    if locked is None:
        raise Invalid("该账户当前未被锁定", fields={"username": ["该账户当前未被锁定"]})
    axes_reset(username=username)
    audit.record(actor=actor, action="auth.unlock", object_type="accounts.user",
                 object_id=locked.user.pk if locked.user else "", object_repr=username[:150],
                 before={"failures": locked.failures, "locked_until": locked.locked_until}, after={"failures": 0})


@transaction.atomic
def second_factor_reset(*, actor: User, user: User) -> int:
    """An administrator who lost their authenticator: remove their devices (they enrol anew at the next login)
    and revoke their API tokens, which were issued on the old factor. Never one's own: a second person decides."""
    if user.pk == actor.pk:
        raise Forbidden("不能重置本人的动态口令，请由另一位安全管理员办理")
    if not user.needs_second_factor:
        raise Invalid("只有管理员账户使用动态口令")
    devices = list(devices_for_user(user, confirmed=None))
    if not devices:
        raise Invalid("该账户尚未绑定动态口令，无需重置")
    for device in devices:
        device.delete()
    revoked, _ = ApiToken.objects.filter(user=user).delete()
    audit.record(actor=actor, action="auth.otp_reset", obj=user,
                 before={"devices": len(devices)}, after={"devices": 0, "api_tokens_revoked": revoked})
    return len(devices)
