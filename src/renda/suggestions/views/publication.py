"""答复公开: the staff's check before a reply goes to the public portal, and the public pages themselves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from renda.core.access import page
from renda.core.errors import DomainError, NotFound
from renda.core.roles import Role
from renda.core.scope import get_or_404
from renda.suggestions import selectors
from renda.suggestions.models import Publication, PublicationStatus
from renda.suggestions.services import publication as pub

STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)


class PublishForm(forms.Form):
    title = forms.CharField(label="公开标题", max_length=200)
    text = forms.CharField(label="公开文本", widget=forms.Textarea(attrs={"rows": 12}),
                           help_text="系统已遮盖身份证号、电话号码和电子邮箱；请再核对姓名、住址等其他个人信息。")
    checked = forms.BooleanField(label="我已核对，公开文本不含个人信息", required=False)


def published() -> Any:
    return (Publication.objects.filter(status=PublicationStatus.PUBLISHED)
            .select_related("reply__suggestion__congress", "reply__unit"))


@page(*STAFF)
def publication_edit(request: HttpRequest, pk: int, round_no: int) -> HttpResponse:
    user: Any = request.user
    s = selectors.access_suggestion_by_id(user=user, suggestion_id=pk)
    reply = s.replies.filter(round=round_no).first()
    if reply is None:
        raise NotFound()
    publication = Publication.objects.filter(reply=reply).first()
    form = None
    try:
        if request.method == "POST" and "prepare" in request.POST:
            pub.publication_prepare(actor=user, reply=reply)
            return redirect("suggestions:publication", pk=pk, round_no=round_no)
        if request.method == "POST" and "withdraw" in request.POST and publication:
            pub.publication_withdraw(actor=user, publication=publication, reason=request.POST.get("reason", ""))
            messages.success(request, "已从门户网站撤下。")
            return redirect("suggestions:publication", pk=pk, round_no=round_no)
        if publication is not None:
            form = PublishForm(request.POST if "publish" in request.POST else None,
                               initial={"title": publication.title, "text": publication.text})
            if form.is_bound and form.is_valid():
                pub.publication_publish(actor=user, publication=publication, title=form.cleaned_data["title"],
                                        text=form.cleaned_data["text"], checked=form.cleaned_data["checked"])
                messages.success(request, "已在门户网站公开。")
                return redirect("suggestions:publication", pk=pk, round_no=round_no)
    except DomainError as exc:
        details = [m for msgs in exc.fields.values() for m in msgs]
        messages.error(request, "；".join([exc.message, *details]))
    return render(request, "suggestions/publication.html", {
        "s": s, "reply": reply, "publication": publication, "form": form})


@page(public=True)
def public_list(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(published(), 20).get_page(request.GET.get("page"))
    return render(request, "suggestions/public_list.html", {"page_obj": page_obj})


@page(public=True)
def public_detail(request: HttpRequest, publication_id: int) -> HttpResponse:
    return render(request, "suggestions/public_detail.html",
                  {"p": get_or_404(published(), pk=publication_id)})
