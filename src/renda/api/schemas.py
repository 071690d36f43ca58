from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

T = TypeVar("T")
MAX_PAGE_SIZE = 200


class Error(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class PageParams(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class Page(Schema, Generic[T]):
    items: list[T]
    count: int


def paginate(qs: QuerySet[Any] | list[Any], params: PageParams) -> tuple[list[Any], int]:
    count = qs.count() if isinstance(qs, QuerySet) else len(qs)
    start = (params.page - 1) * params.page_size
    return list(qs[start:start + params.page_size]), count


# Error responses every authenticated endpoint may give; each route adds its own (409, 422 …).
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}
