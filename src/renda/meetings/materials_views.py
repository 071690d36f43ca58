"""Pages for documents and notices — a document's attachment served only to those who may see its meeting (never a
public media URL), the clerk's list of who has read a notice — and the clerk's list of mandates that end for two
unexcused absences."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date

from renda.core.access import page
from renda.core.errors import DomainError, Invalid, NotFound
from renda.core.roles import Role
from renda.core.scope import get_or_404
from renda.deputies.models import Mandate
from renda.meetings import absences, selectors, services
from renda.meetings.models import Session

STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
EXCUSED_SHOWN = 100  # the recorded leaves listed under the proposals, newest session first


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


@page(*STAFF)
def absence_proposals(request: HttpRequest) -> HttpResponse:
    """The clerk's list of deputies whose mandate ends by law for two unexcused absences, with the confirmation."""
    if request.method == "POST":
        mandate = selectors.access_mandate(user=request.user, mandate_id=_int(request.POST.get("mandate")))
        if request.POST.get("action") == "excuse":
            return _excuse(request, mandate)
        try:
            raw = request.POST.get("status_date", "")
            on = parse_date(raw) if raw else None
            if raw and on is None:
                raise Invalid("请填写正确的日期", fields={"status_date": ["日期格式无效"]})
            m = services.absence_termination_confirm(actor=request.user, mandate=mandate, on=on)
            messages.success(request, f"已终止{m.person.name}的代表资格")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("meetings:absences")
    return render(request, "meetings/absences.html", {
        "proposals": absences.termination_proposals(user=request.user), "today": timezone.localdate(),
        "law": absences.LAW, "excused": selectors.excused_absences_visible(user=request.user)[:EXCUSED_SHOWN]})


def _excuse(request: HttpRequest, mandate: Mandate) -> HttpResponse:
    """Record a leave approved on paper for one of the sessions the deputy missed (services.absence_excuse_record)."""
    session = get_or_404(Session.objects.filter(term_id=mandate.term_id), pk=_int(request.POST.get("session")))
    try:
        approved_on = parse_date(request.POST.get("approved_on", ""))
        if approved_on is None:
            raise Invalid("请填写正确的批准日期", fields={"approved_on": ["日期格式无效"]})
        services.absence_excuse_record(actor=request.user, mandate=mandate, session=session,
                                       approved_by=request.POST.get("approved_by", ""), approved_on=approved_on,
                                       reason=request.POST.get("reason", ""))
        messages.success(request, f"已补录{mandate.person.name}在“{session.title}”的请假")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("meetings:absences")


def _int(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        raise NotFound() from None
