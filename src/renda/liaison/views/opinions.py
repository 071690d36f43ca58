"""Opinion pages for staff and handling units: the list with its overdue count, one opinion with the forms of
the events its state allows, and registration of an opinion taken by phone, by letter or at a reception."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from renda.accounts.models import User
from renda.core.access import action, page
from renda.core.errors import DomainError, Invalid, NotFound
from renda.core.masking import mask_name, mask_phone, scrub
from renda.core.params import is_number
from renda.core.scope import get_or_404
from renda.liaison import selectors, workflow
from renda.liaison.forms import OpinionRegisterForm, RejectForm
from renda.liaison.models import Channel, JudgedVia, NotAcceptedReason, Opinion, OpinionStatus, Satisfaction
from renda.liaison.services import opinions as services
from renda.liaison.views.common import HANDLERS, STAFF, form_errors, run, version_of, versions_of
from renda.organizations.models import HandlingUnit
from renda.organizations.services import congress_categories, unit_serves


@page(*HANDLERS)
def opinion_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    qs = selectors.opinions_visible(user=user)
    status, view = request.GET.get("status", ""), request.GET.get("view", "")
    if status in OpinionStatus.values:
        qs = qs.filter(status=status)
    if view == "overdue":
        qs = qs.filter(selectors.overdue_q(timezone.localdate()))
    elif view == "open":
        qs = qs.filter(status__in=workflow.AWAITING_REPLY)
    suggestion = request.GET.get("suggestion", "")
    if is_number(suggestion):  # the opinions a deputy suggestion was formed from (linked both ways)
        qs = qs.filter(suggestion_id=int(suggestion))
    page_obj = Paginator(qs, 50).get_page(request.GET.get("page"))
    page_obj.object_list = Opinion.masked_together(page_obj.object_list)  # a joint letter's co-signers, too
    stations = selectors.stations_visible(user=user) if user.role in STAFF else []
    return render(request, "liaison/opinion_list.html", {
        "page_obj": page_obj, "codes_masked": selectors.reads_code_masked(user),
        "counts": selectors.opinion_counts(user=user), "status": status, "view": view,
        "statuses": OpinionStatus.choices, "stations": stations, "today": timezone.localdate(),
        "awaiting": workflow.AWAITING_REPLY})


@page(*HANDLERS)
def opinion_detail(request: HttpRequest, opinion_id: int) -> HttpResponse:
    user: Any = request.user
    return _detail_page(request, selectors.access_opinion_by_id(user=user, opinion_id=opinion_id))


# what a clerk or a unit types into the page's forms, kept when the service refuses it (event → its text fields)
# (the labels name the text to copy when the form is gone; the reason is a choice, kept for the form only)
TYPED = {"reply": {"text": "答复内容"}, "publish": {"summary": "公开摘要"}, "assign": {"note": "转办说明"},
         "reject": {"reason": "", "note": "告知群众的说明"},
         "judge": {"satisfaction": "群众的评价", "via": "回访方式", "comment": "群众的说明"}}


def _detail_page(request: HttpRequest, opinion: Any, *, typed: dict[str, str] | None = None,
                 status: int = 200) -> HttpResponse:
    """The opinion's page; `typed`: the event and the text of the form that was refused, shown again as typed."""
    user: Any = request.user
    typed = typed or {}
    events = _events(user, opinion)
    forms = _forms(events, user, opinion)
    code = selectors.shown_code(user, opinion)
    units = [u for u in HandlingUnit.objects.filter(active=True).select_related("region")
             if unit_serves(u, opinion.congress)]
    staff = [u for u in User.objects.filter(is_active=True, role__in=STAFF, region__isnull=False)
             .select_related("region") if u.region and opinion.region.path.startswith(u.region.path)]
    return render(request, "liaison/opinion_detail.html", {
        "opinion": opinion, "events": events, "units": units, "staff": staff,
        "deputies": list(selectors.station_deputies(station=opinion.station)) if opinion.station else [],
        "categories": congress_categories(opinion.congress),
        "reject_form": RejectForm(initial=typed if typed.get("event") == "reject" else None),
        "forms": forms, "typed": typed, "typed_lost": [] if typed.get("event") in forms else [
            (label, _typed_text(name, typed[name])) for name, label in TYPED.get(typed.get("event", ""), {}).items()
            if label and typed[name].strip()],
        "name": mask_name(opinion.constituent_name), "phone": mask_phone(opinion.constituent_phone),
        "alerts": [(a, a.message.replace(opinion.code, code)) for a in opinion.alerts.all()[:20]],
        "satisfactions": Satisfaction.choices, "judged_via": [(v, label) for v, label in JudgedVia.choices
                                                               if v != JudgedVia.PORTAL],
        "overdue": opinion.status in workflow.AWAITING_REPLY and opinion.deadline < timezone.localdate(),
        "reasons": NotAcceptedReason.choices,
        "code": code, "merged_into_code": selectors.shown_code(user, opinion.merged_into) if opinion.merged_into
        else "", "suggestion_visible": _may_open_suggestion(user, opinion),
        # the constituent's own words: whole for the staff who took them, masked for a unit (selectors.as_read_by)
        "content": selectors.as_read_by(user, opinion, opinion.content),
        "comment": selectors.as_read_by(user, opinion, opinion.satisfaction_comment),
        "earlier_judgments": [(j, selectors.as_read_by(user, opinion, j.comment))
                              for j in selectors.earlier_judgments(opinion)],
        "merged": Opinion.masked_together(opinion.merged_opinions.order_by("pk")) if user.role in STAFF else [],
        **_proposals(opinion, events, units)}, status=status)


def _forms(events: list[str], user: Any, opinion: Any) -> set[str]:
    """The events whose forms the page shows: the workflow's, and beside them 记录群众评价 (with 办结) and 答复公开
    (once answered, for the staff). The template shows a form when it is here, and a refused form comes back filled
    in when it is here, or as text to copy when it is gone."""
    shown = set(events)
    if "close" in events:
        shown.add("judge")
    if opinion.replied_at and "reply" not in events and user.role in STAFF:
        shown.add("publish")
    return shown


def _typed_text(name: str, value: str) -> str:
    """What was typed or chosen, as the lost-form box shows it: a choice by its label."""
    labels = {"satisfaction": dict(Satisfaction.choices), "via": dict(JudgedVia.choices)}.get(name, {})
    return str(labels.get(value, value.strip()))


def _may_open_suggestion(user: Any, opinion: Any) -> bool:
    """Whether the user may open the deputy suggestion the opinion went to. A township clerk may not open the county
    congress's suggestion, nor a unit one it does not handle: the page says the opinion went to a suggestion and
    which congress's, without its title or a link (the title is the suggestion's, not the opinion's)."""
    from renda.suggestions import selectors as suggestion_selectors

    return bool(opinion.suggestion_id) and suggestion_selectors.visible(user=user).filter(
        pk=opinion.suggestion_id).exists()


def _proposals(opinion: Any, events: list[str], units: list[HandlingUnit]) -> dict[str, Any]:
    """The text engine's category (when accepting) and handling unit (when transferring) for the opinion, to
    preselect in those forms when confident and to show with their confidence; nothing without a model."""
    from renda.insights.services import suggest, unit_proposal

    out: dict[str, Any] = {}
    if "accept" in events:
        out["category_proposal"] = suggest(congress=opinion.congress, kind="category", text=opinion.content)
        out["category_preselected"] = not opinion.category  # the clerk's category at registration stays chosen
    if "assign" in events and (found := unit_proposal(congress=opinion.congress, text=opinion.content, units=units)):
        out["unit_proposal"], out["unit_proposed"] = found
    return out


def _events(user: Any, opinion: Any) -> list[str]:
    """What this user may do to the opinion on its page."""
    events = workflow.allowed_events(opinion.status)
    if user.role == "unit_user":
        return [e for e in events if e == "reply" and opinion.status == OpinionStatus.ASSIGNED]
    return [e for e in events if e not in ("evaluate", "reopen")]  # the constituent's, on the portal


@page(*HANDLERS)
def opinion_near_duplicates(request: HttpRequest, opinion_id: int) -> HttpResponse:
    """The merge form's 疑似重复 buttons, loaded by htmx after the page: the first look-up in a process builds the
    scope's similar-case index (seconds for thousands of opinions), which must not hold up the page itself."""
    user: Any = request.user
    opinion = selectors.access_opinion_by_id(user=user, opinion_id=opinion_id)
    mergeable = "merge" in _events(user, opinion)
    found = _near_duplicates(user, opinion) if mergeable else []
    issue, siblings = _same_issue(user, opinion, {d["opinion"].pk for d in found}) if mergeable else (None, [])
    return render(request, "liaison/_near_duplicates.html", {"near_duplicates": found, "issue": issue,
                                                             "same_issue": siblings})


def _same_issue(user: Any, opinion: Any, shown: set[int]) -> tuple[Any, list[dict[str, Any]]]:
    """The hot issue the opinion is one of (insights.monthly.same_issue: three or more people about one problem in
    its township this month) and its other opinions it may be merged into: open, of the same congress, not already
    offered as 疑似重复. Different people write the same problem in different words, which the near-duplicate
    look-up (the same text) does not find; the hot page had them as one issue while this box said "未发现"."""
    from renda.insights import monthly

    issue, others = monthly.same_issue(user, opinion)
    offered = [{"opinion": o, "code": o.code} for o in Opinion.masked_together(others) if o.pk not in shown
               and o.congress_id == opinion.congress_id and o.status in workflow.MERGEABLE]
    return (issue if offered else None), offered[:SAME_ISSUE_SHOWN]  # the earliest first, as the group lists them


SAME_ISSUE_SHOWN = 5  # buttons a hot issue's other opinions get in the merge box (a group may hold dozens)


def _near_duplicates(user: Any, opinion: Any) -> list[dict[str, Any]]:
    """Open opinions of the same congress the text engine finds to be the same complaint (疑似重复), to merge with."""
    from renda.insights.services import near_duplicates_among

    found = near_duplicates_among(user=user, congress=opinion.congress, text=opinion.content, source="opinion",
                                  pk=opinion.pk, among=selectors.opinions_visible(user=user).filter(
                                      congress=opinion.congress, status__in=workflow.MERGEABLE))
    return [{"opinion": o, "code": o.code} for o in Opinion.masked_together(o for o, _ in found)]


DONE = {"accept": "已受理，责任人已确定。", "reject": "已决定不予受理，原因将告知群众。", "assign": "已转办。",
        "reply": "已答复，群众可凭查询码查看并评价。", "close": "已办结。", "publish": "答复公开设置已保存。",
        "merge": "已合并办理：答复所并入的意见时，本条的群众会同时收到答复。",
        "deputy": "跟进代表已设定，代表会收到通知。", "judge": "群众的评价已记录。"}


STAFF_EVENTS = ("merge", "deputy", "judge")  # a unit may not; it gets 404, as for an event that does not exist


@action("liaison:opinion_detail", "opinion_id")
@page(*HANDLERS)
def opinion_act(request: HttpRequest, opinion_id: int, event: str) -> HttpResponse:
    user: Any = request.user
    if event not in DONE or (event in STAFF_EVENTS and user.role not in STAFF):
        raise NotFound()
    opinion = selectors.access_opinion_by_id(user=user, opinion_id=opinion_id)
    post, version = request.POST, version_of(request)
    back = reverse("liaison:opinion_detail", args=[opinion.pk])

    def call() -> Any:
        if event == "accept":
            responsible = None
            if is_number(post.get("responsible", "")):
                responsible = get_or_404(User.objects.filter(is_active=True, role__in=STAFF), pk=post["responsible"])
            return services.opinion_accept(actor=user, opinion=opinion, category=post.get("category", ""),
                                           responsible=responsible, version=version)
        if event == "reject":
            form = RejectForm(post)
            if not form.is_valid():
                raise Invalid("请选择不予受理的原因", fields={"reason": ["须为已进入诉讼或仲裁程序"]})
            return services.opinion_reject(actor=user, opinion=opinion, reason=form.cleaned_data["reason"],
                                           note=form.cleaned_data["note"], version=version)
        if event == "assign":
            if not is_number(post.get("unit", "")):  # the form chooses none in advance unless the engine is sure
                raise Invalid("请选择承办单位", fields={"unit": ["请选择承办单位"]})
            unit = get_or_404(HandlingUnit.objects.select_related("region"), pk=post["unit"])
            return services.opinion_assign(actor=user, opinion=opinion, unit=unit, note=post.get("note", ""),
                                           version=version)
        if event == "reply":
            return services.opinion_reply(actor=user, opinion=opinion, text=post.get("text", ""), version=version)
        if event == "close":
            return services.opinion_close(actor=user, opinion=opinion, version=version)
        if event == "judge":  # 回访: the constituent's judgment, told to the clerk
            return services.opinion_record_judgment(
                actor=user, opinion=opinion, satisfaction=post.get("satisfaction", ""), via=post.get("via", ""),
                comment=post.get("comment", ""), version=version)
        if event == "merge":
            # a 疑似重复 button sends its code as `into`; the form's own field is `into_code`
            into = selectors.opinion_by_code(user=user, raw=post.get("into") or post.get("into_code", ""))
            return services.opinion_merge(actor=user, opinion=opinion, into=into, version=version)
        if event == "deputy":
            from renda.deputies.models import Person
            from renda.liaison.services.deputies import opinion_set_deputy

            person = get_or_404(Person.objects.all(), pk=post["deputy"]) if is_number(post.get("deputy", "")) else None
            return opinion_set_deputy(actor=user, opinion=opinion, person=person, version=version)
        return services.opinion_publish(actor=user, opinion=opinion, summary=post.get("summary", ""),
                                        published=post.get("published", "1") == "1", version=version)

    def refused() -> HttpResponse:  # the page again, as it now stands, with what was typed: nothing is lost
        typed = {"event": event, **{name: post.get(name, "") for name in TYPED[event]}}
        return _detail_page(request, selectors.access_opinion_by_id(user=user, opinion_id=opinion.pk),
                            typed=typed, status=422)

    return run(request, back, call, DONE[event], refused if event in TYPED else None)


@page(*STAFF)
def opinion_new(request: HttpRequest, station_id: int) -> HttpResponse:
    user: Any = request.user
    station = selectors.access_station_by_id(user=user, station_id=station_id)
    categories = congress_categories(station.congress)
    form = OpinionRegisterForm(request.POST or None, categories=categories)
    if request.method == "POST":
        if not form.is_valid():
            form_errors(request, form)
        else:
            created: dict[str, Any] = {}

            def call() -> None:
                created["o"] = services.opinion_register(actor=user, station=station, **form.cleaned_data)

            response = run(request, reverse("liaison:opinion_new", args=[station.pk]), call,
                           "群众意见已登记，请把查询码告诉群众。")
            return redirect("liaison:opinion_detail", created["o"].pk) if created else response
    return render(request, "liaison/opinion_new.html", {"station": station, "form": form,
                                                        "channels": Channel.choices})


TOPIC_CHARS = 60  # a hot issue's title is at most as long (insights.hot.SUBJECT_CHARS)
TOPIC_MIN_CHARS = 6  # a first clause shorter than this ("投诉：") says too little to title a suggestion
CANDIDATES = 200  # the newest opinions the page offers to pick from, besides those it is sent with


@page(*STAFF)
def opinions_to_suggestion(request: HttpRequest) -> HttpResponse:
    """Several opinions of the clerk's scope taken up by one deputy: pick the opinions, the deputy, edit the
    title and content drafted from them; the suggestion is entered on the deputy's behalf and linked both ways.
    With htmx, ticking opinions refreshes only the deputy list and the drafted text."""
    from renda.liaison.services.conversion import opinions_to_new_suggestion, prefill, refuse_changed

    user: Any = request.user
    source = request.POST if request.method == "POST" else request.GET
    wanted = {int(x) for x in source.getlist("opinions") if is_number(x)}
    # the newest opinions to pick from, and every one asked for (a hot issue sends its group's): an older one asked
    # for was left out when 200 newer ones were waiting, and the group's opinions were silently not ticked
    convertible = selectors.convertible_opinions(user=user).order_by("-received_at", "-id")
    newest = list(convertible[:CANDIDATES])
    older = wanted - {o.pk for o in newest}
    candidates = Opinion.masked_together([*convertible.filter(pk__in=older), *newest] if older else newest)
    picked = [o for o in candidates if o.pk in wanted]
    mandates = list(selectors.deputies_who_may_take_up(user=user, opinions=picked)) if picked else []
    title, content = prefill(picked)
    topic = " ".join(source.get("topic", "").split())[:TOPIC_CHARS]
    if topic:  # what the opinions are about, in words given by the page that sent them (a hot issue's title):
        # its first clause, when that says something ("幸福花园小区门口烧烤摊油烟扰民，深夜还在营业" → the first)
        head = re.split(r"[，,。；;！!？?]", topic, maxsplit=1)[0]
        title = f"关于{scrub(head if len(head) >= TOPIC_MIN_CHARS else topic)}问题的建议"
    ctx: dict[str, Any] = {"candidates": candidates, "picked": {o.pk for o in picked}, "mandates": mandates,
                           "mandate": source.get("mandate", ""), "title": title, "content": content, "errors": {}}
    if request.method == "POST":
        ctx["title"], ctx["content"] = request.POST.get("title", ""), request.POST.get("content", "")
        mandate = next((m for m in mandates if str(m.pk) == request.POST.get("mandate")), None)
        try:
            # a ticked opinion that was shown but is no longer offered (answered, referred… in another tab) has
            # changed since: the form is stale, not to be sent without it
            gone = wanted - {o.pk for o in picked}
            refuse_changed(selectors.opinions_visible(user=user).filter(pk__in=gone).order_by("pk"),
                           versions_of(request, gone))
            if not picked:
                raise Invalid("请选择群众意见", fields={"opinions": ["至少选择一条受理中的意见"]})
            if mandate is None:
                raise Invalid("请选择接手的代表", fields={"mandate": ["请选择可接手这些意见的在任代表"]})
            suggestion, done = opinions_to_new_suggestion(
                actor=user, opinions=picked, lead_deputy=mandate.person, congress=mandate.congress,
                title=ctx["title"], content=ctx["content"], versions=versions_of(request, [o.pk for o in picked]))
        except DomainError as exc:
            ctx["errors"] = exc.fields or {"__all__": [exc.message]}
            ctx["message"] = exc.message
            return render(request, "liaison/to_suggestion.html", ctx, status=422)
        messages.success(request, f"{len(done)} 条群众意见已由{mandate.person.name}代表接手，形成建议"
                                  f"“{suggestion.title}”（编号 {suggestion.number}）；建议答复后，每位群众都能凭查询码"
                                  "看到答复。")
        return redirect(f"{reverse('liaison:opinions')}?suggestion={suggestion.pk}")
    template = "liaison/_to_suggestion_draft.html" if getattr(request, "htmx", False) else "liaison/to_suggestion.html"
    return render(request, template, ctx)
