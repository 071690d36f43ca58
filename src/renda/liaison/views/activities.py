"""Deliberation activities and voter meetings: the list with a form to plan one, and one activity with the
form of its next step."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from renda.core.access import action, page
from renda.core.errors import Invalid, NotFound
from renda.core.params import is_number, number
from renda.core.scope import get_or_404, within
from renda.deputies.models import MandateStatus, Person
from renda.deputies.selectors import mandates_visible
from renda.liaison import selectors, workflow
from renda.liaison.models import Activity, ActivityKind, Opinion
from renda.liaison.services import activities as services
from renda.liaison.views.common import STAFF, run, version_of
from renda.organizations.selectors import congresses_visible


def activities_visible(user: Any) -> Any:
    return within(Activity.objects.select_related("congress__region"), user, "congress__region__path")


@page(*STAFF)
def activity_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        post = request.POST
        created: dict[str, Any] = {}

        def call() -> None:
            congress = get_or_404(congresses_visible(user=user), pk=post.get("congress") or 0)
            try:
                day = date.fromisoformat(post.get("meeting_date", ""))
            except ValueError:
                raise Invalid("请填写活动日期", fields={"meeting_date": ["必填"]}) from None
            stations = list(selectors.stations_visible(user=user).filter(pk__in=_ids(post.getlist("stations"))))
            people = list(Person.objects.filter(pk__in=mandates_visible(user=user).filter(
                status=MandateStatus.ACTIVE).values("person_id")).filter(pk__in=_ids(post.getlist("deputies"))))
            created["a"] = services.activity_create(
                actor=user, congress=congress, kind=post.get("kind", ""), topic=post.get("topic", ""),
                meeting_date=day, place=post.get("place", ""), description=post.get("description", ""),
                stations=stations, deputies=people)

        response = run(request, reverse("liaison:activities"), call, "活动已建立。")
        return redirect("liaison:activity", created["a"].pk) if created else response
    page_obj = Paginator(activities_visible(user), 30).get_page(request.GET.get("page"))
    return render(request, "liaison/activity_list.html", {
        "page_obj": page_obj, "kinds": ActivityKind.choices, "congresses": congresses_visible(user=user),
        "stations": selectors.stations_visible(user=user),
        "deputies": Person.objects.filter(pk__in=mandates_visible(user=user).filter(
            status=MandateStatus.ACTIVE).values("person_id")).order_by("name")})


def _ids(raw: list[str]) -> list[int]:
    return [int(x) for x in raw if is_number(x)]


@page(*STAFF)
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = get_or_404(activities_visible(request.user), pk=activity_id)
    from renda.suggestions.selectors import visible as suggestions_visible

    return render(request, "liaison/activity_detail.html", {
        "a": activity, "events": list(workflow.ACTIVITY_TRANSITIONS.get(activity.status, {})),
        "labels": workflow.ACTIVITY_EVENT_LABELS, "opinions": Opinion.masked_together(activity.opinions.all()),
        "suggestions": suggestions_visible(user=request.user).filter(congress__region__path__in=[
            activity.congress.region.path]).order_by("-id")[:100]})


@action("liaison:activity", "activity_id")
@page(*STAFF)
def activity_act(request: HttpRequest, activity_id: int, event: str) -> HttpResponse:
    user: Any = request.user
    activity = get_or_404(activities_visible(user), pk=activity_id)
    post, version = request.POST, version_of(request)
    back = reverse("liaison:activity", args=[activity.pk])
    if event == "notify":
        return run(request, back, lambda: services.activity_notify(actor=user, activity=activity, version=version),
                   "已通知参加代表。")
    if event == "publish":
        return run(request, back, lambda: services.activity_publish(actor=user, activity=activity,
                                                                    version=version), "已向社会公布。")
    if event == "hold":
        matters = [line.strip() for line in post.get("matters", "").splitlines() if line.strip()]
        raw = post.get("participants", "0")
        return run(request, back, lambda: services.activity_hold(
            actor=user, activity=activity, participants=number(raw, -1),
            summary=post.get("summary", ""), matters=matters, version=version),
            f"已记录召开情况，登记群众意见 {len(matters)} 条。")
    if event == "hand_over":
        from renda.suggestions.selectors import visible as suggestions_visible

        chosen = list(suggestions_visible(user=user).filter(pk__in=_ids(post.getlist("suggestions"))))
        return run(request, back, lambda: services.activity_hand_over(actor=user, activity=activity,
                                                                      suggestions=chosen, version=version),
                   f"已交办建议 {len(chosen)} 件。")
    raise NotFound()
