"""Pages and htmx partials of the text engine: the assistant beside the suggestion and opinion forms, the reply
advice beside a unit's reply form, and the hot-issue page of the county and of each township."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from renda.core.access import page
from renda.core.errors import DomainError, NotFound
from renda.core.roles import Role
from renda.insights import hot, reply_check, services
from renda.organizations.models import Congress, HandlingUnit, Region, RegionLevel

STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
MIN_CHARS = 8  # fewer characters say too little to suggest anything
SIMILAR_K = 5


def access_congress_for_assist(*, user: Any, congress_id: Any) -> Congress:
    """The congress whose model and history a form may ask about: a deputy's congress of an active mandate; for
    staff, a congress of their region, above it (a county station in a township) or below it. Anything else is
    "not found"."""
    try:
        congress = Congress.objects.select_related("region").get(pk=int(congress_id))
    except (Congress.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None
    role = getattr(user, "role", None)
    if role == Role.DEPUTY:
        from renda.deputies.models import Mandate, MandateStatus

        if user.person_id and Mandate.objects.filter(person_id=user.person_id, congress=congress,
                                                     status=MandateStatus.ACTIVE).exists():
            return congress
        raise NotFound()
    region = getattr(user, "region", None)
    if role in STAFF and region is not None and (
            congress.region.path.startswith(region.path) or region.path.startswith(congress.region.path)):
        return congress
    raise NotFound()


def _unit_names(suggestion: services.Suggestion | None) -> dict[str, str]:
    if suggestion is None:
        return {}
    ids = [int(label) for label, _ in suggestion.alternatives if label.isdigit()]
    return {str(pk): name for pk, name in HandlingUnit.objects.filter(pk__in=ids).values_list("pk", "name")}


@page(Role.DEPUTY, *STAFF)
@require_POST
def assist(request: HttpRequest) -> HttpResponse:
    """htmx: what the engine proposes for the text being typed (category, handling unit, similar past cases)."""
    user: Any = request.user
    data = request.POST
    text = " ".join(v.strip() for v in (data.get("title", ""), data.get("content", "")) if v and v.strip())
    congress_id = data.get("insights_congress") or data.get("congress")
    context: dict[str, Any] = {"text_too_short": len(text) < MIN_CHARS}
    if not congress_id or context["text_too_short"]:
        return render(request, "insights/_assist.html", context)
    congress = access_congress_for_assist(user=user, congress_id=congress_id)
    category = services.suggest(congress=congress, kind="category", text=text)
    unit = services.suggest(congress=congress, kind="unit", text=text)
    names = _unit_names(unit)
    editing = data.get("insights_exclude", "")
    exclude = [("suggestion", int(editing))] if editing.isdigit() else []
    context.update({
        "category": category, "unit": unit, "unit_name": names.get(unit.best, "") if unit else "",
        "similar": services.similar_in_scope(user=user, congress=congress, text=text, k=SIMILAR_K, exclude=exclude),
        "no_history": category is None and unit is None,
    })
    return render(request, "insights/_assist.html", context)


@page(Role.UNIT_USER, *STAFF)
@require_POST
def reply_advice(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    """htmx: advice on a draft reply to a suggestion (relevance, completeness, reasons, on time) — shown, never
    blocking."""
    from renda.suggestions import selectors

    s = selectors.access_suggestion_by_id(user=request.user, suggestion_id=suggestion_id)
    asked = s.assigned_on or (s.submitted_at.date() if s.submitted_at else timezone.localdate())
    return _advice(request, title=s.title, question=s.content, asked=asked, deadline=s.deadline)


@page(Role.UNIT_USER, *STAFF)
@require_POST
def opinion_reply_advice(request: HttpRequest, opinion_id: int) -> HttpResponse:
    """htmx: the same advice on a draft reply to a constituent's opinion, timed against its 有诉必复 deadline."""
    from renda.liaison import selectors

    o = selectors.access_opinion_by_id(user=request.user, opinion_id=opinion_id)
    return _advice(request, title="", question=o.content, asked=timezone.localdate(o.received_at),
                   deadline=o.deadline)


def _advice(request: HttpRequest, *, title: str, question: str, asked: date, deadline: date | None) -> HttpResponse:
    draft = request.POST.get("text", "")
    if len(draft.strip()) < MIN_CHARS:
        return render(request, "insights/_reply_advice.html", {"review": None})
    # no deadline known: the on-time check has nothing to measure against and passes
    review = reply_check.review(question_title=title, question=question, reply=draft,
                                asked_at=datetime.combine(asked, time()) if deadline else None,
                                replied_at=datetime.combine(timezone.localdate(), time()),
                                deadline_days=(deadline - asked).days if deadline else 0)
    return render(request, "insights/_reply_advice.html", {"review": review})


# --- hot issues -------------------------------------------------------------------------------------------------


def _month(value: str | None) -> date:
    try:
        year, month = (int(v) for v in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _townships(user: Any) -> list[Region]:
    region = user.region
    if region is None:
        return []
    levels = (RegionLevel.TOWNSHIP, RegionLevel.STREET)
    if region.level in levels:
        return [region]
    return list(Region.objects.filter(path__startswith=region.path, level__in=levels).order_by("path"))


@page(*STAFF)
def hot_issues(request: HttpRequest) -> HttpResponse:
    """Top groups of opinions per township for one month (the county sees every township, a township its own)."""
    from renda.liaison import selectors
    from renda.liaison.services.conversion import LINKABLE
    from renda.suggestions import selectors as suggestion_selectors

    user: Any = request.user
    month = _month(request.GET.get("month"))
    start = timezone.make_aware(datetime.combine(month, time()))
    end = timezone.make_aware(datetime.combine((month + timedelta(days=32)).replace(day=1), time()))
    rows = []
    for township in _townships(user):
        opinions = list(selectors.opinions_visible(user=user).filter(
            region__path__startswith=township.path, received_at__gte=start, received_at__lt=end)
            .exclude(status="not_accepted").order_by("received_at"))
        issues = hot.hot_issues([_message(o) for o in opinions], now=end, top=5)
        rows.append({"township": township, "count": len(opinions), "issues": issues})
    targets = (suggestion_selectors.visible(user=user).filter(status__in=LINKABLE).order_by("-id")[:200])
    return render(request, "insights/hot.html", {
        "rows": rows, "month": month, "previous": (month - timedelta(days=1)).replace(day=1),
        "next": (month + timedelta(days=32)).replace(day=1), "targets": targets,
        "params": hot.Params()})


def _message(o: Any) -> hot.Message:
    first = o.content.strip().splitlines()[0] if o.content.strip() else ""
    return hot.Message(id=str(o.pk), title=first[:60], body=o.content, author=o.phone_hash or f"opinion:{o.pk}",
                       at=o.received_at)


@page(*STAFF)
@require_POST
def hot_to_suggestion(request: HttpRequest) -> HttpResponse:
    """Link a hot issue's opinions to one deputy suggestion (liaison's own service does the work and the audit)."""
    from renda.liaison import selectors
    from renda.liaison.services.conversion import opinions_to_suggestion
    from renda.suggestions import selectors as suggestion_selectors

    user: Any = request.user
    back = f"{reverse('insights:hot')}?month={request.POST.get('month', '')}"
    ids = [v for v in request.POST.getlist("opinions") if v.isdigit()]
    opinions = list(selectors.opinions_visible(user=user).filter(pk__in=ids).order_by("pk"))
    try:
        if len(opinions) != len(ids) or not ids:
            raise NotFound()
        suggestion = suggestion_selectors.access_suggestion_by_id(
            user=user, suggestion_id=int(request.POST.get("suggestion") or 0))
        with transaction.atomic():
            opinions_to_suggestion(actor=user, opinions=opinions, suggestion=suggestion)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, f"已将 {len(opinions)} 条群众意见并入代表建议 {suggestion.number or suggestion.pk}。")
    return redirect("suggestions:detail", suggestion.pk)
