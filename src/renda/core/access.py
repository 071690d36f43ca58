"""Who may use a page or an endpoint: every view declares it (a test walks the URL map and fails on any view
without a declaration), and the same declaration is enforced here.

Scope — which objects a permitted user may reach — is the job of each app's selectors and `access_*` gates
(renda.core.scope); a gate that misses raises NotFound, so "not yours" looks like "not there".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest

from renda.core.errors import Forbidden, NotAuthenticated
from renda.core.roles import Role

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    public: bool = False
    anonymous_only: bool = False

    def allows(self, user: Any) -> bool:
        if self.public:
            return True
        return bool(user is not None and user.is_authenticated and getattr(user, "role", None) in self.roles)

    def describe(self) -> str:
        if self.public:
            return "公开"
        return "、".join(Role(r).label for r in sorted(self.roles))


def _access(roles: Iterable[str], public: bool) -> Access:
    roles = frozenset(roles)
    if not public and not roles:
        raise ValueError("a view that is not public must name at least one role")
    unknown = roles - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    return Access(roles=roles, public=public)


def page(*roles: str, public: bool = False) -> Callable[[F], F]:
    """For Django views: anonymous users go to the login page; a logged-in user without the role gets 403."""
    access = _access(roles, public)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not access.public:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not access.allows(request.user):
                    raise Forbidden()
            return view(request, *args, **kwargs)

        wrapper.renda_access = access  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def endpoint(*roles: str, public: bool = False) -> Callable[[F], F]:
    """For API operations (authentication itself is ninja's `auth=`): 401 without a user, 403 without the role."""
    access = _access(roles, public)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not access.public:
                user = getattr(request, "auth", None) or request.user
                if user is None or not user.is_authenticated:
                    raise NotAuthenticated()
                if not access.allows(user):
                    raise Forbidden()
                request.user = user
            return view(request, *args, **kwargs)

        wrapper.renda_access = access  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def declared(view: Any) -> Access | None:
    """The declaration of a resolved view callable, looking through Django's and ninja's wrappers."""
    seen = 0
    while view is not None and seen < 10:
        access = getattr(view, "renda_access", None)
        if access is not None:
            return access
        view = getattr(view, "__wrapped__", None) or getattr(view, "view_class", None)
        seen += 1
    return None
