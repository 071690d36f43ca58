"""What members read before and around a meeting: documents (会议材料) and notices (会议通知) with read receipts
(已读回执). Keyword-only, atomic, audited as the last write — the first reading of a notice too, since the
receipt is a record the clerk relies on ("who has not read the notice yet")."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from renda.core import audit, uploads
from renda.core.errors import Invalid
from renda.meetings import selectors
from renda.meetings.models import AgendaItem, Document, Meeting, MeetingStatus, Notice, NoticeReceipt

TITLE_MAX = 200
# What a meeting's materials come as: reports and drafts (PDF, Word), budget tables (Excel), slides, scanned pages.
MATERIAL_TYPES = {".pdf": uploads.PDF, ".docx": uploads.ZIP, ".xlsx": uploads.ZIP, ".pptx": uploads.ZIP,
                  ".doc": uploads.OLE, ".xls": uploads.OLE, ".ppt": uploads.OLE, ".jpg": uploads.JPEG,
                  ".jpeg": uploads.JPEG, ".png": uploads.PNG}
MATERIAL_MAX_BYTES = 20 * 1024 * 1024


def _title(raw: str) -> str:
    title = (raw or "").strip()
    if not title:
        raise Invalid("请填写标题", fields={"title": ["请填写标题"]})
    if len(title) > TITLE_MAX:
        raise Invalid("标题过长", fields={"title": [f"不超过 {TITLE_MAX} 字"]})
    return title


def _open_for_materials(meeting: Meeting) -> None:
    status = Meeting.objects.filter(pk=meeting.pk).values_list("status", flat=True).first()
    if status == MeetingStatus.CANCELLED:
        raise Invalid("会议已取消，不能再发送材料或通知", code="meeting_cancelled")


@transaction.atomic
def document_add(*, actor: Any, meeting: Meeting, title: str, body: str = "", file: Any = None,
                 agenda_item: AgendaItem | None = None) -> Document:
    """A document for the members to read before the meeting (text, an attachment, or both)."""
    _open_for_materials(meeting)
    title = _title(title)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise Invalid("议程不属于本次会议", fields={"agenda_item": ["议程不属于本次会议"]})
    if not (body or "").strip() and file is None:
        raise Invalid("请填写材料内容或上传附件", fields={"body": ["请填写内容或上传附件"]})
    doc = Document(meeting=meeting, title=title, body=body or "", agenda_item=agenda_item)
    if file is not None:
        uploads.check_upload(file, kinds=MATERIAL_TYPES, max_bytes=MATERIAL_MAX_BYTES, field="file", what="附件",
                             kinds_text="PDF、Word、Excel、PowerPoint 或 JPG/PNG 图片")
        doc.file = file
    doc.save()
    audit.record(actor=actor, action="document.add", obj=doc,
                 after={"meeting": meeting.pk, "title": doc.title, "agenda_item": doc.agenda_item_id,
                        "file": doc.file.name if doc.file else ""})
    return doc


@transaction.atomic
def notice_publish(*, actor: Any, meeting: Meeting, title: str, body: str) -> Notice:
    _open_for_materials(meeting)
    title = _title(title)
    if not (body or "").strip():
        raise Invalid("请填写通知内容", fields={"body": ["请填写通知内容"]})
    notice = Notice.objects.create(meeting=meeting, title=title, body=body.strip())
    audit.record(actor=actor, action="notice.publish", obj=notice, after={"meeting": meeting.pk, "title": title})
    return notice


def notice_read(*, notice: Notice, person: Any, actor: Any = None) -> NoticeReceipt:
    """The read receipt, written once, the first time a member opens the notice; later readings change nothing.
    Only members of the meeting leave a receipt (staff reading it do not)."""
    existing = NoticeReceipt.objects.filter(notice=notice, person=person).first()
    if existing is not None:
        return existing
    if not selectors.is_member(notice.meeting, person.pk):
        raise Invalid(f"{person.name}不是本次会议的组成人员", code="not_a_member")
    try:
        return _notice_receipt_create(notice=notice, person=person, actor=actor)
    except IntegrityError:  # the same member read it at the same moment on another device: theirs stands
        return NoticeReceipt.objects.get(notice=notice, person=person)


@transaction.atomic
def _notice_receipt_create(*, notice: Notice, person: Any, actor: Any) -> NoticeReceipt:
    receipt = NoticeReceipt.objects.create(notice=notice, person=person, read_at=timezone.now())
    audit.record(actor=actor, action="notice.read", obj=notice, object_repr=f"{notice} · {person.name}",
                 after={"notice": notice.pk, "person": person.pk, "read_at": receipt.read_at})
    return receipt
