"""The screen in the hall (投屏). It is opened by the per-meeting display link the clerk copies from the run page
(/meetings/display/<token>/): a secret link, so the PC driving the projector needs no account. It shows only
aggregates — the item, the count signed in, how many have voted (never what, in a secret round) and the sealed
result — and refreshes its fragment every second (htmx)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from renda.core.access import page
from renda.core.errors import NotFound
from renda.meetings.live import live_context
from renda.meetings.models import Meeting


def _by_token(token: str) -> Meeting:
    meeting = Meeting.objects.select_related("congress").filter(display_token=token).first() if token else None
    if meeting is None:
        raise NotFound()
    return meeting


@page(public=True)
def display(request: HttpRequest, token: str) -> HttpResponse:
    meeting = _by_token(token)
    return render(request, "meetings/display.html", {"token": token, **live_context(meeting)})


@page(public=True)
def display_live(request: HttpRequest, token: str) -> HttpResponse:
    return render(request, "meetings/_live.html", {"big": True, **live_context(_by_token(token))})
