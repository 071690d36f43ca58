"""Accounts: creating users, logging in (pages and API), second factor."""

from __future__ import annotations

from typing import Any

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp import match_token

from renda.accounts.models import User
from renda.accounts.security import LOCKED_MESSAGE, LOGIN_FAILED_MESSAGE
from renda.core import audit
from renda.core.errors import DomainError, Invalid, NotAuthenticated
from renda.core.roles import Role


class LockedOut(DomainError):
    code = "locked_out"
    status = 429
    default_message = LOCKED_MESSAGE


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
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise Invalid("密码不符合要求", fields={"password": list(exc.messages)}) from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor=actor, action="user.create", obj=user,
                 after={"username": username, "role": role, "region": getattr(region, "pk", None),
                        "unit": getattr(unit, "pk", None), "person": getattr(person, "pk", None)})
    return user


def check_credentials(*, request: HttpRequest, username: str, password: str) -> User:
    """Password check through django-axes: the same message for a wrong user and a wrong password."""
    try:
        user = authenticate(request, username=username, password=password)
    except AxesBackendPermissionDenied:
        raise LockedOut() from None
    if getattr(request, "axes_locked_out", False):
        raise LockedOut()
    if user is None or not user.is_active:
        audit.record(actor=None, action="auth.login_failed", object_type="accounts.user",
                     object_repr=username[:150])
        raise NotAuthenticated(LOGIN_FAILED_MESSAGE, code="invalid_credentials")
    return user  # type: ignore[return-value]


def verify_second_factor(*, user: User, otp: str | None) -> bool:
    if not otp:
        return False
    return match_token(user, otp.strip()) is not None


def authenticate_for_api(*, request: HttpRequest, username: str, password: str, otp: str | None) -> User:
    user = check_credentials(request=request, username=username, password=password)
    if user.needs_second_factor and not verify_second_factor(user=user, otp=otp):
        audit.record(actor=user, action="auth.otp_failed", obj=user)
        raise NotAuthenticated("该账户须提供动态口令（otp）", code="otp_required")
    audit.record(actor=user, action="auth.token_issued", obj=user)
    return user
