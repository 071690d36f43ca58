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
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

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


def _local(url: str, request: HttpRequest) -> str | None:
    """The path (and query) of `url` when it is one of this site's (Django's own test, as the login view's), else
    None."""
    if not url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path.startswith("/") else None


def _page_path(request: HttpRequest) -> str:
    """Where to come back to after logging in again: the page a request comes from. For htmx, the page that holds
    the fragment; for a form sent (POST), the page it was sent from (its action's URL may take POST only: the
    logout button's does); for a page, itself."""
    if request.headers.get("HX-Request") == "true":
        return _local(request.headers.get("HX-Current-URL", ""), request) or "/"
    if request.method == "POST":
        return _local(request.headers.get("Referer", ""), request) or "/"
    return request.get_full_path()


# sent by an htmx element inside a form being filled in (hx-headers), whose GET must not take the page away
KEEP_PAGE = "X-Renda-Keep-Page"


def to_login(request: HttpRequest, login_url: str | None = None) -> HttpResponse:
    """The answer to a request that needs a login it no longer has (after the idle or the absolute timeout).

    A page goes to the login page and back. An htmx fragment must not have the login page swapped into it:
    - a fragment fetched (GET: a live meeting, an import's progress, a lazy panel) takes the whole page to the
      login page, which comes back to it (HX-Redirect);
    - a fragment asked for from a form being filled in (POST: the typing assistant, the reply advice; or a GET
      sent with the KEEP_PAGE header: a form's part that follows a choice) says so in its place and leaves the
      page alone, because leaving it would lose what the clerk has typed.
    """
    back = _page_path(request)
    if request.headers.get("HX-Request") != "true":
        return redirect_to_login(back, login_url)
    login = redirect_to_login(back, login_url)["Location"]
    if request.method == "POST" or request.headers.get(KEEP_PAGE):
        return HttpResponse(render_to_string("core/_login_expired.html", {"login_url": login}, request=request))
    response = HttpResponse(status=204)
    response["HX-Redirect"] = login
    return response


def page(*roles: str, public: bool = False) -> Callable[[F], F]:
    """For Django views: anonymous users go to the login page; a logged-in user without the role gets 403."""
    access = _access(roles, public)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not access.public:
                if not request.user.is_authenticated:
                    return to_login(request)
                if not access.allows(request.user):
                    raise Forbidden()
            return view(request, *args, **kwargs)

        wrapper.renda_access = access  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def action(detail: str, arg: str) -> Callable[[F], F]:
    """For an item's action URL (…/<id>/<event>/): a POST takes the action; a GET goes to the item's page
    (`detail`, a URL name taking the view's keyword `arg`), where the action's form is. A login's `next`, or a
    reload of the page a refused form was shown on, leads there; it answered 405."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.method == "GET":
                return redirect(detail, kwargs[arg])
            if request.method != "POST":
                return HttpResponseNotAllowed(["GET", "POST"])
            return view(request, *args, **kwargs)

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
