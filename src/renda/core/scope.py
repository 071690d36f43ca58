"""Region scoping: every staff user sees their own region and everything below it.

Regions carry a materialised path ("/1/4/27/"), so "in my scope" is one indexed prefix match.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from renda.core.errors import NotFound

M = TypeVar("M", bound=models.Model)


def scope_path(user: Any) -> str | None:
    region = getattr(user, "region", None)
    return region.path if region is not None else None


def within(qs: models.QuerySet[M], user: Any, path_field: str = "region__path") -> models.QuerySet[M]:
    """Objects whose region lies in the user's region or below; nothing for a user without a region."""
    path = scope_path(user)
    if not path:
        return qs.none()
    return qs.filter(**{f"{path_field}__startswith": path})


def get_or_404(qs: models.QuerySet[M], **lookup: Any) -> M:
    try:
        return qs.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def check_version(obj: Any, version: int | None) -> None:
    """Refuse a write made from a stale copy (API.md: 409 stale_version)."""
    from renda.core.errors import StaleVersion

    if version is not None and int(version) != obj.version:
        raise StaleVersion(fields={"version": [f"当前版本为 {obj.version}，您提交的是 {version}"]},
                           current_version=obj.version)
