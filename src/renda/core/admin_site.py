"""The system administrator's back office (Django admin), and only theirs.

Every view of the site carries the access declaration (system administrator, with a second factor); the
models registered here are scoped to the administrator's region, and the audit log is never registered
(三员分立: the system administrator can neither read nor alter it).
"""

from __future__ import annotations

import contextlib
from functools import wraps
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import URLResolver

from renda.core.access import Access
from renda.core.errors import Forbidden
from renda.core.roles import Role

SYSADMIN_ACCESS = Access(roles=frozenset({Role.SYSTEM_ADMIN}))


class RendaAdminSite(admin.AdminSite):
    site_header = "人大履职服务平台 · 系统管理"
    site_title = "系统管理"
    index_title = "系统管理"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "role", None) == Role.SYSTEM_ADMIN
                    and user.is_verified())  # type: ignore[attr-defined]

    def login(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """One login for the whole platform, with its lockout and second factor."""
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.GET.get("next", "/sysadmin/"))

    login.renda_access = Access(roles=frozenset(), public=True)  # type: ignore[attr-defined]

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """The platform's own password change page: password rules, lockout and audit in one place."""
        from django.shortcuts import redirect

        return redirect("accounts:password_change")

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        wrapped = super().admin_view(view, cacheable)

        @wraps(wrapped)
        def refuse_other_roles(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            # A logged-in user of another role gets 403 like on every page, not Django's login form.
            if request.user.is_authenticated and getattr(request.user, "role", None) != Role.SYSTEM_ADMIN:
                raise Forbidden()
            return wrapped(request, *args, **kwargs)

        refuse_other_roles.renda_access = SYSADMIN_ACCESS  # type: ignore[attr-defined]
        return refuse_other_roles

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()
        _declare(urls)
        return urls


def _declare(patterns: list[Any]) -> None:
    """Mark every view of the site, the model admins' included ones too (their own redirects to the change view
    lead only to views behind admin_view)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _declare(pattern.url_patterns)
        callback = getattr(pattern, "callback", None)
        if callback is not None and not hasattr(callback, "renda_access"):
            with contextlib.suppress(AttributeError):
                callback.renda_access = SYSADMIN_ACCESS


admin_site = RendaAdminSite(name="sysadmin")
