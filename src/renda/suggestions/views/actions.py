"""One page endpoint per workflow event: parse the form, call the event's service, say what happened."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from renda.core.access import action, page
from renda.core.errors import DomainError, NotFound
from renda.suggestions import selectors, services, workflow
from renda.suggestions.forms import ACTION_FORMS
from renda.suggestions.views.pages import READERS, action_form, detail_context, page_actions

DONE = {
    "submit": "已提交，请等待审查。", "cosign": "已确认附议。", "withdraw": "已撤回。",
    "revise": "已退回草稿，可修改后重新提交。", "review": "审查结论已记录。", "decide": "议案处理决定已记录。",
    "assign": "已交办，已通知承办单位。", "accept": "已签收，请及时与代表沟通并答复。",
    "return": "已退回人大工作机构重新交办。", "contact": "沟通情况已记录。", "opinion": "协办意见已送主办单位。",
    "extend": "答复期限已延长。", "reply": "已答复，已通知代表评价。", "evaluate": "评价已提交，谢谢。",
    "close": "已办结。", "merge": "已并案办理，并入的建议将随本件一并交办。", "remind": "已催办，已通知承办单位。",
}


@action("suggestions:detail", "pk")
@page(*READERS)
def act(request: HttpRequest, pk: int, event: str) -> HttpResponse:
    if event not in ACTION_FORMS:
        raise NotFound()
    user: Any = request.user
    s = selectors.access_suggestion_by_id(user=user, suggestion_id=pk)
    form = action_form(event, s, request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else str(error))
        if event in page_actions(user, s):  # the page again with what was typed, not a blank form
            return render(request, "suggestions/detail.html", detail_context(user, s, bound=form, sent=event),
                          status=422)
        return redirect("suggestions:detail", pk=pk)
    try:
        # the form's fields are the service's arguments (services.EVENT_SERVICES)
        services.EVENT_SERVICES[event](actor=user, suggestion=s, **form.cleaned_data)
    except NotFound:
        raise
    except DomainError as exc:
        details = [m for msgs in exc.fields.values() for m in msgs if m != exc.message]
        messages.error(request, "；".join([f"{workflow.EVENT_LABELS[event]}未完成：{exc.message}", *details]))
        return _refused(request, pk, event, form)
    messages.success(request, DONE[event])
    if not selectors.visible(user=user).filter(pk=pk).exists():  # e.g. a unit that returned a misrouted item
        return redirect("suggestions:list")
    return redirect("suggestions:detail", pk=pk)


def _refused(request: HttpRequest, pk: int, event: str, form: Any) -> HttpResponse:
    """The page as it now stands (another's change may have made the form stale), with what was typed: the event's
    form again as typed, on the current version, when it may still be taken; otherwise the text fields' contents
    to copy. A refused form is never merged, and nothing typed is lost."""
    user: Any = request.user
    s = selectors.access_suggestion_by_id(user=user, suggestion_id=pk)
    typed = [(field.label, value) for name, field in form.fields.items()
             if isinstance(field, forms.CharField) and (value := str(form.cleaned_data.get(name) or "").strip())]
    if event in page_actions(user, s):
        data = request.POST.copy()
        data["version"] = str(s.version)
        context = detail_context(user, s, bound=action_form(event, s, data, request.FILES), sent=event)
    elif typed:
        context = {**detail_context(user, s), "typed_lost": typed}
    else:
        return redirect("suggestions:detail", pk=pk)
    return render(request, "suggestions/detail.html", context, status=422)
