from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from renda.core.access import page
from renda.core.errors import DomainError, Invalid, NotFound
from renda.core.params import number
from renda.core.roles import STAFF_ROLES, Role
from renda.notifications.selectors import receipts_for
from renda.organizations.models import HandlingUnit
from renda.suggestions import selectors, services, workflow
from renda.suggestions.forms import ACTION_FORMS, DraftForm, PaperForm
from renda.suggestions.models import Channel, Kind, Status, Suggestion, UnitRole

READERS = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.UNIT_USER, Role.DEPUTY)


def _form_errors(form: Any, exc: Invalid) -> None:
    for name, msgs in (exc.fields or {"__all__": [exc.message]}).items():
        for m in msgs:
            form.add_error(name if name in form.fields else None, m)


@page(*READERS)
def suggestion_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    today = services.today()
    g = request.GET
    filters: dict[str, Any] = {
        "status": g.get("status") or None, "kind": g.get("kind") or None, "channel": g.get("channel") or None,
        "category": g.get("category") or None, "q": g.get("q") or None,
        "year": number(g.get("year")),
        "lead_unit": number(g.get("lead_unit")),
        "overdue": True if g.get("overdue") == "1" else None,
        "key_supervised": True if g.get("key") == "1" else None,
    }
    qs = selectors.filtered(selectors.visible(user=user), today=today, **filters)
    if user.role == Role.UNIT_USER and g.get("co_opinion") == "1":  # co-units' opinions not yet sent (协办意见)
        qs = selectors.awaiting_co_opinion(qs, user.unit_id)
    if user.role == Role.DEPUTY and g.get("mine") == "1":  # those the deputy leads, not those they co-sign
        qs = qs.filter(lead_deputy_id=user.person_id)
    if user.role == Role.DEPUTY and g.get("cosign") == "1":  # drafts waiting for the deputy's co-signature (附议)
        qs = selectors.awaiting_cosign(qs, user.person_id)
    # the list shows neither the text nor the deputy's personal fields: not loaded, so not decrypted row by row
    qs = qs.select_related("lead_deputy", "lead_unit", "congress").defer(
        "content", *[f"lead_deputy__{f}" for f in selectors.PERSON_PRIVATE]).order_by("-id")
    page_obj = Paginator(qs, 30).get_page(g.get("page"))
    ctx = {"page_obj": page_obj, "today": today, "filters": g, "statuses": Status.choices,
           "channels": Channel.choices, "kinds": Kind.choices, "is_staff": user.role in STAFF_ROLES,
           "is_deputy": user.role == Role.DEPUTY, "is_unit": user.role == Role.UNIT_USER,
           "query": g.urlencode(), "open_statuses": list(workflow.OPEN_HANDLING)}
    ctx.update(_beyond_the_form(user, g, filters))
    if user.role in STAFF_ROLES:
        # the units of the clerk's region and the regions above it, which are the ones assigned from here
        ids = user.region.ancestor_ids()
        units = (HandlingUnit.objects.filter(region_id__in=ids) | HandlingUnit.objects.filter(
            region__path__startswith=user.region.path)).order_by("region__path", "name").only("pk", "name")
        # a province-wide account would get thousands: the filter stays available as ?lead_unit=
        ctx["units"] = units[:300] if units.count() <= 300 else []
    return render(request, "suggestions/list.html", ctx)


def _beyond_the_form(user: Any, g: Any, filters: dict[str, Any]) -> dict[str, Any]:
    """What the list was asked for that its filter form cannot show (a link from the home page's 待办): `filtered`,
    said above the list ("只显示已答复、我领衔的建议", a deputy's list having no form at all); `several`, the label of a
    status filter naming several states, offered as the form's chosen status; `carried`, the parameters the form
    sends on as hidden fields, so that filtering by year or keyword does not drop them."""
    labels = dict(Status.choices)
    statuses = [labels[v] for v in (filters["status"] or "").split(",") if v in labels]
    said, carried = [], {}
    if user.role == Role.DEPUTY:
        said += statuses + ["超期"] * bool(filters["overdue"])
        said += ["我领衔"] * (g.get("mine") == "1") + ["请我附议"] * (g.get("cosign") == "1")
    if user.role == Role.UNIT_USER:
        if filters["lead_unit"] is not None and filters["lead_unit"] == user.unit_id:
            said.append("本单位主办")
            carried["lead_unit"] = filters["lead_unit"]
        if g.get("co_opinion") == "1":
            said.append("待提出协办意见")
            carried["co_opinion"] = "1"
    return {"filtered": "、".join(said), "carried": carried,
            "several": "、".join(statuses) if "," in (filters["status"] or "") else ""}


@page(Role.DEPUTY)
def suggestion_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = DraftForm(request.POST or None, person=user.person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            s = services.suggestion_create(actor=user, congress=data["congress"], kind=data["kind"],
                                           channel=data["channel"], title=data["title"], content=data["content"],
                                           category=data["category"], co_signers=list(data["co_signers"]))
            if "submit" in request.POST:
                s = services.suggestion_submit(actor=user, suggestion=s)
        except Invalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已提交，请等待审查。" if s.status == Status.SUBMITTED else "草稿已保存。")
            return redirect("suggestions:detail", pk=s.pk)
    return render(request, "suggestions/form.html", {"form": form, "title": "写建议"},
                  status=422 if form.errors else 200)


@page(Role.DEPUTY)
def suggestion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    s = selectors.access_suggestion_by_id(user=user, suggestion_id=pk)
    initial = {"congress": s.congress_id, "kind": s.kind, "channel": s.channel, "title": s.title,
               "content": s.content, "category": s.category,
               "co_signers": [c.person_id for c in s.cosigners.all()]}
    form = DraftForm(request.POST or None, person=user.person, initial=initial)
    form.fields["congress"].disabled = True
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            s = services.suggestion_update_draft(
                actor=user, suggestion=s, version=int(request.POST.get("version") or 0) or None,
                title=data["title"], content=data["content"], category=data["category"], channel=data["channel"],
                co_signers=list(data["co_signers"]))
            if "submit" in request.POST:
                s = services.suggestion_submit(actor=user, suggestion=s)
        except Invalid as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("suggestions:detail", pk=s.pk)
        else:
            messages.success(request, "已提交，请等待审查。" if s.status == Status.SUBMITTED else "草稿已保存。")
            return redirect("suggestions:detail", pk=s.pk)
    return render(request, "suggestions/form.html", {"form": form, "title": "修改草稿", "suggestion": s},
                  status=422 if form.errors else 200)


@page(Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
def suggestion_paper(request: HttpRequest) -> HttpResponse:
    """代录: a paper suggestion entered on the deputy's behalf and submitted at once."""
    user: Any = request.user
    form = PaperForm(request.POST or None, region_path=user.region.path)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            s = services.suggestion_enter_paper(
                actor=user, congress=data["congress"], lead_deputy=data["lead_deputy"], kind=data["kind"],
                channel=data["channel"], title=data["title"], content=data["content"], category=data["category"],
                co_signers=list(data["co_signers"]), note=data["note"])
        except Invalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"已代录并提交，编号 {s.number}，已通知代表。")
            return redirect("suggestions:detail", pk=s.pk)
    return render(request, "suggestions/form.html", {"form": form, "title": "代录纸质建议", "paper": True},
                  status=422 if form.errors else 200)


def page_actions(user: Any, s: Suggestion) -> list[str]:
    """The events the user may take on the suggestion's page."""
    actions = selectors.actions_for(user, s)
    if s.merged_into_id:  # a member handled with its primary cannot itself take others in
        actions = [a for a in actions if a != "merge"]
    return actions


def action_form(event: str, s: Suggestion, *args: Any) -> Any:
    """The form of an event on the suggestion's page, blank or bound to `args` (data, files): its ids carry the
    event, so that the page's forms keep them unique."""
    return ACTION_FORMS[event](*args, suggestion=s, auto_id=f"{event}_%s")


def detail_context(user: Any, s: Suggestion, *, bound: Any = None, sent: str = "") -> dict[str, Any]:
    """The page's context; `bound`: the form of the event `sent` as it came with an error, shown as typed."""
    actions = page_actions(user, s)
    forms = {event: action_form(event, s) for event in actions if event in ACTION_FORMS}
    if bound is not None and sent in forms:
        forms[sent] = bound
    show_units = user.role in STAFF_ROLES or user.role == Role.UNIT_USER
    replies = list(s.replies.select_related("evaluation").order_by("round"))
    return {**_proposals(s, forms),
        "s": s, "today": services.today(), "overdue": selectors.is_overdue(s, services.today()),
        "forms": forms, "labels": workflow.EVENT_LABELS, "replies": replies,
        "events": s.events.select_related("actor"), "contacts": s.contacts.all() if show_units else [],
        "assignments": s.assignments.select_related("unit").order_by("-active", "role") if show_units else [],
        "receipts": receipts_for(s)[:50] if user.role in STAFF_ROLES else [],
        # the constituents' opinions it was formed from, for the staff (liaison's list, filtered to them)
        "from_opinions": s.opinions.count() if user.role in STAFF_ROLES else 0,
        "co_role": UnitRole.CO, "can_edit": "submit" in actions,
        "is_staff": user.role in STAFF_ROLES,
        "merged_members": list(s.merged_members.only("pk", "number", "title", "status")),
        "out_of_office": selectors.out_of_office(s) if s.status == Status.DRAFT else set(),
    }


def _proposals(s: Suggestion, forms: dict[str, Any]) -> dict[str, Any]:
    """The text engine's category (at review, 立案, or at a bill's decision) and lead unit (at assignment, 交办) for
    the suggestion: shown with their confidence and words, and preselected when confident and the field has nothing
    yet (the deputy's category stays chosen); nothing without a model. As on an opinion's page
    (liaison.views.opinions)."""
    from renda.insights.services import suggest, unit_proposal

    out: dict[str, Any] = {}
    text = f"{s.title} {s.content}"
    if event := next((e for e in ("review", "decide") if e in forms), None):
        proposal = suggest(congress=s.congress, kind="category", text=text)
        out["category_proposal"] = proposal
        out["category_preselected"] = bool(not s.category and proposal and proposal.label)
        if out["category_preselected"]:
            forms[event].initial["category"] = proposal.label  # type: ignore[union-attr]
    if "assign" in forms and (found := unit_proposal(congress=s.congress, text=text,
                                                     units=forms["assign"].fields["lead_unit"].queryset)):
        proposal, unit = found  # only a unit this suggestion may go to
        out["unit_proposal"], out["unit_proposed"] = proposal, unit
        out["unit_preselected"] = bool(s.lead_unit_id is None and proposal.label)
        if out["unit_preselected"]:
            forms["assign"].initial["lead_unit"] = unit.pk
    return out


@page(*READERS)
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.access_suggestion_by_id(user=request.user, suggestion_id=pk)
    return render(request, "suggestions/detail.html", detail_context(request.user, s))


@page(Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
def near_duplicates(request: HttpRequest, pk: int) -> HttpResponse:
    """The merge form's 疑似重复 list, loaded by htmx after the page (the first look-up of a process builds the
    scope's similar-case index): the suggestions the merge form offers that the text engine finds to be the same
    suggestion (`insights.near_duplicate_threshold` [setting]), most similar first."""
    from renda.insights.services import near_duplicates_among

    user: Any = request.user
    s = selectors.access_suggestion_by_id(user=user, suggestion_id=pk)
    found: list[dict[str, Any]] = []
    if "merge" in page_actions(user, s):
        offered = ACTION_FORMS["merge"](suggestion=s).fields["members"].queryset  # type: ignore[attr-defined]
        found = [{"suggestion": m, "score": score} for m, score in near_duplicates_among(
            user=user, congress=s.congress, text=f"{s.title} {s.content}", source="suggestion", pk=s.pk,
            among=offered.select_related("lead_deputy"))]
    return render(request, "suggestions/_near_duplicates.html", {"near_duplicates": found})


@page(*READERS)
def reply_letter(request: HttpRequest, pk: int, round_no: int) -> FileResponse:
    """The reply letter, to whoever may see the suggestion."""
    s = selectors.access_suggestion_by_id(user=request.user, suggestion_id=pk)
    reply = s.replies.filter(round=round_no).first()
    if reply is None or not reply.letter:
        raise NotFound()
    name = (reply.letter.name or "").rsplit("/", 1)[-1]
    return FileResponse(reply.letter.open("rb"), as_attachment=True, filename=f"{s.number}-答复函-{name}")


