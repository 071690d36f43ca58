"""A deputy's own liaison page, made for a phone: their stations, coming duty days, receptions attended, the
opinions they follow with deadlines, and a short form to record what they did."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from renda.core.access import page
from renda.core.errors import Invalid, NotFound
from renda.core.params import is_number
from renda.core.roles import Role
from renda.core.scope import get_or_404
from renda.liaison import selectors
from renda.liaison.models import Opinion, Station, WorkKind
from renda.liaison.services.deputies import deputy_work_record
from renda.liaison.views.common import run
from renda.liaison.workflow import AWAITING_REPLY


@page(Role.DEPUTY)
def my_liaison(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.person_id:
        raise NotFound("您的账号未关联代表信息，请联系人大工作人员")
    today = timezone.localdate()
    data = selectors.deputy_liaison(person=user.person, today=today)
    return render(request, "liaison/deputy_home.html", {
        "data": data, "today": today, "awaiting": AWAITING_REPLY, "kinds": WorkKind.choices,
        # all of them, as the home page's 待办 counts them: the list below shows at most 100
        "open_count": selectors.followed_open(user.person_id).count(),
        "open_shown": sum(1 for o in data.opinions if o.status in AWAITING_REPLY)})


@require_POST
@page(Role.DEPUTY)
def my_work_record(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    post = request.POST

    def call() -> Any:
        try:
            day = date.fromisoformat(post.get("date", ""))
        except ValueError:
            raise Invalid("日期无效", fields={"date": ["请选择日期"]}) from None
        opinion = station = None
        if is_number(post.get("opinion", "")):
            opinion = get_or_404(Opinion.objects.filter(deputy_id=user.person_id).select_related("station"),
                                 pk=post["opinion"])
        if is_number(post.get("station", "")):
            station = get_or_404(Station.objects.filter(assignments__person_id=user.person_id).distinct(),
                                 pk=post["station"])
        return deputy_work_record(actor=user, kind=post.get("kind", ""), day=day, text=post.get("text", ""),
                                  opinion=opinion, station=station)

    return run(request, reverse("liaison:me"), call, "已记录，谢谢您的履职。")
