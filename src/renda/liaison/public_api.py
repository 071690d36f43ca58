"""The public API of the portal (API.md): no login, nothing personal in any response. Submissions are throttled
per client address and per phone (429 with a clear message), carry a honeypot, and are limited in length."""


import datetime as dt
from datetime import date, time, timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.renderers import JSONRenderer

from renda.api.schemas import Error, Page, PageParams, paginate
from renda.core.access import endpoint
from renda.core.errors import Invalid
from renda.core.scope import get_or_404
from renda.liaison import public_cache, recurrence, selectors
from renda.liaison.models import Opinion, OpinionStatus, Station
from renda.liaison.services import public as public_services
from renda.liaison.services.opinions import format_code, normalize_code

router = Router(tags=["public"])
PUBLIC_ERRORS = {400: Error, 404: Error, 422: Error, 429: Error}
MAX_RANGE_DAYS = 400


class RegionRef(Schema):
    id: int
    name: str
    level: str


class PublicStationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region: RegionRef
    address: str
    opening_hours: str
    phone: str
    schedules: list[str]


class DeputyRef(Schema):
    id: int
    name: str


class PublicReceptionOut(Schema):
    date: dt.date
    start_time: time
    end_time: time
    place: str
    title: str
    moved_from: dt.date | None
    added: bool
    note: str
    published: bool
    publish_on: dt.date
    deputies: list[DeputyRef]


def station_out(station: Station) -> PublicStationOut:
    schedules = getattr(station, "active_schedules", None)
    if schedules is None:
        schedules = list(station.schedules.filter(active=True))
    return PublicStationOut(
        id=station.pk, name=station.name, kind=station.kind, kind_label=station.get_kind_display(),
        region=RegionRef(id=station.region.pk, name=station.region.name, level=station.region.level),
        address=station.address, opening_hours=station.opening_hours, phone=station.phone,
        schedules=[f"{recurrence.describe(s.rule)} {s.start_time:%H:%M}—{s.end_time:%H:%M}" for s in schedules])


@router.get("/public/stations", auth=None, response={200: Page[PublicStationOut], **PUBLIC_ERRORS})
@endpoint(public=True)
def public_station_list(request: HttpRequest, params: Query[PageParams],
                        region: int | None = None) -> dict[str, object]:
    qs = selectors.public_stations()
    if region is not None:
        place = get_or_404(selectors.public_regions(), pk=region)
        items = selectors.stations_for_region(place)
        page, count = paginate(items, params)
    else:
        page, count = paginate(qs.order_by("region__path", "kind", "name"), params)
    return {"items": [station_out(s) for s in page], "count": count}


@router.get("/public/stations/{station_id}", auth=None, response={200: PublicStationOut, **PUBLIC_ERRORS})
@endpoint(public=True)
def public_station_detail(request: HttpRequest, station_id: int) -> PublicStationOut:
    return station_out(selectors.public_station(station_id))


class RangeParams(Schema):
    from_: date | None = Field(None, alias="from")
    to: date | None = None


@router.get("/public/stations/{station_id}/receptions", auth=None,
            response={200: list[PublicReceptionOut], **PUBLIC_ERRORS})
@endpoint(public=True)
def public_station_receptions(request: HttpRequest, station_id: int, params: Query[RangeParams]) -> HttpResponse:
    """Coming reception days; the deputies on duty appear only from `publish_on` ([setting] days ahead)."""
    today = timezone.localdate()
    start = params.from_ or today
    end = params.to or start + timedelta(days=60)
    if end < start or (end - start).days > MAX_RANGE_DAYS:
        raise Invalid(f"查询区间须在 0 到 {MAX_RANGE_DAYS} 天之间", fields={"to": ["区间无效"]})
    # The rendered JSON is what is cached: a warm answer is a cache read, not a validation of 60 days again.
    body = public_cache.cached(("receptions.json", station_id, start, end, today),
                               lambda: JSONRenderer().render(request, _receptions(station_id, start, end, today),
                                                             response_status=200))
    return HttpResponse(body, content_type=JSONRenderer.media_type + "; charset=utf-8")


def _receptions(station_id: int, start: date, end: date, today: date) -> list[dict[str, object]]:
    station = selectors.public_station(station_id)
    until = selectors.publish_until(station, today)
    days_ahead = (until - today).days
    days = selectors.reception_days(stations=[station], start=start, end=end, publish_until=until)[station.pk]
    return [PublicReceptionOut(
        date=d.date, start_time=d.start_time, end_time=d.end_time, place=d.place, title=d.schedule.title,
        moved_from=d.moved_from, added=d.added, note=d.reason, published=d.published,
        publish_on=d.date - timedelta(days=days_ahead),
        deputies=[DeputyRef(id=p.pk, name=p.name) for p in d.deputies]).model_dump() for d in days]


class PlaceDeputyOut(Schema):
    id: int
    name: str
    levels: list[str]
    stations: list[str]


class PlaceOut(Schema):
    region: RegionRef
    parent: RegionRef | None
    stations: list[PublicStationOut]
    deputies: list[PlaceDeputyOut]


@router.get("/public/places/{region_id}", auth=None, response={200: PlaceOut, **PUBLIC_ERRORS})
@endpoint(public=True)
def public_place(request: HttpRequest, region_id: int) -> PlaceOut:
    """Find my deputies and my station from my village or community."""
    region = get_or_404(selectors.public_regions(), pk=region_id)
    stations = selectors.stations_for_region(region)
    parent = region.parent
    return PlaceOut(
        region=RegionRef(id=region.pk, name=region.name, level=region.level),
        parent=RegionRef(id=parent.pk, name=parent.name, level=parent.level) if parent else None,
        stations=[station_out(s) for s in stations],
        deputies=[PlaceDeputyOut(**vars(d)) for d in selectors.deputies_for_region(region, stations)])


class OpinionSubmitIn(Schema):
    station: int
    content: str = Field(..., max_length=10000)
    category: str = Field("", max_length=50)
    region: int | None = None
    name: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    website: str = Field("", max_length=200, description="留空（防机器人字段）")


class TrackingCodeOut(Schema):
    tracking_code: str


@router.post("/public/opinions", auth=None, response={200: TrackingCodeOut, **PUBLIC_ERRORS})
@endpoint(public=True)
def public_opinion_submit(request: HttpRequest, payload: OpinionSubmitIn) -> TrackingCodeOut:
    station = selectors.public_station(payload.station)
    region = None
    if payload.region is not None:
        region = get_or_404(selectors.public_regions(), pk=payload.region)
    result = public_services.public_opinion_submit(
        ip=public_services.client_ip(request), station=station, content=payload.content, name=payload.name,
        phone=payload.phone, region=region, category=payload.category, honeypot=payload.website)
    return TrackingCodeOut(tracking_code=format_code(result.tracking_code))


class ReplyOut(Schema):
    text: str
    replied_on: date | None
    on_the_spot: bool


class SuggestionReplyOut(Schema):
    replied_on: date
    result: str
    text: str


class LinkedSuggestionOut(Schema):
    title: str
    status_label: str
    replies: list[SuggestionReplyOut]


class PublicOpinionOut(Schema):
    tracking_code: str
    status: str
    status_label: str
    channel: str
    category: str
    station: DeputyRef | None
    received_on: date
    deadline: date
    overdue: bool
    not_accepted_reason: str
    note: str
    reply: ReplyOut | None
    suggestion: LinkedSuggestionOut | None
    satisfaction: str
    judged_via: str  # portal: the constituent's own; phone / visit: recorded by a clerk on a callback (回访)
    # how often a 不满意 reopened it: with an empty `satisfaction` and a reply, the reply is a new one to judge
    reopen_count: int
    can_evaluate: bool
    asks_phone: bool  # judging asks `phone`: the phone number the constituent left
    closed_on: date | None


def public_opinion_out(opinion: Opinion) -> PublicOpinionOut:
    today = timezone.localdate()
    text = public_services.public_view_text
    reply = None
    if opinion.replied_at is not None and opinion.reply_text:
        reply = ReplyOut(text=text(opinion, opinion.reply_text), replied_on=timezone.localdate(opinion.replied_at),
                         on_the_spot=opinion.replied_on_the_spot)
    from renda.liaison.workflow import AWAITING_REPLY

    return PublicOpinionOut(
        tracking_code=opinion.code, status=opinion.status,
        status_label=opinion.get_status_display(), channel=opinion.channel, category=opinion.category,
        station=DeputyRef(id=opinion.station.pk, name=opinion.station.name) if opinion.station else None,
        received_on=timezone.localdate(opinion.received_at), deadline=opinion.deadline,
        overdue=opinion.status in AWAITING_REPLY and opinion.deadline < today,
        not_accepted_reason=opinion.not_accepted_reason, note=text(opinion, opinion.status_note),
        reply=reply, suggestion=linked_suggestion(opinion), satisfaction=opinion.satisfaction,
        judged_via=opinion.judged_via, reopen_count=opinion.reopen_count,
        can_evaluate=opinion.status == OpinionStatus.REPLIED,
        asks_phone=public_services.asks_phone(opinion),
        closed_on=timezone.localdate(opinion.closed_at) if opinion.closed_at else None)


def linked_suggestion(opinion: Opinion) -> LinkedSuggestionOut | None:
    """The deputy suggestion the opinion was turned into, with its answers as they come (texts scrubbed)."""
    if opinion.suggestion_id is None:
        return None
    from renda.liaison.services.conversion import answering, suggestion_replies

    assert opinion.suggestion is not None
    s = answering(opinion.suggestion)
    text = public_services.public_view_text
    return LinkedSuggestionOut(title=text(opinion, s.title), status_label=s.get_status_display(), replies=[
        SuggestionReplyOut(replied_on=r.replied_on, result=r.get_result_class_display(), text=text(opinion, r.text))
        for r in suggestion_replies(s)])


@router.get("/public/opinions/{tracking_code}", auth=None, response={200: PublicOpinionOut, **PUBLIC_ERRORS})
@endpoint(public=True)
def public_opinion_track(request: HttpRequest, tracking_code: str) -> HttpResponse:
    opinion = selectors.public_opinion(normalize_code(tracking_code))

    def render() -> str:
        return JSONRenderer().render(request, public_opinion_out(opinion).model_dump(), response_status=200)

    # Cached per version of the opinion (and day: "overdue" moves at midnight), unless a linked suggestion's
    # answers, which change in another app, are part of it.
    body = render() if opinion.suggestion_id else public_cache.cached(
        ("track.json", opinion.pk, opinion.version, timezone.localdate()), render)
    response = HttpResponse(body, content_type=JSONRenderer.media_type + "; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


class EvaluateIn(Schema):
    satisfaction: str = Field(..., max_length=24)
    comment: str = Field("", max_length=500)
    phone: str = Field("", max_length=24, description="留言时登记的联系电话；asks_phone 为真时必填")


@router.post("/public/opinions/{tracking_code}/evaluate", auth=None,
             response={200: PublicOpinionOut, **PUBLIC_ERRORS, 409: Error})
@endpoint(public=True)
def public_opinion_evaluate(request: HttpRequest, tracking_code: str, payload: EvaluateIn) -> PublicOpinionOut:
    """The constituent's judgment of the answer (satisfied / basically_satisfied / unsatisfied). When the constituent
    left a phone (`asks_phone`), `phone` must be that number: the code alone is seen by the staff and deputies."""
    opinion = selectors.public_opinion(normalize_code(tracking_code))
    opinion = public_services.public_opinion_evaluate(ip=public_services.client_ip(request), opinion=opinion,
                                                      satisfaction=payload.satisfaction, comment=payload.comment,
                                                      phone=payload.phone)
    return public_opinion_out(opinion)


class PublishedReplyOut(Schema):
    summary: str
    category: str
    station: str
    received_on: date
    replied_on: date
    reply: str


@router.get("/public/replies", auth=None, response={200: Page[PublishedReplyOut], **PUBLIC_ERRORS})
@endpoint(public=True)
def public_replies(request: HttpRequest, params: Query[PageParams]) -> dict[str, object]:
    items, count = paginate(selectors.published_opinions(), params)
    return {"items": [published_reply_out(o) for o in Opinion.masked_together(items)], "count": count}


def published_reply_out(o: Opinion) -> PublishedReplyOut:
    assert o.replied_at is not None
    return PublishedReplyOut(
        summary=public_services.public_view_text(o, o.public_summary), category=o.category,
        station=o.station.name if o.station else "", received_on=timezone.localdate(o.received_at),
        replied_on=timezone.localdate(o.replied_at), reply=public_services.public_view_text(o, o.reply_text))
