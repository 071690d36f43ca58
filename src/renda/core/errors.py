"""One small tree of domain errors with stable codes (API.md "Errors").

Pages turn them into a message, the API into {code, message, fields}; both in one place each
(renda.web.errors and renda.api.api).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message = "操作无法完成"

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 fields: dict[str, list[str]] | None = None, **extra: Any) -> None:
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        self.extra = extra
        super().__init__(self.message)

    def add_headers(self, response: Any) -> Any:
        """Put on `response` the HTTP headers this error's answer carries, wherever it is rendered (page or API):
        Retry-After (seconds, RFC 9110) on a 429."""
        retry_after = self.extra.get("retry_after")
        if self.status == 429 and retry_after:
            response["Retry-After"] = str(int(retry_after))
        return response

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "fields": self.fields}
        body.update(self.extra)
        return body


class NotFound(DomainError):
    """Missing, or outside the caller's scope: the two look the same on purpose."""

    code = "not_found"
    status = 404
    default_message = "未找到该对象"


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401
    default_message = "请先登录"


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    default_message = "您无权执行此操作"


class Invalid(DomainError):
    code = "invalid"
    status = 422
    default_message = "输入有误，请检查后重试"


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409
    default_message = "当前状态下不能执行此操作"


class StaleVersion(DomainError):
    code = "stale_version"
    status = 409
    default_message = "该记录已被他人修改，请刷新后重试"


class Throttled(DomainError):
    code = "throttled"
    status = 429
    default_message = "提交过于频繁，请稍后再试"
