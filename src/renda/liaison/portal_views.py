"""Pages of the public portal. Thin: reads through the public selectors, writes through services/public.py.
Nothing personal is ever rendered: deputies by name only, constituents not at all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from renda.core.access import page
from renda.core.errors import DomainError, Invalid, NotFound, Throttled
from renda.core.scope import get_or_404
from renda.liaison import public_cache, recurrence, selectors
from renda.liaison.forms import EvaluateForm, PortalOpinionForm, TrackForm
from renda.liaison.models import Opinion, OpinionStatus, Satisfaction, Station
from renda.liaison.public_api import linked_suggestion
from renda.liaison.services import public as public_services
from renda.liaison.services.opinions import format_code, normalize_code
from renda.liaison.workflow import AWAITING_REPLY
from renda.organizations.models import Region, RegionLevel
from renda.organizations.services import congress_categories, congress_setting

TEXT_COOKIE = "portal_text"
DAYS_SHOWN = 60


def _render(request: HttpRequest, template: str, ctx: dict[str, Any], status: int = 200) -> HttpResponse:
    ctx.setdefault("large_text", request.COOKIES.get(TEXT_COOKIE) == "large")
    return render(request, f"liaison/portal/{template}", ctx, status=status)


def portal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Public, and a domain error shows in the portal's own plain page rather than the staff shell."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return _render(request, "error.html", {"error": exc}, status=exc.status)

    return page(public=True)(wrapper)


@portal_page
def home(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:20]
    results = list(selectors.public_regions(q=q)[:30]) if q else []
    towns = (Region.objects.filter(level__in=[RegionLevel.TOWNSHIP, RegionLevel.STREET],
                                   pk__in=Station.objects.filter(active=True).values("congress__region"))
             .select_related("parent").order_by("path"))
    return _render(request, "home.html", {"q": q, "results": results, "towns": towns})


@page(public=True)
def text_size(request: HttpRequest) -> HttpResponse:
    """Large-text mode (适老化) without JavaScript: a cookie, then back to the page."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith("/"):
        target = reverse("portal:home")
    response = redirect(target)
    size = "large" if request.GET.get("size") == "large" else "normal"
    response.set_cookie(TEXT_COOKIE, size, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response


@portal_page
def place(request: HttpRequest, region_id: int) -> HttpResponse:
    today = timezone.localdate()
    if request.GET:
        return _place_page(request, region_id, today)
    large = request.COOKIES.get(TEXT_COOKIE) == "large"
    return HttpResponse(public_cache.cached(("place", region_id, today, large),
                                            lambda: _place_page(request, region_id, today).content))


def _place_page(request: HttpRequest, region_id: int, today: Any) -> HttpResponse:
    region = get_or_404(selectors.public_regions(), pk=region_id)
    stations = selectors.stations_for_region(region)
    villages = region.children.order_by("name") if region.level != RegionLevel.VILLAGE else []
    upcoming = selectors.reception_days(stations=stations, start=today, end=today + timedelta(days=DAYS_SHOWN))
    cards = [{"station": s, "next": next(iter(upcoming.get(s.pk) or []), None)} for s in stations]
    return _render(request, "place.html", {
        "region": region, "cards": cards, "villages": villages,
        "deputies": selectors.deputies_for_region(region, stations, today)})


@portal_page
def station(request: HttpRequest, station_id: int) -> HttpResponse:
    today = timezone.localdate()
    if request.GET:
        return _station_page(request, station_id, today)
    large = request.COOKIES.get(TEXT_COOKIE) == "large"
    body = public_cache.cached(("station", station_id, today, large),
                               lambda: _station_page(request, station_id, today).content)
    return HttpResponse(body)


def _station_page(request: HttpRequest, station_id: int, today: Any) -> HttpResponse:
    st = selectors.public_station(station_id)
    until = selectors.publish_until(st, today)
    days = selectors.reception_days(stations=[st], start=today, end=today + timedelta(days=DAYS_SHOWN),
                                    publish_until=until)[st.pk]
    ahead = (until - today).days
    for d in days:
        d.publish_on = d.date - timedelta(days=ahead)  # type: ignore[attr-defined]
    schedules = [(recurrence.describe(s.rule), s) for s in st.schedules.filter(active=True)]
    deputies = selectors.station_public_deputies([st], today)
    return _render(request, "station.html", {"station": st, "days": days, "schedules": schedules,
                                             "deputies": deputies, "ahead": ahead,
                                             "activities": selectors.public_activities(st, today)})


def _villages(st: Station) -> list[tuple[int, str]]:
    base = Region.objects.filter(level=RegionLevel.VILLAGE)
    if st.region.level == RegionLevel.VILLAGE:
        qs = base.filter(pk__in=[st.region_id, *st.villages.values_list("pk", flat=True)])
    else:
        qs = base.filter(path__startswith=st.region.path) | base.filter(pk__in=st.villages.values("pk"))
    return [(r.pk, r.name) for r in qs.distinct().order_by("name")]


@portal_page
@require_http_methods(["GET", "POST"])
def opinion_new(request: HttpRequest) -> HttpResponse:
    station_id = request.POST.get("station") or request.GET.get("station")
    if not station_id:
        return _render(request, "opinion_pick.html", {"towns": Region.objects.filter(
            pk__in=Station.objects.filter(active=True).values("congress__region")).order_by("path")})
    st = selectors.public_station(station_id)
    villages = _villages(st)
    require_contact = bool(congress_setting(st.congress, "liaison.require_contact"))
    form = PortalOpinionForm(request.POST or None, villages=villages, require_contact=require_contact,
                             categories=congress_categories(st.congress))
    status, throttled = 200, None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = get_or_404(Region.objects.all(), pk=data["village"]) if data["village"] else None
        try:
            result = public_services.public_opinion_submit(
                ip=public_services.client_ip(request), station=st, content=data["content"], name=data["name"],
                phone=data["phone"], region=region, category=data["category"], honeypot=data["website"])
        except Throttled as exc:
            form.add_error(None, exc.message)
            status, throttled = 429, exc
        except Invalid as exc:
            for field, messages in (exc.fields or {"__all__": [exc.message]}).items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
            status = 422
        else:
            return redirect(reverse("portal:track_code", args=[format_code(result.tracking_code)]) + "?new=1")
    elif request.method == "POST":
        status = 422
    if request.method == "POST":
        # A page sent back with errors does not carry the name and phone again: no response of the portal
        # holds personal data, even the sender's own (a shared phone, a proxy cache).
        data = request.POST.copy()
        data["name"] = data["phone"] = ""
        form.data = data
    response = _render(request, "opinion_new.html", {"station": st, "form": form, "require_contact": require_contact,
                                                     "contact_cleared": request.method == "POST"}, status=status)
    response["Cache-Control"] = "no-store"
    return throttled.add_headers(response) if throttled else response


@portal_page
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if request.GET and form.is_valid():
        code = normalize_code(form.cleaned_data["code"])
        return redirect("portal:track_code", code=format_code(code))
    return _render(request, "track.html", {"form": form}, status=422 if request.GET else 200)


def _opinion_ctx(opinion: Any) -> dict[str, Any]:
    today = timezone.localdate()
    text = public_services.public_view_text
    return {
        "opinion": opinion, "code": opinion.code,
        "reply": text(opinion, opinion.reply_text) if opinion.replied_at else "",
        "note": text(opinion, opinion.status_note),
        "overdue": opinion.status in AWAITING_REPLY and opinion.deadline < today,
        "can_evaluate": opinion.status == OpinionStatus.REPLIED,
        "asks_phone": public_services.asks_phone(opinion),
        "steps": _steps(opinion),
        "suggestion": linked_suggestion(opinion),
        # the radios are written out in the template: rendering each widget through the form renderer costs
        # more than the rest of the page
        "satisfaction_choices": Satisfaction.choices,
    }


def _steps(opinion: Any) -> list[dict[str, Any]]:
    """The progress bar a constituent sees: 登记 → 办理 → 答复 → 评价/办结."""
    order = ["received", "handling", "replied", "closed"]
    at = {"received": 0, "accepted": 1, "assigned": 1, "to_suggestion": 1, "reopened": 1, "replied": 2,
          "closed": 3, "not_accepted": 3}[opinion.status]
    labels = {"received": "已登记", "handling": "办理中", "replied": "已答复", "closed": "已办结"}
    return [{"label": labels[k], "done": i <= at, "current": i == at} for i, k in enumerate(order)]


@portal_page
def track_code(request: HttpRequest, code: str) -> HttpResponse:
    try:
        opinion = selectors.public_opinion(normalize_code(code))
    except NotFound:
        return _render(request, "track.html", {"form": TrackForm(initial={"code": code[:20]}), "not_found": True},
                       status=404)
    if request.GET or opinion.suggestion_id is not None:
        response = _track_page(request, opinion)
    else:
        # Rendered once per version of the opinion (and day, and text size); the visitor's own CSRF token goes
        # into the slot the cached copy keeps for it. A linked suggestion's answers change outside this app, so
        # such pages are always rendered afresh.
        large = request.COOKIES.get(TEXT_COOKIE) == "large"
        body = public_cache.cached(("track", opinion.pk, opinion.version, timezone.localdate(), large),
                                   lambda: _track_page(request, opinion, slot=CSRF_SLOT).content)
        if CSRF_SLOT.encode() in body:
            body = body.replace(CSRF_SLOT.encode(), get_token(request).encode())
        response = HttpResponse(body)
    response["Cache-Control"] = "no-store"  # the code is the key to this page: no shared cache keeps it
    return response


CSRF_SLOT = "csrf-slot-of-the-cached-page"


def _track_page(request: HttpRequest, opinion: Any, slot: str = "") -> HttpResponse:
    ctx = _opinion_ctx(opinion)
    ctx.update({"new": request.GET.get("new") == "1", "evaluate_form": EvaluateForm(), "csrf_slot": slot})
    return _render(request, "track_code.html", ctx)


@portal_page
@require_http_methods(["POST"])
def evaluate(request: HttpRequest, code: str) -> HttpResponse:
    opinion = selectors.public_opinion(normalize_code(code))
    form = EvaluateForm(request.POST)
    if form.is_valid():
        try:
            public_services.public_opinion_evaluate(ip=public_services.client_ip(request), opinion=opinion,
                                                    satisfaction=form.cleaned_data["satisfaction"],
                                                    comment=form.cleaned_data["comment"],
                                                    phone=form.cleaned_data["phone"])
        except Invalid as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except Throttled as exc:
            form.add_error(None, exc.message)
            ctx = {**_opinion_ctx(opinion), "evaluate_form": form}
            response = _render(request, "track_code.html", ctx, status=429)
            return exc.add_headers(response)
        else:
            return redirect(reverse("portal:track_code", args=[opinion.code]) + "?judged=1")
    ctx = _opinion_ctx(opinion)
    ctx["evaluate_form"] = form
    return _render(request, "track_code.html", ctx, status=422)


@portal_page
def replies(request: HttpRequest) -> HttpResponse:
    pager = Paginator(selectors.published_opinions(), 20)
    page_obj = pager.get_page(request.GET.get("page"))
    text = public_services.public_view_text
    items = [{"o": o, "summary": text(o, o.public_summary), "reply": text(o, o.reply_text)}
             for o in Opinion.masked_together(page_obj)]  # a joint letter's reply names every signer
    return _render(request, "replies.html", {"page_obj": page_obj, "items": items})
