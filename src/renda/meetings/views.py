"""Pages for the clerk (prepare and run a meeting) and the chair. Thin: each POST calls one service; a domain
error comes back as a message on the same page. The deputy's phone pages are in phone_views, the hall screen in
display_views."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import segno
from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from renda.core.access import page
from renda.core.errors import DomainError, Invalid, NotFound
from renda.core.roles import Role
from renda.deputies.models import Person
from renda.meetings import law, selectors, services
from renda.meetings.live import live_context
from renda.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Candidate,
    ConvenedBy,
    Election,
    LeaveRequest,
    MeetingKind,
    OfficeKind,
    Session,
    SessionKind,
    SignInMethod,
    Vote,
    VoteKind,
    VoteMode,
)
from renda.organizations import selectors as org_selectors
from renda.organizations.models import Body

STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
M = TypeVar("M", bound=Model)


@page(*STAFF, Role.DEPUTY)
def meeting_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    meetings = selectors.meetings_visible(user=user).order_by("-starts_at", "-id")
    soon = request.GET.get("upcoming") == "1"  # the home page's 近期会议
    if soon:
        meetings = selectors.upcoming(meetings, timezone.localdate())
    ctx: dict[str, Any] = {"meetings": meetings[:200], "is_staff": selectors.is_staff(user), "upcoming": soon,
                           "upcoming_days": selectors.UPCOMING_DAYS}
    if ctx["is_staff"]:
        congresses = org_selectors.congresses_visible(user=user)
        ctx.update(congresses=congresses, kinds=MeetingKind.choices, session_kinds=SessionKind.choices,
                   convened_by=ConvenedBy.choices,
                   sessions=Session.objects.filter(congress__in=congresses).select_related("congress")[:100],
                   bodies=Body.objects.filter(congress__in=congresses).order_by("name"))
    return render(request, "meetings/list.html", ctx)


def _parse_dt(raw: str) -> datetime:
    value = parse_datetime(raw or "")
    if value is None:
        raise Invalid("请填写正确的时间", fields={"starts_at": ["时间格式无效"]})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _parse_d(raw: str, name: str) -> date:
    value = parse_date(raw or "")
    if value is None:
        raise Invalid("请填写正确的日期", fields={name: ["日期格式无效"]})
    return value


def _find(qs: QuerySet[M], raw: Any) -> M | None:
    """The object of a posted id within qs, or None for a missing or malformed id."""
    try:
        return qs.filter(pk=int(raw)).first()
    except (TypeError, ValueError):
        return None


def _int(raw: Any, name: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise Invalid("请选择有效的项目", fields={name: ["无效"]}) from None


@page(*STAFF)
def session_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("meetings:list")
    try:
        congress = org_selectors.access_congress_by_id(user=request.user,
                                                       congress_id=_int(request.POST.get("congress"), "congress"))
        session = services.session_create(
            actor=request.user, congress=congress, number=_int(request.POST.get("number"), "number"),
            title=request.POST.get("title", "").strip(), starts_on=_parse_d(request.POST.get("starts_on", ""),
                                                                             "starts_on"),
            ends_on=_parse_d(request.POST.get("ends_on", ""), "ends_on"),
            kind=request.POST.get("kind") or SessionKind.REGULAR, convened_by=request.POST.get("convened_by", ""),
            basis=request.POST.get("basis", ""),
            requesters=[_int(p, "requesters") for p in request.POST.getlist("requesters")])
        messages.success(request, f"已建立“{session.title}”")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("meetings:list")


@page(*STAFF)
def session_requesters(request: HttpRequest) -> HttpResponse:
    """The serving deputies of a congress's current term, to tick those who propose an extraordinary session."""
    congress = org_selectors.access_congress_by_id(user=request.user,
                                                   congress_id=_int(request.GET.get("congress"), "congress"))
    term = congress.current_term()
    deputies = list(Person.objects.filter(pk__in=selectors.serving_deputies(congress_id=congress.pk, term_id=term.pk))
                    .order_by("name", "pk")) if term is not None else []
    return render(request, "meetings/_requesters.html",
                  {"deputies": deputies, "needed": law.extra_session_request_min(len(deputies))})


@page(*STAFF)
def meeting_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("meetings:list")
    post = request.POST
    try:
        congress = org_selectors.access_congress_by_id(user=request.user,
                                                       congress_id=_int(post.get("congress"), "congress"))
        session = _find(Session.objects.filter(congress=congress), post.get("session"))
        body = _find(Body.objects.filter(region_id=congress.region_id), post.get("body"))
        meeting = services.meeting_create(
            actor=request.user, congress=congress, kind=post.get("kind", ""), title=post.get("title", "").strip(),
            starts_at=_parse_dt(post.get("starts_at", "")), place=post.get("place", "").strip(),
            session=session, body=body)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("meetings:list")
    return redirect("meetings:run", pk=meeting.pk)


@page(*STAFF, Role.DEPUTY)
def meeting_run(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    meeting = selectors.access_meeting_by_id(user=user, meeting_id=pk)
    if not selectors.may_run(user, meeting):
        return redirect("meetings:phone", pk=pk)
    member_ids = list(selectors.members(meeting))
    attendance = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting)}
    people = Person.objects.filter(pk__in=member_ids).order_by("name", "id")
    roster: list[dict[str, Any]] = [{"person": p, "attendance": attendance.get(p.pk)} for p in people]
    checkin_url = request.build_absolute_uri(reverse("meetings:checkin", args=[meeting.pk, meeting.checkin_token]))
    votes = list(Vote.objects.filter(meeting=meeting).select_related("election", "result").order_by("id"))
    ctx = {
        "meeting": meeting, "roster": roster, "members": len(member_ids), "quorum": law.quorum(len(member_ids)),
        "present": sum(1 for r in roster if r["attendance"] and r["attendance"].status == "present"),
        "agenda": AgendaItem.objects.filter(meeting=meeting), "agenda_kinds": AgendaItemKind.choices,
        "documents": meeting.documents.all(), "notices": meeting.notices.all(),
        "leaves": LeaveRequest.objects.filter(meeting=meeting).select_related("person"),
        "votes": [services.close_if_due(v) for v in votes], "vote_kinds": [
            (k, label) for k, label in VoteKind.choices if k != VoteKind.ELECTION],
        "vote_modes": VoteMode.choices, "elections": Election.objects.filter(meeting=meeting),
        "office_kinds": OfficeKind.choices, "is_staff": selectors.is_staff(user),
        "can_sign": selectors.is_staff(user) and meeting.status in ("planned", "in_progress"),
        "checkin_url": checkin_url, "checkin_qr": segno.make(checkin_url, error="m").svg_inline(scale=4),
        "display_url": request.build_absolute_uri(reverse("meetings:display", args=[meeting.display_token])),
        **live_context(meeting),
    }
    return render(request, "meetings/run.html", ctx)


@page(*STAFF, Role.DEPUTY)
def meeting_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The live panel of the run page (htmx, every second): the same fragment as the hall screen."""
    meeting = selectors.access_meeting_to_run(user=request.user, meeting_id=pk)
    return render(request, "meetings/_live.html", live_context(meeting))


# --- actions: one service call each --------------------------------------------------------------------------

def _vote_of(meeting: Any, post: Any) -> Vote:
    vote = _find(Vote.objects.filter(meeting=meeting), post.get("vote"))
    if vote is None:
        raise NotFound()
    return vote


def _start(request: HttpRequest, m: Any) -> str:
    services.meeting_start(actor=request.user, meeting=m)
    return "会议已开始"


def _close(request: HttpRequest, m: Any) -> str:
    services.meeting_close(actor=request.user, meeting=m)
    return "会议已结束，出席记录已生成"


def _cancel(request: HttpRequest, m: Any) -> str:
    services.meeting_cancel(actor=request.user, meeting=m)
    return "会议已取消"


def _sign_in(request: HttpRequest, m: Any) -> str:
    person = _find(Person.objects.all(), request.POST.get("person"))
    if person is None:
        raise Invalid("请选择代表")
    services.sign_in(actor=request.user, meeting=m, person=person, method=SignInMethod.STAFF)
    return f"{person.name}已签到"


def _leave(request: HttpRequest, m: Any) -> str:
    leave = _find(LeaveRequest.objects.filter(meeting=m), request.POST.get("leave"))
    if leave is None:
        raise NotFound()
    approve = request.POST.get("decision") == "approve"
    services.leave_request_decide(actor=request.user, leave=leave, approve=approve,
                                  note=request.POST.get("note", "").strip())
    return "已批准请假" if approve else "已不批准请假"


def _agenda_add(request: HttpRequest, m: Any) -> str:
    services.agenda_item_add(actor=request.user, meeting=m, kind=request.POST.get("kind", ""),
                             title=request.POST.get("title", "").strip())
    return "已增加议程"


def _agenda_move(request: HttpRequest, m: Any) -> str:
    item = _find(AgendaItem.objects.filter(meeting=m), request.POST.get("item"))
    if item is None:
        raise NotFound()
    event = "open" if request.POST.get("event") == "open" else "close"
    services.agenda_item_move(actor=request.user, item=item, event=event)
    return f"议程“{item.title}”已{'开始' if event == 'open' else '结束'}"


def _document(request: HttpRequest, m: Any) -> str:
    services.document_add(actor=request.user, meeting=m, title=request.POST.get("title", ""),
                          body=request.POST.get("body", ""), file=request.FILES.get("file"))
    return "已上传会议材料"


def _notice(request: HttpRequest, m: Any) -> str:
    services.notice_publish(actor=request.user, meeting=m, title=request.POST.get("title", ""),
                            body=request.POST.get("body", ""))
    return "已发布通知"


def _vote_new(request: HttpRequest, m: Any) -> str:
    item = _find(AgendaItem.objects.filter(meeting=m), request.POST.get("agenda_item"))
    kind = request.POST.get("kind", VoteKind.RESOLUTION)
    if kind == VoteKind.ELECTION:
        raise Invalid("选举请在“选举”中发起")
    services.vote_create(actor=request.user, meeting=m, title=request.POST.get("title", ""), kind=kind,
                         secret=request.POST.get("secret") == "on", mode=request.POST.get("mode", "electronic"),
                         agenda_item=item)
    return "已建立表决"


def _vote_open(request: HttpRequest, m: Any) -> str:
    seconds = request.POST.get("closes_in_seconds") or None
    services.vote_open(actor=request.user, vote=_vote_of(m, request.POST),
                       closes_in_seconds=_int(seconds, "closes_in_seconds") if seconds else None)
    return "表决已开始"


def _vote_close(request: HttpRequest, m: Any) -> str:
    result = services.vote_close(actor=request.user, vote=_vote_of(m, request.POST))
    return f"表决已结束：{result.basis}"


def _vote_revote(request: HttpRequest, m: Any) -> str:
    services.vote_revote(actor=request.user, vote=_vote_of(m, request.POST))
    return "已建立重新表决（新一轮）"


def _paper(request: HttpRequest, m: Any) -> str:
    vote = _vote_of(m, request.POST)
    post = request.POST
    if vote.kind == VoteKind.ELECTION:
        ids = list(vote.round_candidates.values_list("candidate_id", flat=True))
        counts: dict[str, Any] = {"candidates": {str(c): {k: _int(post.get(f"c{c}_{k}"), "counts")
                                                          for k in ("yes", "no", "abstain")} for c in ids},
                                  "write_ins": {}}
        name = post.get("write_in_name", "").strip()
        if name:
            counts["write_ins"][name] = _int(post.get("write_in_votes"), "write_in_votes")
    else:
        counts = {c: _int(post.get(f"count_{c}"), "counts") for c in vote.choices}
    services.paper_tally_enter(actor=request.user, vote=vote, issued=_int(post.get("issued"), "issued"),
                               returned=_int(post.get("returned"), "returned"),
                               invalid=_int(post.get("invalid") or 0, "invalid"), counts=counts)
    return "已录入计票结果（须另一人再录入一次）"


def _paper_discard(request: HttpRequest, m: Any) -> str:
    services.paper_tally_discard(actor=request.user, vote=_vote_of(m, request.POST),
                                 reason=request.POST.get("reason", "两次录入不一致"))
    return "已作废本轮录入，请重新录入"


def _election_new(request: HttpRequest, m: Any) -> str:
    services.election_create(actor=request.user, meeting=m, office=request.POST.get("office", ""),
                             office_kind=request.POST.get("office_kind", ""),
                             seats=_int(request.POST.get("seats"), "seats"))
    return "已建立选举"


ACTIONS: dict[str, tuple[Callable[[HttpRequest, Any], str], bool]] = {
    # name: (handler, staff only)
    "start": (_start, False), "close": (_close, False), "cancel": (_cancel, True), "sign_in": (_sign_in, True),
    "leave": (_leave, True), "agenda_add": (_agenda_add, True), "agenda_move": (_agenda_move, False),
    "document": (_document, True), "notice": (_notice, True), "vote_new": (_vote_new, True),
    "vote_open": (_vote_open, False), "vote_close": (_vote_close, False), "vote_revote": (_vote_revote, True),
    "paper": (_paper, True), "paper_discard": (_paper_discard, True), "election_new": (_election_new, True),
}


@page(*STAFF, Role.DEPUTY)
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if request.method != "POST" or action not in ACTIONS:
        raise NotFound()
    meeting = selectors.access_meeting_to_run(user=request.user, meeting_id=pk)
    handler, staff_only = ACTIONS[action]
    if staff_only and not selectors.is_staff(request.user):
        raise NotFound()
    try:
        messages.success(request, handler(request, meeting))
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    return redirect(request.POST.get("next") or reverse("meetings:run", args=[pk]))


# --- elections ----------------------------------------------------------------------------------------------

@page(*STAFF)
def election_page(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.access_election_by_id(user=request.user, election_id=pk)
    if request.method == "POST":
        try:
            messages.success(request, _election_action(request, election))
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, exc.message)
        return redirect("meetings:election", pk=pk)
    rounds = [services.close_if_due(v) for v in Vote.objects.filter(election=election).order_by("round")]
    deputies = Person.objects.filter(pk__in=selectors.members(election.meeting)).order_by("name")
    return render(request, "meetings/election.html", {
        "election": election, "meeting": election.meeting, "rounds": rounds, "deputies": deputies,
        "candidates": Candidate.objects.filter(election=election).select_related("oath"),
    })


def _election_action(request: HttpRequest, election: Election) -> str:
    post, action = request.POST, request.POST.get("action")
    if action == "nominate":
        nominators = list(Person.objects.filter(pk__in=post.getlist("nominators")))
        services.candidate_nominate(actor=request.user, election=election, name=post.get("name", ""),
                                    source=post.get("source", ""), nominators=nominators)
        return "已提名候选人"
    if action == "round":
        services.election_round_create(actor=request.user, election=election, mode=post.get("mode", "electronic"))
        return "已建立投票轮次，请在会议页开始投票"
    if action == "oath":
        candidate = _find(Candidate.objects.filter(election=election), post.get("candidate"))
        if candidate is None:
            raise NotFound()
        services.oath_record(actor=request.user, candidate=candidate,
                             taken_on=_parse_d(post.get("taken_on", ""), "taken_on"), meeting=election.meeting)
        return f"已记录{candidate.name}的宪法宣誓"
    raise NotFound()
