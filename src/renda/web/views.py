from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from renda.core.access import page
from renda.core.roles import Role
from renda.deputies import selectors as deputy_selectors
from renda.organizations.models import RegionLevel
from renda.web.todo import todo

LEVEL_LABELS = dict(RegionLevel.choices)


def _bars(rows: list[tuple[str, int]]) -> list[dict[str, object]]:
    total = sum(n for _, n in rows) or 1
    return [{"label": label, "n": n, "pct": round(100 * n / total, 1)} for label, n in rows]


@page(*Role.values)
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    from renda.insights.views import hot_on_home

    ctx: dict[str, object] = {"todo": todo(user), "hot": hot_on_home(user)}
    if user.role in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.DEPUTY):
        by_level = deputy_selectors.active_counts_by_level(user=user)
        ctx["by_level"] = [{"label": LEVEL_LABELS.get(k, k), "n": v} for k, v in sorted(by_level.items())]
        ctx["total_mandates"] = sum(by_level.values())
    if user.role in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF):
        ctx["composition"] = [
            {"title": title, "bars": _bars(deputy_selectors.composition(user=user, field=field))}
            for title, field in (("性别", "gender"), ("政治面貌", "party"), ("职业构成", "occupation"),
                                 ("文化程度", "education"))
        ]
    if user.role == Role.DEPUTY:
        ctx["my_mandates"] = deputy_selectors.mandates_visible(user=user).order_by("congress__region__depth")
    return render(request, "web/home.html", ctx)


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(request, "errors/error.html", {"status": status, "title": title, "text": text}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "请求有误", "请求的格式不正确，请返回上一页重试。")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "无权访问", "您的账户没有使用此页面的权限。如需开通，请联系系统管理员。")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "页面不存在", "您要找的页面不存在，或不在您的管理范围内。")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "系统出错", "系统暂时出现问题，已记录。请稍后再试。")


for _view in (bad_request, permission_denied, page_not_found, server_error):
    _view.renda_access = page(public=True)(_view).renda_access  # type: ignore[attr-defined]
