"""Opinions turned into a deputy suggestion (several opinions → one suggestion) and the suggestion's answer
reaching every one of their constituents (DOMAIN.md §4: 转为代表建议 → 答复 → 反馈群众)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from renda.core import audit
from renda.core.errors import Invalid
from renda.liaison import workflow
from renda.liaison.models import Opinion, OpinionStatus
from renda.liaison.services.opinions import OPINION_FIELDS, _check_staff, notify
from renda.suggestions.models import Reply, ResultClass, Status, Suggestion

LINKABLE = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.ASSIGNED, Status.HANDLING, Status.REHANDLING,
                      Status.REPLIED, Status.EVALUATED, Status.FOLLOW_UP, Status.CLOSED})


def answering(suggestion: Suggestion) -> Suggestion:
    """The suggestion whose reply answers this one: itself, or the one it was merged into."""
    seen = 0
    while suggestion.merged_into_id is not None and seen < 10:
        suggestion = Suggestion.objects.get(pk=suggestion.merged_into_id)
        seen += 1
    return suggestion


def suggestion_replies(suggestion: Suggestion) -> list[Reply]:
    return list(Reply.objects.filter(suggestion=answering(suggestion)).select_related("unit").order_by("round"))


@transaction.atomic
def opinions_to_suggestion(*, actor: Any, opinions: Sequence[Opinion], suggestion: Suggestion,
                           version: int | None = None) -> list[Opinion]:
    """Link opinions (accepted or reopened) to one deputy suggestion of their congress or one above it. `version`
    checks the first opinion (the one the request was made on)."""
    from renda.core.scope import check_version

    _check_staff(actor)
    if not opinions:
        raise Invalid("请选择群众意见", fields={"opinions": ["至少一条"]})
    if suggestion.status not in LINKABLE:
        raise Invalid("只能并入已提交的代表建议", fields={"suggestion": ["尚未提交或已退回、撤回"]})
    spath = suggestion.congress.region.path
    done = []
    for i, opinion in enumerate(opinions):
        o = Opinion.objects.select_for_update().select_related("region").get(pk=opinion.pk)
        if i == 0:
            check_version(o, version)
        if not o.region.path.startswith(spath):
            raise Invalid(f"意见 {o.tracking_code} 不在该建议所属人大的范围内", fields={"suggestion": ["范围不符"]})
        before = audit.snapshot(o, OPINION_FIELDS)
        o.status = workflow.next_status(o.status, "to_suggestion")
        o.suggestion = suggestion
        o.version += 1
        o.save(update_fields=["status", "suggestion", "version", "updated_at"])
        audit.record(actor=actor, action="opinion.to_suggestion", obj=o, before=before,
                     after={**audit.snapshot(o, OPINION_FIELDS), "suggestion": suggestion.pk})
        done.append(o)
    return done


def reply_text_from(suggestion: Suggestion, reply: Reply) -> str:
    label = ResultClass(reply.result_class).label if reply.result_class in ResultClass.values else ""
    return (f"您的意见已由人大代表整理为代表建议《{suggestion.title}》，交{reply.unit.name}办理。"
            f"办理结果：{label}。答复如下：\n{reply.text}")


def suggestion_answers_reach_opinions(*, now: datetime | None = None) -> int:
    """Every opinion waiting on a suggestion that has been answered gets the answer as its reply, so that its
    constituent sees it by the tracking code and can judge it. Idempotent; run by a periodic job."""
    now = now or timezone.now()
    count = 0
    waiting = Opinion.objects.filter(status=OpinionStatus.TO_SUGGESTION).select_related("suggestion", "responsible")
    for opinion in waiting.iterator(chunk_size=200):
        assert opinion.suggestion is not None
        replies = suggestion_replies(opinion.suggestion)
        if not replies:
            continue
        with transaction.atomic():
            o = Opinion.objects.select_for_update().get(pk=opinion.pk)
            if o.status != OpinionStatus.TO_SUGGESTION:
                continue
            before = audit.snapshot(o, OPINION_FIELDS)
            o.status = workflow.next_status(o.status, "reply")
            o.reply_text = reply_text_from(answering(opinion.suggestion), replies[-1])
            o.replied_at, o.replied_on_the_spot = now, False
            o.version += 1
            o.save(update_fields=["status", "reply_text", "replied_at", "replied_on_the_spot", "version",
                                  "updated_at"])
            audit.record(actor=None, action="opinion.reply_from_suggestion", obj=o, before=before,
                         after={**audit.snapshot(o, OPINION_FIELDS), "suggestion": opinion.suggestion_id,
                                "reply_round": replies[-1].round})
            if o.responsible:
                notify(users=[o.responsible], kind="opinion.suggestion_replied", obj=o,
                       title=f"群众意见 {o.tracking_code} 所并入的代表建议已答复",
                       dedupe_key=f"opinion:{o.pk}:suggestion_replied:{replies[-1].pk}")
            count += 1
    return count
