"""Every write to suggestions: one service per event of workflow.py, keyword-only, atomic, audited."""

from collections.abc import Callable
from typing import Any

from renda.suggestions.models import Suggestion
from renda.suggestions.services._base import today
from renda.suggestions.services.drafting import (
    signer_count,
    suggestion_cosign,
    suggestion_create,
    suggestion_enter_paper,
    suggestion_revise,
    suggestion_submit,
    suggestion_update_draft,
    suggestion_withdraw,
)
from renda.suggestions.services.evaluation import suggestion_close, suggestion_evaluate
from renda.suggestions.services.handling import (
    reply_letter_attach,
    suggestion_accept,
    suggestion_contact,
    suggestion_extend,
    suggestion_opinion,
    suggestion_remind,
    suggestion_reply,
    suggestion_return,
)
from renda.suggestions.services.review import bill_decide, suggestion_assign, suggestion_merge, suggestion_review


def _merge_into(*, actor: Any, suggestion: Suggestion, members: list[Suggestion],
                version: int | None = None) -> Suggestion:
    return suggestion_merge(actor=actor, primary=suggestion, members=members, version=version)


# The service of each event of workflow.py, called alike by the pages and the API as
# EVENT_SERVICES[event](actor=, suggestion=, **the event's fields).
EVENT_SERVICES: dict[str, Callable[..., Suggestion]] = {
    "submit": suggestion_submit, "cosign": suggestion_cosign, "withdraw": suggestion_withdraw,
    "revise": suggestion_revise, "review": suggestion_review, "decide": bill_decide, "assign": suggestion_assign,
    "merge": _merge_into, "accept": suggestion_accept, "return": suggestion_return, "contact": suggestion_contact,
    "opinion": suggestion_opinion, "extend": suggestion_extend, "remind": suggestion_remind,
    "reply": suggestion_reply, "evaluate": suggestion_evaluate, "close": suggestion_close,
}

__all__ = [
    "EVENT_SERVICES",
    "bill_decide",
    "reply_letter_attach",
    "signer_count",
    "suggestion_accept",
    "suggestion_assign",
    "suggestion_close",
    "suggestion_contact",
    "suggestion_cosign",
    "suggestion_create",
    "suggestion_enter_paper",
    "suggestion_evaluate",
    "suggestion_extend",
    "suggestion_merge",
    "suggestion_opinion",
    "suggestion_remind",
    "suggestion_reply",
    "suggestion_return",
    "suggestion_review",
    "suggestion_revise",
    "suggestion_submit",
    "suggestion_update_draft",
    "suggestion_withdraw",
    "today",
]
