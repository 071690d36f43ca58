"""Bearer tokens of API.md; pages' session login also works for the API (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from renda.accounts import services as account_services
from renda.accounts.models import ApiToken, User


def issue_token(user: User) -> tuple[str, ApiToken]:
    """A token for `user` (audited) — what POST /auth/token gives once the user has proven who they are."""
    return account_services.api_token_issue(user=user)


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = account_services.api_token_user(raw=token)
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The page session, so htmx and pages can call the API; CSRF-checked like any form post. An administrator
    who has not yet given the second factor is not logged in here either."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if getattr(user, "needs_second_factor", False) and not user.is_verified():
                return None
            return user
        return None


AUTH = [BearerAuth(), SessionAuth()]
