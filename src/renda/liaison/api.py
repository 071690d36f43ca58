"""/api/v1/opinions — the staff side of constituents' opinions (API.md) — and, nested, the public portal API."""


from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from renda.api.schemas import ERRORS, Error, Page, PageParams, paginate
from renda.core.access import endpoint
from renda.core.masking import mask_name, mask_phone
from renda.core.roles import Role
from renda.core.scope import get_or_404
from renda.liaison import public_api, selectors, workflow
from renda.liaison.models import Opinion
from renda.liaison.services import opinions as services
from renda.organizations import selectors as org_selectors

router = Router(tags=["opinions"])
router.add_router("", public_api.router)

STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
HANDLERS = (*STAFF, Role.UNIT_USER)
ACTION_ERRORS = {**ERRORS, 409: Error}


class Ref(Schema):
    id: int
    name: str


class ReplyOut(Schema):
    text: str
    replied_at: datetime
    on_the_spot: bool


class JudgmentOut(Schema):
    judged_at: datetime
    satisfaction: str
    comment: str = Field(description="the constituent's words; masked for a handling unit as the content is")
    via: str = Field(description="portal, phone or visit (回访)")
    reopened: bool = Field(description="this judgment reopened the opinion (不满意 while reopenings remained)")


class OpinionOut(Schema):
    id: int
    tracking_code: str
    status: str
    status_label: str
    channel: str
    station: int | None
    station_name: str
    region: Ref
    category: str
    content: str
    constituent_name: str
    constituent_phone: str
    received_at: datetime
    deadline: date
    overdue: bool
    escalated: bool
    responsible: Ref | None
    unit: Ref | None
    not_accepted_reason: str
    note: str
    reply: ReplyOut | None
    satisfaction: str
    judged_via: str = Field(description="portal, phone or visit (回访), empty before any judgment")
    reopen_count: int
    judgments: list[JudgmentOut] | None = Field(
        None, description="every judgment given, oldest first (评价记录): a new reply clears `satisfaction`, not "
                          "these; on the opinion's own endpoints, null in lists")
    published: bool
    suggestion: int | None
    merged_into: int | None = Field(description="the opinion this one is handled with (合并办理), if merged")
    allowed_events: list[str]
    version: int


def opinion_out(o: Opinion, *, listed: bool = False, reader: Any = None) -> OpinionOut:
    """One opinion as the API gives it; `listed`: the content, the reply and the clerk's note masked as the pages'
    lists mask them (the writer's own name and phone, anything like a phone or ID number: Opinion.listed_content).
    The opinion's own endpoint, like its page, gives them whole, except to a handling unit as the `reader`: the
    constituent's content masked (selectors.sees_whole) and the tracking code masked (selectors.reads_code_masked,
    Opinion.masked_code without its dashes). Without a reader: as the staff read it (the staff-only endpoints)."""
    today = timezone.localdate()
    whole = reader is None or selectors.sees_whole(reader)
    code_masked = reader is not None and selectors.reads_code_masked(reader)
    return OpinionOut(
        id=o.pk, tracking_code=o.masked_code.replace("-", "") if code_masked else o.tracking_code, status=o.status,
        status_label=o.get_status_display(),
        channel=o.channel, station=o.station_id, station_name=o.station.name if o.station else "",
        region=Ref(id=o.region.pk, name=o.region.name), category=o.category,
        content=o.listed_content if listed or not whole else o.content,
        constituent_name=mask_name(o.constituent_name), constituent_phone=mask_phone(o.constituent_phone),
        received_at=o.received_at, deadline=o.deadline,
        overdue=o.status in workflow.AWAITING_REPLY and o.deadline < today, escalated=o.escalated_at is not None,
        responsible=Ref(id=o.responsible.pk, name=str(o.responsible)) if o.responsible else None,
        unit=Ref(id=o.unit.pk, name=o.unit.name) if o.unit else None,
        not_accepted_reason=o.not_accepted_reason, note=o.masked(o.status_note) if listed else o.status_note,
        reply=ReplyOut(text=o.masked(o.reply_text) if listed else o.reply_text, replied_at=o.replied_at,
                       on_the_spot=o.replied_on_the_spot)
        if o.replied_at else None,
        satisfaction=o.satisfaction, judged_via=o.judged_via, reopen_count=o.reopen_count,
        judgments=None if listed else [
            JudgmentOut(judged_at=j.judged_at, satisfaction=j.satisfaction, via=j.via, reopened=j.reopened,
                        comment=selectors.as_read_by(reader, o, j.comment) if reader else j.comment)
            for j in o.judgments.all()],
        published=o.published,
        suggestion=o.suggestion_id, merged_into=o.merged_into_id, allowed_events=workflow.allowed_events(o.status),
        version=o.version)


class OpinionFilters(Schema):
    status: str | None = None
    station: int | None = None
    channel: str | None = None
    overdue: bool | None = None


@router.get("/opinions", response={200: Page[OpinionOut], **ERRORS})
@endpoint(*HANDLERS)
def opinion_list(request: HttpRequest, params: Query[PageParams], filters: Query[OpinionFilters]) -> dict[str, object]:
    qs = selectors.opinions_visible(user=request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.station is not None:
        qs = qs.filter(station_id=filters.station)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.overdue is not None:
        overdue = selectors.overdue_q(timezone.localdate())
        qs = qs.filter(overdue) if filters.overdue else qs.exclude(overdue)
    items, count = paginate(qs, params)
    return {"items": [opinion_out(o, listed=True, reader=request.user) for o in Opinion.masked_together(items)],
            "count": count}


class OpinionIn(Schema):
    station: int
    channel: str = Field(..., max_length=16)
    content: str = Field(..., max_length=10000)
    category: str = Field("", max_length=50)
    region: int | None = None
    name: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)


@router.post("/opinions", response={200: OpinionOut, **ERRORS})
@endpoint(*STAFF)
def opinion_create(request: HttpRequest, payload: OpinionIn) -> OpinionOut:
    """Register an opinion received at a reception, by phone or by letter."""
    user: Any = request.user
    station = selectors.access_station_by_id(user=user, station_id=payload.station)
    region = (org_selectors.access_region_by_id(user=user, region_id=payload.region)
              if payload.region is not None else None)
    opinion = services.opinion_register(actor=user, channel=payload.channel, content=payload.content,
                                        station=station, region=region, category=payload.category,
                                        name=payload.name, phone=payload.phone)
    return opinion_out(opinion)


@router.get("/opinions/{opinion_id}", response={200: OpinionOut, **ERRORS})
@endpoint(*HANDLERS)
def opinion_detail(request: HttpRequest, opinion_id: int) -> OpinionOut:
    return opinion_out(selectors.access_opinion_by_id(user=request.user, opinion_id=opinion_id),
                       reader=request.user)


class Versioned(Schema):
    version: int | None = None


class AcceptIn(Versioned):
    category: str = Field(..., max_length=50)
    responsible: int | None = None


class RejectIn(Versioned):
    reason: str = Field(..., max_length=16, description="litigation | arbitration")
    note: str = Field("", max_length=500)


class AssignIn(Versioned):
    unit: int
    note: str = Field("", max_length=500)


class ReplyIn(Versioned):
    text: str = Field(..., max_length=5000)


class PublishIn(Versioned):
    summary: str = Field("", max_length=300)
    published: bool = True


def _opinion(request: HttpRequest, opinion_id: int) -> Opinion:
    return selectors.access_opinion_by_id(user=request.user, opinion_id=opinion_id)


@router.post("/opinions/{opinion_id}/accept", response={200: OpinionOut, **ACTION_ERRORS})
@endpoint(*STAFF)
def opinion_accept(request: HttpRequest, opinion_id: int, payload: AcceptIn) -> OpinionOut:
    from renda.accounts.models import User

    opinion = _opinion(request, opinion_id)
    responsible = None
    if payload.responsible is not None:
        responsible = get_or_404(User.objects.filter(is_active=True, role__in=STAFF), pk=payload.responsible)
    return opinion_out(services.opinion_accept(actor=request.user, opinion=opinion, category=payload.category,
                                               responsible=responsible, version=payload.version))


@router.post("/opinions/{opinion_id}/reject", response={200: OpinionOut, **ACTION_ERRORS})
@endpoint(*STAFF)
def opinion_reject(request: HttpRequest, opinion_id: int, payload: RejectIn) -> OpinionOut:
    """Not accepted: a matter in litigation or arbitration; the reason is shown to the constituent."""
    return opinion_out(services.opinion_reject(actor=request.user, opinion=_opinion(request, opinion_id),
                                               reason=payload.reason, note=payload.note, version=payload.version))


@router.post("/opinions/{opinion_id}/assign", response={200: OpinionOut, **ACTION_ERRORS})
@endpoint(*STAFF)
def opinion_assign(request: HttpRequest, opinion_id: int, payload: AssignIn) -> OpinionOut:
    from renda.organizations.models import HandlingUnit

    opinion = _opinion(request, opinion_id)
    # Any unit may be named; the service accepts only the township's own units and the county's departments.
    unit = get_or_404(HandlingUnit.objects.select_related("region"), pk=payload.unit)
    return opinion_out(services.opinion_assign(actor=request.user, opinion=opinion, unit=unit, note=payload.note,
                                               version=payload.version))


@router.post("/opinions/{opinion_id}/reply", response={200: OpinionOut, **ACTION_ERRORS})
@endpoint(*HANDLERS)
def opinion_reply(request: HttpRequest, opinion_id: int, payload: ReplyIn) -> OpinionOut:
    return opinion_out(services.opinion_reply(actor=request.user, opinion=_opinion(request, opinion_id),
                                              text=payload.text, version=payload.version),
                       reader=request.user)


class MergeIn(Versioned):
    into: str = Field(..., max_length=20, description="the tracking code of the open opinion to handle this one with")


@router.post("/opinions/{opinion_id}/merge", response={200: OpinionOut, **ACTION_ERRORS})
@endpoint(*STAFF)
def opinion_merge(request: HttpRequest, opinion_id: int, payload: MergeIn) -> OpinionOut:
    """合并办理: this opinion is the same complaint as the open opinion `into` (its tracking code): it gets that one's
    reply, and that one's deadline becomes the earlier of the two. 422 when `into` is not found in the caller's
    scope, is this one, belongs to another congress, or is no longer open."""
    opinion = _opinion(request, opinion_id)
    into = selectors.opinion_by_code(user=request.user, raw=payload.into)
    return opinion_out(services.opinion_merge(actor=request.user, opinion=opinion, into=into,
                                              version=payload.version))


@router.post("/opinions/{opinion_id}/close", response={200: OpinionOut, **ACTION_ERRORS})
@endpoint(*STAFF)
def opinion_close(request: HttpRequest, opinion_id: int, payload: Versioned) -> OpinionOut:
    return opinion_out(services.opinion_close(actor=request.user, opinion=_opinion(request, opinion_id),
                                              version=payload.version))


class JudgmentIn(Versioned):
    satisfaction: str = Field(..., max_length=24, description="satisfied / basically_satisfied / unsatisfied")
    via: str = Field(..., max_length=8, description="phone（电话回访）或 visit（当面回访）")
    comment: str = Field("", max_length=500)


@router.post("/opinions/{opinion_id}/judgment", response={200: OpinionOut, **ACTION_ERRORS})
@endpoint(*STAFF)
def opinion_judgment(request: HttpRequest, opinion_id: int, payload: JudgmentIn) -> OpinionOut:
    """回访: record the judgment the constituent gave a clerk by phone or in person (same rules as the portal's)."""
    return opinion_out(services.opinion_record_judgment(
        actor=request.user, opinion=_opinion(request, opinion_id), satisfaction=payload.satisfaction,
        via=payload.via, comment=payload.comment, version=payload.version))


@router.post("/opinions/{opinion_id}/publish", response={200: OpinionOut, **ACTION_ERRORS})
@endpoint(*STAFF)
def opinion_publish(request: HttpRequest, opinion_id: int, payload: PublishIn) -> OpinionOut:
    """Publish the reply on the portal under a summary without personal data (or withdraw it)."""
    return opinion_out(services.opinion_publish(actor=request.user, opinion=_opinion(request, opinion_id),
                                                summary=payload.summary, published=payload.published,
                                                version=payload.version))


class ToSuggestionIn(Versioned):
    suggestion: int | None = Field(None, description="并入已提交的代表建议；或者用 deputy 由代表新提一件")
    others: list[int] = Field(default_factory=list, max_length=200,
                              description="更多并入同一建议的群众意见（多条意见 → 一件建议）")
    deputy: int | None = Field(None, description="接手这些意见的代表（人员 id）：工作人员代录其建议并提交")
    congress: int | None = Field(None, description="代表所在的人大；缺省为该代表在本人范围内唯一的在任资格")
    title: str = Field("", max_length=200, description="缺省由所选意见生成")
    content: str = Field("", max_length=10000, description="缺省由所选意见生成")
    category: str = Field("", max_length=50)


def _taker(user: Any, opinions: list[Opinion], deputy: int, congress: int | None) -> Any:
    from renda.core.errors import Invalid

    mandates = [m for m in selectors.deputies_who_may_take_up(user=user, opinions=opinions)
                if m.person_id == deputy and (congress is None or m.congress_id == congress)]
    if len(mandates) != 1:
        message = "该代表不是可接手这些意见的在任代表" if not mandates else "该代表在多级人大任职，请指定 congress"
        raise Invalid(message, fields={"deputy": [message]})
    return mandates[0]


@router.post("/opinions/{opinion_id}/to_suggestion", response={200: list[OpinionOut], **ACTION_ERRORS})
@endpoint(*STAFF)
def opinion_to_suggestion(request: HttpRequest, opinion_id: int, payload: ToSuggestionIn) -> list[OpinionOut]:
    """Turn this opinion (and `others`) into a deputy's suggestion — an existing submitted one (`suggestion`), or
    a new one the deputy takes up (`deputy`, entered on their behalf); its answer will reach every constituent.
    Answers the linked opinions, each with its `suggestion`."""
    from renda.core.errors import Invalid
    from renda.liaison.services.conversion import opinions_to_new_suggestion, opinions_to_suggestion, prefill
    from renda.suggestions.selectors import access_suggestion_by_id

    user: Any = request.user
    first = _opinion(request, opinion_id)
    others = [selectors.access_opinion_by_id(user=user, opinion_id=pk)
              for pk in dict.fromkeys(payload.others) if pk != first.pk]
    opinions = [first, *others]
    if (payload.suggestion is None) == (payload.deputy is None):
        message = "请指定并入的建议（suggestion）或接手的代表（deputy），二者选一"
        raise Invalid(message, fields={"suggestion": [message], "deputy": [message]})
    if payload.suggestion is not None:
        suggestion = access_suggestion_by_id(user=user, suggestion_id=payload.suggestion)
        done = opinions_to_suggestion(actor=user, opinions=opinions, suggestion=suggestion, version=payload.version)
    else:
        assert payload.deputy is not None
        mandate = _taker(user, opinions, payload.deputy, payload.congress)
        title, content = prefill(opinions)
        _, done = opinions_to_new_suggestion(
            actor=user, opinions=opinions, lead_deputy=mandate.person, congress=mandate.congress,
            title=payload.title or title, content=payload.content or content, category=payload.category,
            version=payload.version)
    fresh = Opinion.objects.select_related("station", "region", "responsible", "unit").prefetch_related(
        "judgments").in_bulk([o.pk for o in done])
    return [opinion_out(fresh[o.pk]) for o in done]
