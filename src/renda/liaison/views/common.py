"""What the staff pages share: who may use them, and one way of running a service from a POSTed form."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from renda.core.errors import DomainError
from renda.core.params import is_number, number
from renda.core.roles import Role

STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
HANDLERS = (*STAFF, Role.UNIT_USER)


def version_of(request: HttpRequest) -> int | None:
    return number(request.POST.get("version"))


def versions_of(request: HttpRequest, pks: Iterable[int]) -> dict[int, int]:
    """The versions a form that lists several opinions was shown with (`version_<pk>` beside each), for those of
    `pks` it has one for."""
    raw = {pk: request.POST.get(f"version_{pk}", "") for pk in pks}
    return {pk: int(v) for pk, v in raw.items() if is_number(v)}


def run(request: HttpRequest, back: str, call: Callable[[], Any], done: str,
        refused: Callable[[], HttpResponse] | None = None) -> HttpResponse:
    """Run a service; a domain error becomes a message on the page it came from (post/redirect/get), or on the page
    `refused` renders instead (one that shows again what was typed)."""
    try:
        call()
    except DomainError as exc:
        error(request, exc)
        if refused is not None:
            return refused()
    else:
        messages.success(request, done)
    return redirect(back)


def error(request: HttpRequest, exc: DomainError) -> None:
    """A domain error as a message on the page, with its fields' details."""
    details = [m for ms in exc.fields.values() for m in ms if m not in exc.message]
    messages.error(request, exc.message + (f"（{'；'.join(details)}）" if details else ""))


def form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))
