"""Pages for documents and notices: a document's attachment served only to those who may see its meeting (never a
public media URL), and the clerk's list of who has read a notice."""

from __future__ import annotations

from pathlib import PurePath

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from renda.core.access import page
from renda.core.errors import NotFound
from renda.core.roles import Role
from renda.meetings import selectors

STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)


@page(*STAFF, Role.DEPUTY)
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    doc = selectors.access_document_by_id(user=request.user, document_id=pk)
    if not doc.file:
        raise NotFound()
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=PurePath(doc.file.name or "").name)


@page(*STAFF)
def notice_receipts(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.access_notice_by_id(user=request.user, notice_id=pk)
    rows = selectors.notice_receipts(notice)
    return render(request, "meetings/notice_receipts.html", {
        "notice": notice, "meeting": notice.meeting, "rows": rows,
        "read": sum(1 for r in rows if r["read_at"]), "members": len(rows)})
