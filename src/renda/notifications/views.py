"""消息: the inbox of every account, with read receipts."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from renda.core.access import page
from renda.core.roles import Role
from renda.notifications import selectors, services


@page(*Role.values)
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    paginator = Paginator(selectors.inbox(user=request.user, unread_only=unread_only), 30)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {
        "page_obj": page_obj, "unread_only": unread_only, "unread": selectors.unread_count(user=request.user)})


@page(*Role.values)
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Opening a message records its receipt and goes on to what it is about."""
    notification = selectors.access_notification_by_id(user=request.user, notification_id=notification_id)
    services.notification_read(user=request.user, notification=notification)
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return render(request, "notifications/detail.html", {"n": notification})


@require_POST
@page(*Role.values)
def read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_read_all(user=request.user)
    return redirect("notifications:inbox")
