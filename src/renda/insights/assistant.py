"""What the text engine answers a form or an API client: the proposals for a text being typed (category, handling
unit, similar past cases of the caller's scope), and the checks of a draft reply. The pages (views.py) and the JSON
API (api.py) both call these; they differ only in how they show the answer."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

import sklearn
from django.conf import settings
from django.utils import timezone

from renda.core.errors import NotFound
from renda.core.roles import Role
from renda.insights import reply_check, services
from renda.insights.classifier import Suggestion
from renda.insights.similar import SIMILAR_MIN
from renda.organizations.models import Congress, HandlingUnit
from renda.organizations.services import unit_serves

STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
MIN_CHARS = 8  # fewer characters say too little to suggest anything
SIMILAR_K = 5
# what of a form's text the assistant reads: the models and the index look at far less (similar.MAX_CHARS, the
# classifier's head), but each normalises the whole text first; a post of millions of characters held a worker for
# seconds (a review of the twentieth session)
READ_CHARS = 20_000


def access_congress(*, user: Any, congress_id: Any) -> Congress:
    """The congress whose model and history a form may ask about: a deputy's congress of a mandate in office (the
    congress the 写建议 form offers); for staff, a congress of their region or below it, or the one that governs
    their region (a street's county: its stations register the county congress's opinions). Anything else is
    "not found" — a township clerk has no business with the city's congress, which no other page shows them."""
    try:
        congress = Congress.objects.select_related("region").get(pk=int(congress_id))
    except (Congress.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None
    role = getattr(user, "role", None)
    if role == Role.DEPUTY:
        from renda.deputies.models import Mandate

        if user.person_id and Mandate.objects.in_office().filter(person_id=user.person_id,
                                                                 congress=congress).exists():
            return congress
        raise NotFound()
    region = getattr(user, "region", None)
    if role in STAFF and region is not None:
        from renda.organizations.selectors import congress_for_region

        if congress.region.path.startswith(region.path):
            return congress
        governing = congress_for_region(region)
        if governing is not None and governing.pk == congress.pk:
            return congress
    raise NotFound()


@dataclass(frozen=True)
class Proposals:
    category: Suggestion | None
    unit: Suggestion | None
    unit_name: str  # the name of the unit proposed (or, when uncertain, the likeliest)
    similar: list[services.PastCase] = field(default_factory=list)
    unit_instead: bool = False  # the model's best unit is no longer in use: `unit` is the likeliest usable one

    @property
    def no_history(self) -> bool:
        """Neither model exists yet: the congress has too little labelled history."""
        return self.category is None and self.unit is None


def propose(*, user: Any, congress: Congress, text: str, exclude_suggestion: int | None = None,
            k: int = SIMILAR_K) -> Proposals:
    """The category and unit the congress's models propose for the text, and its most similar past cases the user
    may see (the suggestion being edited left out).

    Called on every change of a form's text, it runs scikit-learn without its per-call checks of inputs and
    parameters (`config_context`: assume_finite, skip_parameter_validation): the inputs are the platform's own
    sparse features, the models' parameters were checked when they were fitted, and the similar-case index built
    here on a scope's first call fits vectorizers whose parameters are constants of similar.py. The checks took
    about 10 ms of a call's 30 (a profile of the nineteenth session: check_array and the parameter validation
    wrapper)."""
    text = text[:READ_CHARS]
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        category = services.suggest(congress=congress, kind="category", text=text)
        learnt = services.suggest(congress=congress, kind="unit", text=text)
        unit, name = usable_unit(congress, learnt)
        exclude = [("suggestion", exclude_suggestion)] if exclude_suggestion else []
        similar = services.similar_in_scope(user=user, congress=congress, text=text, k=k, exclude=exclude,
                                            recheck_after=settings.INSIGHTS_ASSIST_RECHECK_SECONDS)
    return Proposals(category=category, unit=unit, unit_name=name,
                     similar=[c for c in similar if c.match.score >= SIMILAR_MIN],
                     unit_instead=unit is not None and learnt is not None and unit.best != learnt.best)


def propose_as_shown(*, user: Any, congress: Congress, text: str,
                     exclude_suggestion: int | None = None) -> Proposals:
    """propose() as the form's panel and the API show it: the same text sent several times (a complaint sent
    again word for word) is one case, with its copies in `same`, at most SIMILAR_K of them. Twice as many cases are
    asked for, so that five copies of one complaint leave room for others."""
    answer = propose(user=user, congress=congress, text=text, exclude_suggestion=exclude_suggestion,
                     k=2 * SIMILAR_K)
    return replace(answer, similar=services.same_text_together(answer.similar, SIMILAR_K))


def usable_unit(congress: Congress, proposal: Suggestion | None) -> tuple[Suggestion | None, str]:
    """The unit model's proposal among the units still in use that serve the congress, with the unit's name. The
    model learnt from past assignments: a unit since closed, merged away or moved is never proposed. When its best
    unit is such, the likeliest usable one of its alternatives is shown as a hint (uncertain, without words, which
    were another unit's); None when none is usable."""
    if proposal is None:
        return None, ""
    ids = [int(label) for label, _ in proposal.alternatives if label.isdigit()]
    units = {u.pk: u for u in HandlingUnit.objects.select_related("region").filter(pk__in=ids, active=True)
             if unit_serves(u, congress)}
    usable = [(label, p) for label, p in proposal.alternatives if label.isdigit() and int(label) in units]
    if not usable:
        return None, ""
    label, p = usable[0]
    if label != proposal.best:
        proposal = replace(proposal, label=None, best=label, confidence=p, terms=())
    return proposal, units[int(label)].name


def suggestion_question(s: Any) -> dict[str, Any]:
    """What a reply to the suggestion answers, and when it was asked (assigned) and is due. Its deadline counts only
    while it runs (交办, 办理中, 重新办理: suggestions.selectors.is_overdue): a 跟踪办理 item's second reply comes when
    the matter is solved and is never late."""
    from renda.suggestions.workflow import OPEN_HANDLING

    asked = s.assigned_on or (s.submitted_at.date() if s.submitted_at else timezone.localdate())
    return {"title": s.title, "question": s.content, "asked": asked,
            "deadline": s.deadline if s.status in OPEN_HANDLING else None, "congress_id": s.congress_id}


def opinion_question(o: Any) -> dict[str, Any]:
    """What a reply to the constituent's opinion answers, timed against its 有诉必复 deadline while that runs (an
    opinion turned into a deputy suggestion is answered on the suggestion's clock, never counted late here)."""
    from renda.liaison.workflow import AWAITING_REPLY

    return {"title": "", "question": o.content, "asked": timezone.localdate(o.received_at),
            "deadline": o.deadline if o.status in AWAITING_REPLY else None, "congress_id": o.congress_id}


def check_draft(draft: str, *, title: str, question: str, asked: date, deadline: date | None,
                congress_id: int | None = None, result_class: str = "") -> reply_check.ReplyReview:
    """The checks of a draft reply sent today (with a suggestion's chosen result class, that one too). No deadline
    known: the on-time check passes. Relevance weighs words as the congress's category model does, when the
    congress has one."""
    return reply_check.review(question_title=title, question=question, reply=draft,
                              asked_at=datetime.combine(asked, time()) if deadline else None,
                              replied_at=datetime.combine(timezone.localdate(), time()),
                              deadline_days=(deadline - asked).days if deadline else 0, deadline=deadline,
                              weighing=services.reply_weighing(congress_id), result_class=result_class)
