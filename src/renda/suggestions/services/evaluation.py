"""The deputy's evaluation of a reply, and the clerk's closing (办结)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from renda.core.errors import Invalid
from renda.suggestions.models import Evaluation, Reply, ResultClass, Satisfaction, Status, Suggestion
from renda.suggestions.services._base import (
    begin,
    finish,
    setting,
    signers_of,
    staff_of,
    tell,
    today,
    unit_users,
)
from renda.workdays.calendar import add_months

# Replies whose matter is not solved yet stay under follow-up (跟踪办理) and get a second reply when solved.
FOLLOW_UP_CLASSES = frozenset({ResultClass.B, ResultClass.C})


@transaction.atomic
def suggestion_evaluate(*, actor: Any, suggestion: Suggestion, satisfaction: str, comment: str = "",
                        version: int | None = None) -> Suggestion:
    """满意/基本满意 → evaluated (or follow-up for B/C); 不满意 → re-handling with its own deadline."""
    s, before = begin(actor=actor, suggestion=suggestion, event="evaluate", version=version)
    if satisfaction not in Satisfaction.values:
        raise Invalid("评价须为满意、基本满意或不满意",
                      fields={"satisfaction": ["须为 satisfied、basically_satisfied 或 unsatisfied"]})
    if satisfaction == Satisfaction.UNSATISFIED and not comment.strip():
        raise Invalid("不满意的，请写明意见，以便重新办理", fields={"comment": ["请写明不满意的原因"]})
    reply = Reply.objects.filter(suggestion=s).order_by("-round").first()
    assert reply is not None, "a replied suggestion has a reply"
    Evaluation.objects.create(suggestion=s, reply=reply, deputy_id=actor.person_id, satisfaction=satisfaction,
                              comment=comment.strip())
    s.satisfaction = satisfaction
    label = Satisfaction(satisfaction).label
    lead_users = unit_users([s.lead_unit_id] if s.lead_unit_id else [])
    if satisfaction == Satisfaction.UNSATISFIED:
        months = setting(s, "suggestions.rehandling_months")
        day = today()
        s.deadline, s.deadline_basis, s.deadline_warning = add_months(day, months), f"重新办理{months}个月", ""
        s.escalated_on = None
        tell(lead_users, s, "rehandling", f"代表不满意，请重新办理：{s.title}",
             f"代表意见：{comment.strip()}\n请于 {s.deadline} 前再次答复。")
        tell(staff_of(s), s, "unsatisfied", f"代表对答复不满意：{s.title}", comment.strip())
        to = Status.REHANDLING
    elif reply.result_class in FOLLOW_UP_CLASSES:
        tell(lead_users, s, "follow_up", f"代表评价“{label}”，请跟踪办理：{s.title}",
             "该件为正在解决或列入计划的事项，解决后请再次答复代表。")
        to = Status.FOLLOW_UP
    else:
        tell(lead_users, s, "evaluated", f"代表评价“{label}”：{s.title}", comment.strip())
        to = Status.EVALUATED
    return finish(actor=actor, s=s, event="evaluate", to=to, before=before, note=comment.strip(),
                  extra={"reply_round": reply.round})


@transaction.atomic
def suggestion_close(*, actor: Any, suggestion: Suggestion, note: str = "",
                     version: int | None = None) -> Suggestion:
    s, before = begin(actor=actor, suggestion=suggestion, event="close", version=version)
    s.closed_on = today()
    tell(signers_of(s), s, "closed", f"建议已办结：{s.title}", note)
    return finish(actor=actor, s=s, event="close", to=Status.CLOSED, before=before, note=note)
