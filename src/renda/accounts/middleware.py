"""Session limits of 等保 2.0 level 3 and the administrators' second factor, for every request.

Idle timeout: SESSION_COOKIE_AGE (30 minutes) with SESSION_SAVE_EVERY_REQUEST, so the session's expiry is pushed
back on each request and a session left alone that long is gone. Absolute limit: SESSION_ABSOLUTE_TIMEOUT
(12 hours) counted from the password step, checked here.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from renda.accounts.security import LOGIN_AT_KEY
from renda.core import access

__all__ = ["LOGIN_AT_KEY", "SecondFactorRequiredMiddleware", "SessionTimeoutMiddleware"]

# The API answers for itself (SessionAuth refuses a half-logged-in administrator with 401).
PREFIXES_WITHOUT_SECOND_FACTOR = ("/static/", "/api/")
PAGES_WITHOUT_SECOND_FACTOR = ("accounts:login", "accounts:otp", "accounts:logout")


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect, which htmx must be told to follow with the whole page rather than swap into a fragment."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            login_at = request.session.get(LOGIN_AT_KEY)
            if login_at is None:
                # A session opened by another path (Django's test client, a management login): its clock
                # starts now rather than never.
                request.session[LOGIN_AT_KEY] = time.time()
            elif time.time() - float(login_at) > settings.SESSION_ABSOLUTE_TIMEOUT:
                from renda.accounts import services

                services.session_expire(request=request)
                if not request.path.startswith("/api/"):
                    return access.to_login(request, f"{reverse('accounts:login')}?expired=1")
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """An administrator who has given the password but no TOTP code yet may only finish (or abandon) logging in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (user.is_authenticated and getattr(user, "needs_second_factor", False)
                and not user.is_verified()  # type: ignore[attr-defined]
                and not request.path.startswith(PREFIXES_WITHOUT_SECOND_FACTOR)
                and request.path not in {reverse(name) for name in PAGES_WITHOUT_SECOND_FACTOR}):
            return _go(request, reverse("accounts:otp"))
        return self.get_response(request)
