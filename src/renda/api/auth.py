"""Bearer tokens of API.md; pages' session login also works for the API (with CSRF)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from renda.accounts.models import ApiToken, User


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii", "ignore")).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS),
    )
    return raw, token


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now = timezone.now()
        row = (ApiToken.objects.select_related("user", "user__region", "user__unit", "user__person")
               .filter(key_hash=hash_token(token), expires_at__gt=now).first())
        if row is None or not row.user.is_active:
            return None
        request.user = row.user
        return row.user


class SessionAuth(APIKeyCookie):
    """The page session, so htmx and pages can call the API; CSRF-checked like any form post."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if getattr(user, "needs_second_factor", False) and not user.is_verified():
                return None
            return user
        return None


AUTH = [BearerAuth(), SessionAuth()]
