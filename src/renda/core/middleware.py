"""Who is acting, from where: kept for the audit log of this request. And the Content-Security-Policy header."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestMeta:
    ip: str | None
    path: str


_current: contextvars.ContextVar[RequestMeta | None] = contextvars.ContextVar("renda_request", default=None)


def client_ip(request: HttpRequest) -> str | None:
    # Behind a reverse proxy set RENDA_TRUSTED_PROXY=1 so the left-most X-Forwarded-For address is used.
    from django.conf import settings

    if getattr(settings, "TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


def current_request() -> RequestMeta | None:
    return _current.get()


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(RequestMeta(ip=client_ip(request), path=request.path))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY with every response that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
