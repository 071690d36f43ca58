"""The JSON API of API.md, mounted at /api/v1/. Each app adds its router in `routers()` below."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from renda.api.auth import AUTH
from renda.core.access import Access
from renda.core.errors import DomainError, Forbidden, Invalid, NotAuthenticated, NotFound

api = NinjaAPI(
    title="Renda 人大履职服务平台 API",
    version="1",
    description="见 API.md：错误格式 {code, message, fields}；列表 ?page=&page_size=（最大 200）。",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return exc.add_headers(api.create_response(request, exc.as_dict(), status=exc.status))


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc)


def _loc(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file", "payload", "data")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        fields.setdefault(_loc(err.get("loc", ())), []).append(str(err.get("msg", "无效")))
    return _error(request, Invalid(fields=fields))


@api.exception_handler(ValidationError)
def on_django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(request, Invalid(fields={k: [str(m) for m in v] for k, v in fields.items()}))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, NotAuthenticated())


@api.exception_handler(Http404)
def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, NotFound())


@api.exception_handler(PermissionDenied)
def on_403(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, Forbidden())


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed", 409: "conflict", 429: "throttled"}
    messages = {400: "请求格式有误（须为有效的 JSON）", 401: "请先登录", 403: "您无权执行此操作",
                404: "未找到该对象", 405: "不支持该请求方法", 429: "请求过于频繁，请稍后再试"}
    return api.create_response(
        request, {"code": codes.get(exc.status_code, "error"),
                  "message": messages.get(exc.status_code, str(exc.message)), "fields": {}},
        status=exc.status_code,
    )


def declare_docs_views(urls: Any) -> Any:
    """The OpenAPI document and its docs page are public, like the API.md that describes them."""
    patterns = urls[0]
    for pattern in patterns:
        if getattr(pattern, "name", "") in ("openapi-json", "openapi-view", "api-root"):
            pattern.callback.renda_access = Access(roles=frozenset(), public=True)
    return urls


def operations() -> list[tuple[str, str, Any]]:
    """(method, path, view function) of every API operation: what the URL-map walk checks."""
    out = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                for method in op.methods:
                    out.append((method, f"{prefix}{path}", op.view_func))
    return out


def routers() -> None:
    from renda.api import core_api
    from renda.deputies import api as deputies_api

    api.add_router("", core_api.router)
    api.add_router("", deputies_api.router)
    from renda.suggestions.api import router as suggestions_router
    api.add_router("", suggestions_router)
    from renda.liaison.api import router as liaison_router
    api.add_router("", liaison_router)
    from renda.meetings.api import router as meetings_router
    api.add_router("", meetings_router)
    from renda.insights.api import router as insights_router
    api.add_router("", insights_router)


routers()
