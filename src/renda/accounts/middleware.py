"""Session limits of 等保 2.0 level 3: idle timeout (the session cookie's age, renewed on each request) and an
absolute limit counted from login; administrators must have passed their second factor."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

LOGIN_AT_KEY = "renda_login_at"
ALLOWED_WITHOUT_SECOND_FACTOR = ("/accounts/", "/static/", "/api/")


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            login_at = request.session.get(LOGIN_AT_KEY)
            if login_at is None:
                request.session[LOGIN_AT_KEY] = time.time()
            elif time.time() - float(login_at) > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                return redirect(f"{reverse('accounts:login')}?expired=1")
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """An administrator who has given a password but no TOTP code yet may only finish logging in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (user.is_authenticated and getattr(user, "needs_second_factor", False)
                and not user.is_verified()  # type: ignore[union-attr]
                and not request.path.startswith(ALLOWED_WITHOUT_SECOND_FACTOR)):
            return redirect("accounts:otp")
        return self.get_response(request)
