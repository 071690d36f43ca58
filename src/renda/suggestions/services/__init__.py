"""Every write to suggestions: one service per event of workflow.py, keyword-only, atomic, audited."""

from renda.suggestions.services._base import today
from renda.suggestions.services.drafting import (
    signer_count,
    suggestion_cosign,
    suggestion_create,
    suggestion_revise,
    suggestion_submit,
    suggestion_update_draft,
    suggestion_withdraw,
)
from renda.suggestions.services.evaluation import suggestion_close, suggestion_evaluate
from renda.suggestions.services.handling import (
    suggestion_accept,
    suggestion_contact,
    suggestion_extend,
    suggestion_opinion,
    suggestion_reply,
    suggestion_return,
)
from renda.suggestions.services.review import bill_decide, suggestion_assign, suggestion_merge, suggestion_review

__all__ = [
    "bill_decide", "signer_count", "suggestion_accept", "suggestion_assign", "suggestion_close",
    "suggestion_contact", "suggestion_cosign", "suggestion_create", "suggestion_evaluate", "suggestion_extend",
    "suggestion_merge", "suggestion_opinion", "suggestion_reply", "suggestion_return", "suggestion_review",
    "suggestion_revise", "suggestion_submit", "suggestion_update_draft", "suggestion_withdraw", "today",
]
