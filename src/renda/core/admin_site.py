"""The system administrator's back office (Django admin), and only theirs.

Every view of the site carries the access declaration (system administrator, with a second factor); the
models registered here are scoped to the administrator's region, and the audit log is never registered
(三员分立: the system administrator can neither read nor alter it).
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from renda.core.access import Access
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

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        wrapped = super().admin_view(view, cacheable)
        wrapped.renda_access = SYSADMIN_ACCESS
        return wrapped

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()
        for pattern in urls:
            callback = getattr(pattern, "callback", None)
            if callback is not None and not hasattr(callback, "renda_access"):
                with contextlib.suppress(AttributeError):
                    callback.renda_access = SYSADMIN_ACCESS
        return urls


admin_site = RendaAdminSite(name="sysadmin")
