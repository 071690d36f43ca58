"""One page endpoint per workflow event: parse the form, call the event's service, say what happened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from renda.core.access import page
from renda.core.errors import DomainError, NotFound
from renda.suggestions import selectors, services, workflow
from renda.suggestions.forms import ACTION_FORMS
from renda.suggestions.models import Suggestion
from renda.suggestions.views.pages import READERS

Call = Callable[[Any, Suggestion, dict[str, Any], Any], Suggestion]

CALLS: dict[str, Call] = {
    "submit": lambda u, s, d, f: services.suggestion_submit(actor=u, suggestion=s, version=d["version"]),
    "cosign": lambda u, s, d, f: services.suggestion_cosign(actor=u, suggestion=s, version=d["version"]),
    "withdraw": lambda u, s, d, f: services.suggestion_withdraw(actor=u, suggestion=s, reason=d["reason"],
                                                                version=d["version"]),
    "revise": lambda u, s, d, f: services.suggestion_revise(actor=u, suggestion=s, version=d["version"]),
    "review": lambda u, s, d, f: services.suggestion_review(actor=u, suggestion=s, decision=d["decision"],
                                                            reason=d["reason"], note=d["note"],
                                                            version=d["version"]),
    "decide": lambda u, s, d, f: services.bill_decide(actor=u, suggestion=s, decision=d["decision"],
                                                      decided_by=d["decided_by"], reason=d["reason"],
                                                      decided_on=d["decided_on"], version=d["version"]),
    "assign": lambda u, s, d, f: services.suggestion_assign(actor=u, suggestion=s, lead_unit=d["lead_unit"],
                                                            co_units=list(d["co_units"]), deadline=d["deadline"],
                                                            deadline_reason=d["deadline_reason"],
                                                            version=d["version"]),
    "accept": lambda u, s, d, f: services.suggestion_accept(actor=u, suggestion=s, version=d["version"]),
    "return": lambda u, s, d, f: services.suggestion_return(actor=u, suggestion=s, reason=d["reason"],
                                                            version=d["version"]),
    "contact": lambda u, s, d, f: services.suggestion_contact(actor=u, suggestion=s, method=d["method"],
                                                              contacted_on=d["contacted_on"], note=d["note"],
                                                              version=d["version"]),
    "opinion": lambda u, s, d, f: services.suggestion_opinion(actor=u, suggestion=s, text=d["text"],
                                                              version=d["version"]),
    "extend": lambda u, s, d, f: services.suggestion_extend(actor=u, suggestion=s, deadline=d["deadline"],
                                                            reason=d["reason"], version=d["version"]),
    "reply": lambda u, s, d, f: services.suggestion_reply(actor=u, suggestion=s, result_class=d["result_class"],
                                                          text=d["text"], letter=f.get("letter"),
                                                          version=d["version"]),
    "evaluate": lambda u, s, d, f: services.suggestion_evaluate(actor=u, suggestion=s,
                                                                satisfaction=d["satisfaction"],
                                                                comment=d["comment"], version=d["version"]),
    "close": lambda u, s, d, f: services.suggestion_close(actor=u, suggestion=s, note=d["note"],
                                                          version=d["version"]),
}

DONE = {
    "submit": "已提交，请等待审查。", "cosign": "已确认附议。", "withdraw": "已撤回。",
    "revise": "已退回草稿，可修改后重新提交。", "review": "审查结论已记录。", "decide": "议案处理决定已记录。",
    "assign": "已交办，已通知承办单位。", "accept": "已签收，请及时与代表沟通并答复。",
    "return": "已退回人大工作机构重新交办。", "contact": "沟通情况已记录。", "opinion": "协办意见已送主办单位。",
    "extend": "答复期限已延长。", "reply": "已答复，已通知代表评价。", "evaluate": "评价已提交，谢谢。",
    "close": "已办结。",
}


@require_POST
@page(*READERS)
def act(request: HttpRequest, pk: int, event: str) -> HttpResponse:
    if event not in CALLS:
        raise NotFound()
    user: Any = request.user
    s = selectors.access_suggestion_by_id(user=user, suggestion_id=pk)
    form = ACTION_FORMS[event](request.POST, request.FILES, suggestion=s)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else str(error))
        return redirect("suggestions:detail", pk=pk)
    try:
        CALLS[event](user, s, form.cleaned_data, request.FILES)
    except NotFound:
        raise
    except DomainError as exc:
        details = [m for msgs in exc.fields.values() for m in msgs if m != exc.message]
        messages.error(request, "；".join([f"{workflow.EVENT_LABELS[event]}未完成：{exc.message}", *details]))
        return redirect("suggestions:detail", pk=pk)
    messages.success(request, DONE[event])
    if not selectors.visible(user=user).filter(pk=pk).exists():  # e.g. a unit that returned a misrouted item
        return redirect("suggestions:list")
    return redirect("suggestions:detail", pk=pk)
