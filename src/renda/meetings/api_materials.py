"""/api/v1 documents (会议材料) and notices (会议通知) with read receipts, scoped like the meetings they belong to:
staff of the congress's region and the meeting's members see them; anything else is 404. Staff publish; a
member's first reading of a notice leaves a receipt (POST …/read), and staff see who has not read it yet."""

from datetime import datetime
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile

from renda.api.schemas import ERRORS, Error, Page, PageParams, paginate
from renda.core.access import endpoint
from renda.core.errors import Invalid
from renda.core.roles import Role
from renda.meetings import selectors, services
from renda.meetings.models import AgendaItem, Document, Notice, NoticeReceipt

router = Router(tags=["meetings"])
STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
PEOPLE = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.DEPUTY)


class DocumentIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=200_000)
    agenda_item: int | None = None


class DocumentOut(Schema):
    id: int
    meeting: int
    agenda_item: int | None
    title: str
    body: str
    file_url: str | None
    created_at: datetime


def document_out(d: Document) -> DocumentOut:
    url = reverse("meetings:document_file", args=[d.pk]) if d.file else None
    return DocumentOut(id=d.pk, meeting=d.meeting_id, agenda_item=d.agenda_item_id, title=d.title, body=d.body,
                       file_url=url, created_at=d.created_at)


def _agenda_item(meeting: Any, item_id: int | None) -> AgendaItem | None:
    if item_id is None:
        return None
    item = AgendaItem.objects.filter(pk=item_id, meeting=meeting).first()
    if item is None:
        raise Invalid("议程不属于本次会议", fields={"agenda_item": ["议程不属于本次会议"]})
    return item


@router.get("/meetings/{meeting_id}/documents", response={200: Page[DocumentOut], **ERRORS})
@endpoint(*PEOPLE)
def document_list(request: HttpRequest, meeting_id: int, params: Query[PageParams]) -> dict[str, object]:
    meeting = selectors.access_meeting_by_id(user=request.user, meeting_id=meeting_id)
    items, count = paginate(Document.objects.filter(meeting=meeting).order_by("id"), params)
    return {"items": [document_out(d) for d in items], "count": count}


@router.post("/meetings/{meeting_id}/documents", response={200: DocumentOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def document_add(request: HttpRequest, meeting_id: int, payload: DocumentIn) -> DocumentOut:
    """A text document (an attachment: POST …/documents/upload, multipart)."""
    meeting = selectors.access_meeting_to_run(user=request.user, meeting_id=meeting_id)
    return document_out(services.document_add(actor=request.user, meeting=meeting, title=payload.title,
                                              body=payload.body, agenda_item=_agenda_item(meeting,
                                                                                          payload.agenda_item)))


@router.post("/meetings/{meeting_id}/documents/upload", response={200: DocumentOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def document_upload(request: HttpRequest, meeting_id: int, title: Form[str], file: File[UploadedFile],
                    body: Form[str] = "", agenda_item: Form[int | None] = None) -> DocumentOut:
    """A document with its attachment (multipart: `title`, `file`, optional `body` and `agenda_item`): PDF, Word,
    Excel, PowerPoint or a JPG/PNG image, at most 20 MB, its content matching its type — else 422 `invalid` with
    `fields.file`. Members download it from `file_url`."""
    meeting = selectors.access_meeting_to_run(user=request.user, meeting_id=meeting_id)
    return document_out(services.document_add(actor=request.user, meeting=meeting, title=title, body=body,
                                              file=file, agenda_item=_agenda_item(meeting, agenda_item)))


@router.get("/documents/{document_id}", response={200: DocumentOut, **ERRORS})
@endpoint(*PEOPLE)
def document_detail(request: HttpRequest, document_id: int) -> DocumentOut:
    return document_out(selectors.access_document_by_id(user=request.user, document_id=document_id))


class NoticeIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=20_000)


class NoticeOut(Schema):
    id: int
    meeting: int
    title: str
    body: str
    published_at: datetime
    read: int = Field(description="how many members have read it")
    read_at: datetime | None = Field(description="when the calling deputy first read it; null if not (or staff)")


def _reader(user: Any) -> int | None:
    """The person whose receipts a caller sees: a deputy's own; staff have none."""
    return None if selectors.is_staff(user) else getattr(user, "person_id", None)


def notice_out(n: Notice, user: Any, mine: dict[int, datetime] | None = None) -> NoticeOut:
    read = getattr(n, "read_n", None)
    person_id = _reader(user)
    if mine is None and person_id is not None:
        mine = dict(n.receipts.filter(person_id=person_id).values_list("notice_id", "read_at"))
    return NoticeOut(id=n.pk, meeting=n.meeting_id, title=n.title, body=n.body, published_at=n.published_at,
                     read=n.receipts.count() if read is None else read, read_at=(mine or {}).get(n.pk))


@router.get("/meetings/{meeting_id}/notices", response={200: Page[NoticeOut], **ERRORS})
@endpoint(*PEOPLE)
def notice_list(request: HttpRequest, meeting_id: int, params: Query[PageParams]) -> dict[str, object]:
    meeting = selectors.access_meeting_by_id(user=request.user, meeting_id=meeting_id)
    qs = Notice.objects.filter(meeting=meeting).annotate(read_n=Count("receipts")).order_by("-published_at", "-id")
    items, count = paginate(qs, params)
    person_id = _reader(request.user)
    mine = dict(NoticeReceipt.objects.filter(notice__in=items, person_id=person_id).values_list(
        "notice_id", "read_at")) if person_id is not None else {}
    return {"items": [notice_out(n, request.user, mine) for n in items], "count": count}


@router.post("/meetings/{meeting_id}/notices", response={200: NoticeOut, **ERRORS, 409: Error})
@endpoint(*STAFF)
def notice_publish(request: HttpRequest, meeting_id: int, payload: NoticeIn) -> NoticeOut:
    meeting = selectors.access_meeting_to_run(user=request.user, meeting_id=meeting_id)
    notice = services.notice_publish(actor=request.user, meeting=meeting, title=payload.title, body=payload.body)
    return notice_out(notice, request.user)


@router.get("/notices/{notice_id}", response={200: NoticeOut, **ERRORS})
@endpoint(*PEOPLE)
def notice_detail(request: HttpRequest, notice_id: int) -> NoticeOut:
    """Reading through the API leaves no receipt by itself: the app posts …/read when the member opens it."""
    return notice_out(selectors.access_notice_by_id(user=request.user, notice_id=notice_id), request.user)


class ReadOut(Schema):
    notice: int
    deputy: int
    read_at: datetime


@router.post("/notices/{notice_id}/read", response={200: ReadOut, **ERRORS, 409: Error})
@endpoint(Role.DEPUTY)
def notice_read(request: HttpRequest, notice_id: int) -> ReadOut:
    """The calling member's read receipt: written (and audited) the first time, returned unchanged after."""
    user: Any = request.user
    notice = selectors.access_notice_by_id(user=user, notice_id=notice_id)
    receipt = services.notice_read(notice=notice, person=user.person, actor=user)
    return ReadOut(notice=notice.pk, deputy=receipt.person_id, read_at=receipt.read_at)


class ReceiptRowOut(Schema):
    deputy: int
    name: str
    read_at: datetime | None


class NoticeReceiptsOut(Schema):
    notice: int
    members: int
    read: int
    receipts: list[ReceiptRowOut]


@router.get("/notices/{notice_id}/receipts", response={200: NoticeReceiptsOut, **ERRORS})
@endpoint(*STAFF)
def notice_receipts(request: HttpRequest, notice_id: int) -> NoticeReceiptsOut:
    """Every member of the meeting and when they first read the notice (null: not yet), unread first."""
    notice = selectors.access_notice_by_id(user=request.user, notice_id=notice_id)
    rows = selectors.notice_receipts(notice)
    return NoticeReceiptsOut(notice=notice.pk, members=len(rows), read=sum(1 for r in rows if r["read_at"]),
                             receipts=[ReceiptRowOut(deputy=r["person"].pk, name=r["person"].name,
                                                     read_at=r["read_at"]) for r in rows])
