"""/api/v1/suggestions/supervision (重点督办), the same services as the pages: the year's selection with the share
as a guide, supervision cards with progress and feedback, the assignment meeting (交办会), and the card and the
assignment letter as .docx. Also the reply letter of a reply (PDF/DOCX, multipart upload and download)."""

from datetime import date
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Router, Schema, UploadedFile
from ninja import Status as HttpStatus

from renda.api.schemas import ERRORS, Error
from renda.core.access import endpoint
from renda.core.errors import Invalid, NotFound
from renda.core.roles import Role
from renda.core.scope import get_or_404
from renda.deputies.models import Person
from renda.organizations.models import Congress
from renda.suggestions import selectors, services, stats
from renda.suggestions.api_schemas import SuggestionDetailOut, detail_out
from renda.suggestions.documents import assignment_letter_docx, supervision_card_docx
from renda.suggestions.models import SupervisionProgress
from renda.suggestions.services import supervision as sup

router = Router(tags=["suggestions"])
STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
HANDLERS = (*STAFF, Role.UNIT_USER)
READERS = (*HANDLERS, Role.DEPUTY)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BINARY = {"200": {"description": "OK", "content": {"application/octet-stream": {
    "schema": {"type": "string", "format": "binary"}}}}}


class SupervisionEntryOut(Schema):
    kind: str
    text: str
    recorded_on: date
    recorded_by: str | None


class SupervisionCardOut(Schema):
    id: int
    suggestion: int
    number: str
    title: str
    year: int
    status: str
    lead_unit: str | None
    leader: str
    leader_post: str
    responsibility: str
    requirements: str
    deadline: date
    meeting: int | None
    entries: list[SupervisionEntryOut]
    version: int


class KeyShareOut(Schema):
    admitted: int
    selected: int
    share: float | None
    min_pct: float
    max_pct: float
    suggested_min: int
    suggested_max: int
    within: bool


class SupervisionOut(Schema):
    year: int
    share: KeyShareOut
    cards: list[SupervisionCardOut]


def card_out(card: Any) -> SupervisionCardOut:
    """A card with its entries (prefetched by `_with_entries`, so a list is a fixed number of queries)."""
    s = card.suggestion
    entries = [SupervisionEntryOut(kind=e.kind, text=e.text, recorded_on=e.recorded_on,
                                   recorded_by=str(e.recorded_by) if e.recorded_by else None)
               for e in card.entries.all()]
    return SupervisionCardOut(
        id=card.pk, suggestion=s.pk, number=s.number, title=s.title, year=card.year, status=s.status,
        lead_unit=s.lead_unit.name if s.lead_unit else None, leader=card.leader.name,
        leader_post=card.leader_post, responsibility=card.responsibility, requirements=card.requirements,
        deadline=card.deadline, meeting=card.meeting_id, entries=entries, version=card.version)


def _with_entries(qs: Any) -> Any:
    return qs.prefetch_related(Prefetch("entries", queryset=SupervisionProgress.objects.select_related(
        "recorded_by").order_by("recorded_on", "id")))


def _card(request: HttpRequest, card_id: int) -> Any:
    return get_or_404(_with_entries(selectors.supervision_cards(user=request.user)), pk=card_id)


@router.get("/suggestions/supervision/cards", response={200: SupervisionOut, **ERRORS})
@endpoint(*STAFF)
def supervision_list(request: HttpRequest, year: int | None = None) -> SupervisionOut:
    """The year's key supervised suggestions and the share chosen beside the congress's [setting] range."""
    user: Any = request.user
    year = year or services.today().year
    congress = Congress.objects.filter(region_id=user.region_id).first()
    share = sup.key_share(admitted=stats.admitted(selectors.visible(user=user), None), congress=congress, year=year)
    cards = _with_entries(selectors.supervision_cards(user=user, year=year)).order_by("suggestion__number")
    return SupervisionOut(year=year, share=KeyShareOut(**share), cards=[card_out(c) for c in cards])


class KeySelectIn(Schema):
    leader: int
    responsibility: str
    deadline: date | None = None
    requirements: str = ""


@router.post("/suggestions/{suggestion_id}/key_supervision", response={201: SupervisionCardOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def key_supervision_select(request: HttpRequest, suggestion_id: int,
                           payload: KeySelectIn) -> HttpStatus[SupervisionCardOut]:
    """Choose a key supervised suggestion (重点督办): a supervising leader, responsibility, deadline → its card."""
    s = selectors.access_suggestion_by_id(user=request.user, suggestion_id=suggestion_id)
    leader = Person.objects.filter(pk=payload.leader).first()
    if leader is None:
        raise Invalid(fields={"leader": [f"人员 {payload.leader} 不存在"]})
    card = sup.key_supervision_select(actor=request.user, suggestion=s, leader=leader,
                                      responsibility=payload.responsibility, deadline=payload.deadline,
                                      requirements=payload.requirements)
    return HttpStatus(201, card_out(_card(request, card.pk)))


@router.get("/suggestions/supervision/cards/{card_id}", response={200: SupervisionCardOut, **ERRORS})
@endpoint(*HANDLERS)
def supervision_card(request: HttpRequest, card_id: int) -> SupervisionCardOut:
    return card_out(_card(request, card_id))


class SupervisionProgressIn(Schema):
    kind: Literal["progress", "feedback", "supervision"]
    text: str
    recorded_on: date | None = None


@router.post("/suggestions/supervision/cards/{card_id}/progress", response={200: SupervisionCardOut, **ERRORS})
@endpoint(*HANDLERS)
def supervision_progress(request: HttpRequest, card_id: int, payload: SupervisionProgressIn) -> SupervisionCardOut:
    """办理进展 and 办结反馈 from the lead unit or staff; 督办情况 from staff only."""
    card = _card(request, card_id)
    sup.supervision_progress_add(actor=request.user, card=card, kind=payload.kind, text=payload.text,
                                 recorded_on=payload.recorded_on)
    return card_out(_card(request, card_id))


class SupervisionCancelIn(Schema):
    reason: str


@router.post("/suggestions/supervision/cards/{card_id}/cancel", response={204: None, **ERRORS})
@endpoint(*STAFF)
def supervision_cancel(request: HttpRequest, card_id: int, payload: SupervisionCancelIn) -> HttpStatus[None]:
    sup.key_supervision_cancel(actor=request.user, card=_card(request, card_id), reason=payload.reason)
    return HttpStatus(204, None)


def _docx(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@router.get("/suggestions/supervision/cards/{card_id}/card.docx", response={**ERRORS},
            openapi_extra={"responses": BINARY})
@endpoint(*HANDLERS)
def supervision_card_document(request: HttpRequest, card_id: int) -> HttpResponse:
    """督办卡 as .docx (GB/T 9704-2012)."""
    card = _card(request, card_id)
    return _docx(supervision_card_docx(card), f"督办卡-{card.suggestion.number}.docx")


@router.get("/suggestions/supervision/cards/{card_id}/letter.docx", response={**ERRORS},
            openapi_extra={"responses": BINARY})
@endpoint(*HANDLERS)
def supervision_letter_document(request: HttpRequest, card_id: int) -> HttpResponse:
    """交办函 as .docx (GB/T 9704-2012), dated the assignment meeting's day when there was one."""
    card = _card(request, card_id)
    issued = card.meeting.held_on if card.meeting else services.today()
    return _docx(assignment_letter_docx(card, issued_on=issued), f"交办函-{card.suggestion.number}.docx")


class AssignmentMeetingIn(Schema):
    held_on: date
    cards: list[int]
    place: str = ""
    chaired_by: str = ""
    attendees: str = ""
    notes: str = ""


class AssignmentMeetingOut(Schema):
    id: int
    congress: int
    year: int
    held_on: date
    place: str
    chaired_by: str
    attendees: str
    notes: str
    cards: list[int]


def _meeting_out(m: Any) -> AssignmentMeetingOut:
    return AssignmentMeetingOut(id=m.pk, congress=m.congress_id, year=m.year, held_on=m.held_on, place=m.place,
                      chaired_by=m.chaired_by, attendees=m.attendees, notes=m.notes,
                      cards=sorted(m.cards.values_list("pk", flat=True)))


@router.get("/suggestions/supervision/meetings", response={200: list[AssignmentMeetingOut], **ERRORS})
@endpoint(*STAFF)
def assignment_meetings(request: HttpRequest, year: int | None = None) -> list[AssignmentMeetingOut]:
    from renda.suggestions.models import AssignmentMeeting

    user: Any = request.user
    qs = AssignmentMeeting.objects.filter(congress__region__path__startswith=user.region.path)
    if year is not None:
        qs = qs.filter(year=year)
    return [_meeting_out(m) for m in qs.order_by("-held_on", "-id")[:200]]


@router.post("/suggestions/supervision/meetings", response={201: AssignmentMeetingOut, **ERRORS})
@endpoint(*STAFF)
def assignment_meeting_record(request: HttpRequest, payload: AssignmentMeetingIn) -> HttpStatus[AssignmentMeetingOut]:
    """交办会: the meeting where key suggestions were handed to the units, with its cards."""
    cards = list(selectors.supervision_cards(user=request.user).filter(pk__in=payload.cards))
    missing = sorted(set(payload.cards) - {c.pk for c in cards})
    if missing or not cards:
        raise Invalid(fields={"cards": [f"督办卡 {i} 不存在" for i in missing] or ["至少选择一件"]})
    meeting = sup.assignment_meeting_record(
        actor=request.user, congress=cards[0].suggestion.congress, held_on=payload.held_on, cards=cards,
        place=payload.place, chaired_by=payload.chaired_by, attendees=payload.attendees, notes=payload.notes)
    return HttpStatus(201, _meeting_out(meeting))


# --- reply letters ---------------------------------------------------------------------------------------------

@router.post("/suggestions/{suggestion_id}/replies/{round_no}/letter",
             response={200: SuggestionDetailOut, **ERRORS, 409: Error})
@endpoint(Role.UNIT_USER)
def reply_letter_upload(request: HttpRequest, suggestion_id: int, round_no: int,
                        letter: File[UploadedFile]) -> SuggestionDetailOut:
    """The signed reply letter (multipart field `letter`, PDF or DOCX, at most 10 MB), by the unit that replied,
    until the deputy evaluates that reply. 422 `invalid` with `fields.letter` for a wrong type or size."""
    s = selectors.access_suggestion_by_id(user=request.user, suggestion_id=suggestion_id)
    services.reply_letter_attach(actor=request.user, suggestion=s, round_no=round_no, letter=letter)
    return detail_out(selectors.access_suggestion_by_id(user=request.user, suggestion_id=s.pk), request.user)


@router.get("/suggestions/{suggestion_id}/replies/{round_no}/letter", response={**ERRORS},
            openapi_extra={"responses": BINARY})
@endpoint(*READERS)
def reply_letter_download(request: HttpRequest, suggestion_id: int, round_no: int) -> FileResponse:
    """The reply letter, to whoever may see the suggestion (every signer)."""
    s = selectors.access_suggestion_by_id(user=request.user, suggestion_id=suggestion_id)
    reply = s.replies.filter(round=round_no).first()
    if reply is None or not reply.letter:
        raise NotFound("该轮答复没有答复函")
    name = (reply.letter.name or "").rsplit("/", 1)[-1]
    return FileResponse(reply.letter.open("rb"), as_attachment=True, filename=f"{s.number}-答复函-{name}")

