"""/api/v1/suggestions (API.md): suggestions and bills, their handling workflow, and the figures of §3.

Each action is `POST /suggestions/<id>/<event>` with a small body that may carry "version"; the answer is the
updated suggestion. Outside the caller's scope is 404; a role that may never take the event is 403; an event the
state table refuses now is 409 invalid_transition; a stale version is 409 stale_version.
"""

import json
from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus

from renda.api.schemas import ERRORS, Error, Page, PageParams, paginate
from renda.core.access import endpoint
from renda.core.errors import Invalid
from renda.core.roles import Role
from renda.deputies.models import Person
from renda.organizations.models import Congress, HandlingUnit
from renda.suggestions import selectors, services, stats, workflow
from renda.suggestions.api_schemas import SuggestionDetailOut, SuggestionOut, detail_out, suggestion_out
from renda.suggestions.api_supervision import router as supervision_router
from renda.suggestions.models import Suggestion

router = Router(tags=["suggestions"])
router.add_router("", supervision_router)
READERS = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.UNIT_USER, Role.DEPUTY)
STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
ACTION_RESPONSES: dict[int, Any] = {**ERRORS, 409: Error}


def _fresh(request: HttpRequest, s: Suggestion) -> SuggestionDetailOut:
    return detail_out(selectors.access_suggestion_by_id(user=request.user, suggestion_id=s.pk), request.user)


def _get(request: HttpRequest, suggestion_id: int) -> Suggestion:
    return selectors.access_suggestion_by_id(user=request.user, suggestion_id=suggestion_id)


def _people(ids: list[int]) -> list[Person]:
    found = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise Invalid(fields={"co_signers": [f"代表 {i} 不存在" for i in missing]})
    return [found[i] for i in ids]


def _unit(unit_id: int, field: str) -> HandlingUnit:
    unit = HandlingUnit.objects.select_related("region").filter(pk=unit_id).first()
    if unit is None:
        raise Invalid(fields={field: [f"承办单位 {unit_id} 不存在"]})
    return unit


# --- statistics -----------------------------------------------------------------------------------------------

class FiguresOut(Schema):
    admitted: int
    assigned: int
    replied: int
    met: int
    evaluated: int
    satisfied: int
    closed: int
    a: int
    b: int
    c: int
    d: int
    overdue: int
    key_supervised: int
    reply_rate: float | None
    meeting_rate: float | None
    satisfaction_rate: float | None
    closed_rate: float | None
    solved_rate: float | None
    a_share: float | None
    b_share: float | None
    c_share: float | None
    d_share: float | None


class GroupOut(FiguresOut):
    key: str | int | None
    label: str


class StatsOut(Schema):
    year: int | None
    by: str | None
    totals: FiguresOut
    groups: list[GroupOut]


class StatsFilters(Schema):
    year: int | None = None
    by: Literal["unit", "category", "township", "channel", "year"] | None = None
    congress: int | None = None
    region: int | None = None


@router.get("/suggestions/stats", response={200: StatsOut, **ERRORS})
@endpoint(*READERS)
def suggestion_stats(request: HttpRequest, filters: Query[StatsFilters]) -> HttpResponse:
    """答复率, 见面率, 满意率, 办结率, 办成率, A/B/C/D shares and overdue (DOMAIN.md §3) for the caller's scope;
    `by` adds one row per unit, category, township, channel or year. Definitions: docs/suggestions.md."""
    today = services.today()
    year = filters.year if filters.year is not None else (None if filters.by == "year" else today.year)
    qs = selectors.filtered(selectors.visible(user=request.user), today=today, congress=filters.congress,
                            region=filters.region)
    groups = stats.figures_by(qs, by=filters.by, year=year, today=today) if filters.by else []
    if filters.by and filters.by != "year":  # the groups partition the totals' suggestions: one read, not two
        totals = stats.total_of(groups).as_dict()
    else:
        totals = stats.figures(qs, year=year, today=today).as_dict()
    # The figures are ours, with exactly StatsOut's fields (stats.py; tests/suggestions/test_stats.py checks them
    # against the schema): rendered straight to JSON, as building 2,000 pydantic rows for a province by unit
    # cost more than the query itself.
    body = {"year": year, "by": filters.by, "totals": totals, "groups": groups}
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")


# --- published replies (public portal, no login) -------------------------------------------------------------

class PublishedReplyOut(Schema):
    id: int
    title: str
    text: str
    congress: str
    unit: str
    category: str
    result_class: str
    replied_on: date
    published_at: datetime | None


def _published_out(p: Any) -> PublishedReplyOut:
    s = p.reply.suggestion
    return PublishedReplyOut(id=p.pk, title=p.title, text=p.text, congress=s.congress.name, unit=p.reply.unit.name,
                             category=s.category, result_class=p.reply.result_class, replied_on=p.reply.replied_on,
                             published_at=p.published_at)


@router.get("/public/suggestion_replies", auth=None,
            response={200: Page[PublishedReplyOut], 400: Error, 404: Error, 422: Error})
@endpoint(public=True)
def published_replies(request: HttpRequest, params: Query[PageParams]) -> dict[str, object]:
    """Replies published after a staff check, with personal data removed; nothing about the deputy."""
    from renda.suggestions.views.publication import published

    items, count = paginate(published(), params)
    return {"items": [_published_out(p) for p in items], "count": count}


@router.get("/public/suggestion_replies/{publication_id}", auth=None,
            response={200: PublishedReplyOut, 400: Error, 404: Error, 422: Error})
@endpoint(public=True)
def published_reply(request: HttpRequest, publication_id: int) -> PublishedReplyOut:
    from renda.core.scope import get_or_404
    from renda.suggestions.views.publication import published

    return _published_out(get_or_404(published(), pk=publication_id))


# --- list, create, read -------------------------------------------------------------------------------------

class ListFilters(Schema):
    status: str | None = None
    kind: str | None = None
    channel: str | None = None
    congress: int | None = None
    year: int | None = None
    overdue: bool | None = None
    lead_unit: int | None = None
    category: str | None = None
    township: int | None = None
    region: int | None = None
    key_supervised: bool | None = None
    q: str | None = None


@router.get("/suggestions", response={200: Page[SuggestionOut], **ERRORS})
@endpoint(*READERS)
def suggestion_list(request: HttpRequest, params: Query[PageParams],
                    filters: Query[ListFilters]) -> dict[str, object]:
    qs = selectors.filtered(selectors.visible(user=request.user), today=services.today(), **filters.dict())
    items, count = paginate(selectors.with_details(qs.order_by("-id")), params)
    return {"items": [suggestion_out(s, request.user) for s in items], "count": count}


class SuggestionIn(Schema):
    kind: Literal["suggestion", "bill"] = "suggestion"
    channel: Literal["session", "recess", "activity"]
    congress: int
    title: str
    content: str
    category: str = ""
    co_signers: list[int] = []


@router.post("/suggestions", response={201: SuggestionDetailOut, **ERRORS})
@endpoint(Role.DEPUTY)
def suggestion_create(request: HttpRequest, payload: SuggestionIn) -> HttpStatus[SuggestionDetailOut]:
    congress = Congress.objects.select_related("region").filter(pk=payload.congress).first()
    if congress is None:
        raise Invalid(fields={"congress": ["人民代表大会不存在"]})
    s = services.suggestion_create(actor=request.user, congress=congress, kind=payload.kind,
                                   channel=payload.channel, title=payload.title, content=payload.content,
                                   category=payload.category, co_signers=_people(payload.co_signers))
    return HttpStatus(201, _fresh(request, s))


class PaperSuggestionIn(SuggestionIn):
    lead_deputy: int
    note: str = ""


@router.post("/suggestions/paper", response={201: SuggestionDetailOut, **ERRORS})
@endpoint(*STAFF)
def suggestion_enter_paper(request: HttpRequest, payload: PaperSuggestionIn) -> HttpStatus[SuggestionDetailOut]:
    """代录: a clerk enters a suggestion or bill handed in on paper, on the lead deputy's behalf; it is submitted
    at once, the co-signers who signed the paper count as confirmed, and `entered_by` records the clerk."""
    congress = Congress.objects.select_related("region").filter(pk=payload.congress).first()
    if congress is None:
        raise Invalid(fields={"congress": ["人民代表大会不存在"]})
    lead = Person.objects.filter(pk=payload.lead_deputy).first()
    if lead is None:
        raise Invalid(fields={"lead_deputy": [f"代表 {payload.lead_deputy} 不存在"]})
    s = services.suggestion_enter_paper(actor=request.user, congress=congress, lead_deputy=lead, kind=payload.kind,
                                        channel=payload.channel, title=payload.title, content=payload.content,
                                        category=payload.category, co_signers=_people(payload.co_signers),
                                        note=payload.note)
    return HttpStatus(201, _fresh(request, s))


@router.get("/suggestions/{suggestion_id}", response={200: SuggestionDetailOut, **ERRORS})
@endpoint(*READERS)
def suggestion_detail(request: HttpRequest, suggestion_id: int) -> SuggestionDetailOut:
    return detail_out(_get(request, suggestion_id), request.user)


class DraftPatch(Schema):
    version: int | None = None
    title: str | None = None
    content: str | None = None
    category: str | None = None
    channel: Literal["session", "recess", "activity"] | None = None
    co_signers: list[int] | None = None


@router.patch("/suggestions/{suggestion_id}", response={200: SuggestionDetailOut, **ACTION_RESPONSES})
@endpoint(Role.DEPUTY)
def suggestion_patch(request: HttpRequest, suggestion_id: int, payload: DraftPatch) -> SuggestionDetailOut:
    s = _get(request, suggestion_id)
    people = _people(payload.co_signers) if payload.co_signers is not None else None
    s = services.suggestion_update_draft(actor=request.user, suggestion=s, version=payload.version,
                                         title=payload.title, content=payload.content, category=payload.category,
                                         channel=payload.channel, co_signers=people)
    return _fresh(request, s)


# --- workflow actions -------------------------------------------------------------------------------------

class VersionIn(Schema):
    version: int | None = None


class WithdrawIn(VersionIn):
    reason: str = ""


class ReviewIn(VersionIn):
    decision: Literal["accept", "return"]
    reason: str = ""
    note: str = ""
    category: str | None = None  # on accept: the domain category set or corrected; absent keeps the deputy's


class DecideIn(VersionIn):
    decision: Literal["agenda", "as_suggestion"]
    decided_by: Literal["presidium", "chairpersons_meeting"]
    reason: str
    decided_on: date | None = None
    category: str | None = None  # handled as a suggestion: the domain category set or corrected; absent keeps it


class AssignIn(VersionIn):
    lead_unit: int
    co_units: list[int] = []
    deadline: date | None = None
    deadline_reason: str = ""


class ReturnIn(VersionIn):
    reason: str


class ContactIn(VersionIn):
    method: Literal["meeting", "phone", "letter"]
    contacted_on: date | None = None
    note: str = ""


class OpinionIn(VersionIn):
    text: str


class ExtendIn(VersionIn):
    deadline: date
    reason: str


class ReplyIn(VersionIn):
    result_class: Literal["A", "B", "C", "D"]
    text: str


class EvaluateIn(VersionIn):
    satisfaction: Literal["satisfied", "basically_satisfied", "unsatisfied"]
    comment: str = ""


class CloseIn(VersionIn):
    note: str = ""


class MergeIn(VersionIn):
    members: list[int]


class RemindIn(VersionIn):
    note: str = ""


# The workflow actions of API.md, one table: the event → its body and the name of its operation (the operation ids
# and summaries of the contract). Who may take it is workflow.EVENTS; what it does is services.EVENT_SERVICES.
# Ids in a body are resolved to objects the caller may use before the service is called.
ACTIONS: dict[str, tuple[type[VersionIn], str]] = {
    "submit": (VersionIn, "suggestion_submit"),
    "cosign": (VersionIn, "suggestion_cosign"),
    "withdraw": (WithdrawIn, "suggestion_withdraw"),
    "revise": (VersionIn, "suggestion_revise"),
    "review": (ReviewIn, "suggestion_review"),
    "decide": (DecideIn, "bill_decide"),
    "assign": (AssignIn, "suggestion_assign"),
    "merge": (MergeIn, "suggestion_merge"),
    "accept": (VersionIn, "suggestion_accept"),
    "return": (ReturnIn, "suggestion_return"),
    "contact": (ContactIn, "suggestion_contact"),
    "opinion": (OpinionIn, "suggestion_opinion"),
    "extend": (ExtendIn, "suggestion_extend"),
    "remind": (RemindIn, "suggestion_remind"),
    "reply": (ReplyIn, "suggestion_reply"),
    "evaluate": (EvaluateIn, "suggestion_evaluate"),
    "close": (CloseIn, "suggestion_close"),
}


def _resolve(request: HttpRequest, event: str, body: dict[str, Any]) -> dict[str, Any]:
    if event == "assign":
        body["lead_unit"] = _unit(body["lead_unit"], "lead_unit")
        body["co_units"] = [_unit(u, "co_units") for u in body["co_units"]]
    elif event == "merge":
        found = {m.pk: m for m in selectors.visible(user=request.user).filter(pk__in=body["members"])}
        missing = [i for i in body["members"] if i not in found]
        if missing:
            raise Invalid(fields={"members": [f"建议 {i} 不存在" for i in missing]})
        body["members"] = list(found.values())
    return body


def _register(event: str, body: type[VersionIn], name: str) -> None:
    def action(request: HttpRequest, suggestion_id: int, payload: Any) -> SuggestionDetailOut:
        s = _get(request, suggestion_id)
        services.EVENT_SERVICES[event](actor=request.user, suggestion=s,
                                       **_resolve(request, event, payload.dict()))
        if selectors.visible(user=request.user).filter(pk=s.pk).exists():
            return _fresh(request, s)
        # e.g. a unit that returned a misrouted item no longer sees it: answer with what it acted on, as it now is
        return detail_out(selectors.with_details(Suggestion.objects.filter(pk=s.pk)).get(), request.user)

    action.__name__ = action.__qualname__ = name
    action.__annotations__ = {"request": HttpRequest, "suggestion_id": int, "payload": body,
                              "return": SuggestionDetailOut}
    router.post(f"/suggestions/{{suggestion_id}}/{event}", response={200: SuggestionDetailOut, **ACTION_RESPONSES},
                operation_id=f"renda_suggestions_api_{name}")(endpoint(*workflow.EVENTS[event].roles)(action))


for _event, (_body, _name) in ACTIONS.items():
    _register(_event, _body, _name)
