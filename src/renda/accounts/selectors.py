"""Reads of accounts: the staff of a congress (who is told about its work), and for the security administrator who
is locked out now and which administrators hold a second factor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.models import AccessAttempt
from django.db.models import Exists, Max, OuterRef, QuerySet, Sum
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from renda.accounts.models import User
from renda.accounts.security import cooloff_time, failure_limit
from renda.core.roles import ADMIN_ROLES, STAFF_ROLES


def congress_staff(congress: Any) -> QuerySet[User]:
    """The active staff accounts of the congress's own region (its clerks), who are told about its work."""
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES, region_id=congress.region_id)


@dataclass(frozen=True)
class LockedAccount:
    username: str
    user: User | None  # None when someone guessed at a name that is no account: it is locked all the same
    failures: int
    last_failure_at: datetime
    locked_until: datetime


def locked_accounts() -> list[LockedAccount]:
    """The names django-axes refuses now: as many failures as the limit within the cool-off, counted the way
    axes counts them (per username, AXES_LOCKOUT_PARAMETERS)."""
    cooloff = cooloff_time()
    rows = list(
        AccessAttempt.objects.filter(username__isnull=False, attempt_time__gte=timezone.now() - cooloff)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last_at=Max("attempt_time"))
        .filter(failures__gte=failure_limit())
        .order_by("-last_at")
    )
    users = User.objects.in_bulk([r["username"] for r in rows], field_name="username")
    return [LockedAccount(username=r["username"], user=users.get(r["username"]), failures=r["failures"],
                          last_failure_at=r["last_at"], locked_until=r["last_at"] + cooloff) for r in rows]


def locked_account(username: str) -> LockedAccount | None:
    return next((a for a in locked_accounts() if a.username == username), None)


def administrators() -> QuerySet[User]:
    """The three administrator roles' accounts, each with `has_second_factor` (a confirmed TOTP device)."""
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (User.objects.filter(role__in=ADMIN_ROLES)
            .annotate(has_second_factor=Exists(confirmed))
            .order_by("role", "username"))


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
