"""Every page and API endpoint declares who may use it (renda.core.access); nothing is reachable by default."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from renda.api.api import operations
from renda.core.access import declared

# Django's own catch-alls that carry no page of ours.
IGNORED_MODULES = ("django.views.static",)


def _walk(resolver: URLResolver, prefix: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found.extend(_walk(entry, prefix + str(entry.pattern)))
        elif isinstance(entry, URLPattern):
            found.append((prefix + str(entry.pattern), entry.callback))
    return found


def _is_ninja_path_view(callback: Any) -> bool:
    return "ninja" in getattr(callback, "__module__", "") and not hasattr(callback, "renda_access")


def test_every_page_declares_who_may_use_it():
    missing = []
    patterns = _walk(get_resolver())
    assert len(patterns) > 10, "the walk found too few URL patterns to be meaningful"
    for route, callback in patterns:
        if callback.__module__.startswith(IGNORED_MODULES):
            continue
        if _is_ninja_path_view(callback):
            continue  # an API path: its operations are checked one by one below
        if declared(callback) is None:
            missing.append(f"{route} → {callback.__module__}.{getattr(callback, '__name__', callback)}")
    assert not missing, "views without an access declaration:\n" + "\n".join(missing)


def test_every_api_operation_declares_who_may_use_it():
    ops = operations()
    assert ops, "no API operations found"
    missing = [f"{method} {path}" for method, path, view in ops if declared(view) is None]
    assert not missing, "API operations without an access declaration:\n" + "\n".join(missing)


def test_a_view_without_declaration_is_caught_by_the_walk():
    def naked(request):  # pragma: no cover - never called
        return None

    assert declared(naked) is None
