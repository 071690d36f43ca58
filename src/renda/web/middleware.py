"""Domain errors raised by page views become an error page with their message, in one place."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from renda.core.errors import DomainError

TITLES = {400: "操作无法完成", 401: "请先登录", 403: "无权访问", 404: "页面不存在", 409: "操作冲突",
          422: "输入有误", 429: "操作过于频繁"}


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError) and not request.path.startswith("/api/"):
            response = render(request, "errors/error.html",
                              {"status": exception.status, "title": TITLES.get(exception.status, "操作无法完成"),
                               "text": exception.message, "fields": exception.fields}, status=exception.status)
            return exception.add_headers(response)
        return None
