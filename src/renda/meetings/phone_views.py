"""The deputy's phone: sign in (button, or the QR code at the door), notices and documents, leave requests, the
ballot, and the receipt — shown once, right after voting, and never stored in a way that names the voter."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare

from renda.core.access import page
from renda.core.errors import DomainError, NotFound
from renda.core.roles import Role
from renda.meetings import selectors, services
from renda.meetings.live import live_context
from renda.meetings.models import (
    CHOICE_LABELS,
    Attendance,
    LeaveRequest,
    Notice,
    RoundCandidate,
    SignInMethod,
    Vote,
    VoteKind,
    VoteStatus,
)


def _deputy_meeting(request: HttpRequest, pk: int) -> tuple[Any, Any]:
    user: Any = request.user
    meeting = selectors.access_meeting_by_id(user=user, meeting_id=pk)
    if not selectors.is_member(meeting, user.person_id):
        raise NotFound()
    return user, meeting


@page(Role.DEPUTY)
def phone(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _deputy_meeting(request, pk)
    person = user.person
    vote = Vote.objects.filter(meeting=meeting, status=VoteStatus.OPEN).first()
    if vote is not None:
        vote = services.close_if_due(vote)
        if vote.status != VoteStatus.OPEN:
            vote = None
    ctx: dict[str, Any] = {
        "meeting": meeting, "person": person,
        "attendance": Attendance.objects.filter(meeting=meeting, person=person).first(),
        "leave": LeaveRequest.objects.filter(meeting=meeting, person=person).first(),
        "notices": meeting.notices.all(), "read": set(person.notice_receipts.filter(
            notice__meeting=meeting).values_list("notice_id", flat=True)),
        "documents": meeting.documents.all(), "vote": vote,
        "closed_votes": Vote.objects.filter(meeting=meeting, status=VoteStatus.CLOSED).select_related("result"),
        **live_context(meeting),
    }
    if vote is not None:
        ctx["eligible"] = selectors.is_eligible(vote, person.pk)
        ctx["voted"] = selectors.has_voted(vote, person.pk)
        ctx["choices"] = [(c, CHOICE_LABELS[c]) for c in vote.choices]
        if vote.kind == VoteKind.ELECTION:
            ctx["candidates"] = [rc.candidate for rc in RoundCandidate.objects.filter(vote=vote)
                                 .select_related("candidate")]
            ctx["write_in_slots"] = range(vote.seats or 0)
    return render(request, "meetings/phone.html", ctx)


@page(Role.DEPUTY)
def phone_sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _deputy_meeting(request, pk)
    if request.method == "POST":
        try:
            services.sign_in(actor=user, meeting=meeting, person=user.person, method=SignInMethod.SELF)
            messages.success(request, "签到成功")
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("meetings:phone", pk=pk)


@page(Role.DEPUTY)
def checkin(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The QR code at the door: scanning it (logged in on the phone) signs the deputy in as present."""
    user, meeting = _deputy_meeting(request, pk)
    if not constant_time_compare(token, meeting.checkin_token):
        raise Http404()
    try:
        services.sign_in(actor=user, meeting=meeting, person=user.person, method=SignInMethod.QR)
        messages.success(request, "扫码签到成功")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("meetings:phone", pk=pk)


@page(Role.DEPUTY)
def phone_leave(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _deputy_meeting(request, pk)
    if request.method == "POST":
        try:
            services.leave_request_submit(actor=user, meeting=meeting, person=user.person,
                                          reason=request.POST.get("reason", ""))
            messages.success(request, "请假申请已提交，请等待审批")
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("meetings:phone", pk=pk)


@page(Role.DEPUTY)
def phone_notice(request: HttpRequest, pk: int, notice_id: int) -> HttpResponse:
    user, meeting = _deputy_meeting(request, pk)
    notice = Notice.objects.filter(pk=notice_id, meeting=meeting).first()
    if notice is None:
        raise NotFound()
    services.notice_read(notice=notice, person=user.person, actor=user)
    return render(request, "meetings/notice.html", {"meeting": meeting, "notice": notice})


@page(Role.DEPUTY)
def phone_vote(request: HttpRequest, pk: int, vote_id: int) -> HttpResponse:
    user, meeting = _deputy_meeting(request, pk)
    vote = Vote.objects.filter(pk=vote_id, meeting=meeting).first()
    if vote is None or request.method != "POST":
        raise NotFound()
    try:
        if vote.kind == VoteKind.ELECTION:
            marks = {k[5:]: request.POST.get(k, "") for k in request.POST if k.startswith("mark_")}
            receipt = services.election_ballot_cast(actor=user, vote=vote, person=user.person, marks=marks,
                                                    write_ins=request.POST.getlist("write_in"))
        else:
            receipt = services.ballot_cast(actor=user, vote=vote, person=user.person,
                                           choice=request.POST.get("choice", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("meetings:phone", pk=pk)
    # Rendered, not redirected: the receipt code exists only in this response and on the voter's phone.
    return render(request, "meetings/receipt.html", {"meeting": meeting, "vote": vote, "receipt": receipt})


@page(Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.DEPUTY)
def receipts(request: HttpRequest, vote_id: int) -> HttpResponse:
    """The published receipt list of a closed round and its seal; the voter's phone finds its own fingerprint in
    it locally (the page never sends it back)."""
    vote = selectors.access_vote_by_id(user=request.user, vote_id=vote_id)
    if vote.status != VoteStatus.CLOSED:
        raise NotFound()
    return render(request, "meetings/receipts.html", {"vote": vote, "result": vote.result,
                                                      "meeting": vote.meeting})
