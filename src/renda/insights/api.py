"""/api/v1/insights — the text engine for other clients: what it proposes for a text (category, handling unit,
similar past cases of the caller's scope), the import of past cases from a congress's ledger (往年案例), and the
status of a congress's models (智能辅助)."""


from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from renda.api.schemas import ERRORS
from renda.core.access import endpoint
from renda.core.errors import Invalid, NotFound
from renda.core.roles import Role
from renda.insights import archive, assistant, monthly, services
from renda.insights.classifier import Suggestion
from renda.insights.models import ArchiveImport, ArchiveKind
from renda.organizations import selectors as org_selectors

router = Router(tags=["insights"])
STAFF = assistant.STAFF


class ProposeIn(Schema):
    congress: int
    text: str
    exclude_suggestion: int | None = None  # the suggestion being edited: not its own similar case


class ProposalOut(Schema):
    label: str | None  # None: uncertain (below the congress's confidence threshold)
    best: str
    confidence: float
    terms: list[str]
    unit_name: str = ""  # for a unit proposal, the unit's name (label and best are unit ids)


class SameTextOut(Schema):
    source: str
    id: int
    status: str = ""


class SimilarOut(Schema):
    source: str  # suggestion, opinion, archive (an imported past case) or published (a reply on the portal)
    id: int
    score: float
    near_duplicate: bool
    text: str
    reply: str
    year: int | None = None  # for archive: the year of the past case
    kind: str = ""  # for archive: suggestion or opinion
    status: str = ""  # for suggestion and opinion: its status (as in their own APIs)
    same: list[SameTextOut] = []  # further cases of the same text (sent again word for word), as the form lists them


class ProposeOut(Schema):
    category: ProposalOut | None
    unit: ProposalOut | None
    similar: list[SimilarOut]
    no_history: bool  # neither model exists yet: the congress has too little labelled history


def _proposal(s: Suggestion | None, unit_name: str = "") -> ProposalOut | None:
    if s is None:
        return None
    return ProposalOut(label=s.label, best=s.best, confidence=round(s.confidence, 4), terms=list(s.terms),
                       unit_name=unit_name)


@router.post("/insights/propose", response={200: ProposeOut, **ERRORS},
             summary="What the engine proposes for a text",
             description="The category and handling unit the congress's models propose, with confidence and the "
                         "words behind them (`label` null: uncertain), and the most similar past suggestions, "
                         "opinions and imported past cases the caller may see, with their replies, as the form's "
                         "panel shows them: the same text sent several times is one case, its copies in `same`, "
                         "at most five cases. A deputy asks about a congress they sit in this term, staff about "
                         "one of their region or below it, or the one governing their region (a street's county); "
                         "any other congress is 404. A text under 8 characters gets nothing.")
@endpoint(Role.DEPUTY, *STAFF)
def propose(request: HttpRequest, body: ProposeIn) -> ProposeOut:
    user: Any = request.user
    congress = assistant.access_congress(user=user, congress_id=body.congress)
    text = body.text.strip()
    if len(text) < assistant.MIN_CHARS:
        return ProposeOut(category=None, unit=None, similar=[], no_history=False)
    answer = assistant.propose_as_shown(user=user, congress=congress, text=text,
                                        exclude_suggestion=body.exclude_suggestion)
    similar = [SimilarOut(source=c.source, id=c.pk, score=round(c.match.score, 4),
                          near_duplicate=c.match.near_duplicate, text=c.match.text, reply=c.match.reply,
                          year=c.archived.year if c.archived else None, kind=c.archived.kind if c.archived else "",
                          status=c.item.status if c.item else "",
                          same=[SameTextOut(source=d.source, id=d.pk, status=d.item.status if d.item else "")
                                for d in c.same])
               for c in answer.similar]
    return ProposeOut(category=_proposal(answer.category), unit=_proposal(answer.unit, answer.unit_name),
                      similar=similar, no_history=answer.no_history)


class ArchiveImportOut(Schema):
    id: int
    congress: int
    congress_name: str
    kind: str
    file_name: str
    rows: int
    skipped: int
    imported_by: str
    imported_at: datetime


def _import_out(b: ArchiveImport) -> ArchiveImportOut:
    return ArchiveImportOut(id=b.pk, congress=b.congress_id, congress_name=b.congress.name, kind=b.kind,
                            file_name=b.file_name, rows=b.rows, skipped=b.skipped,
                            imported_by=b.imported_by.username if b.imported_by else "", imported_at=b.imported_at)


class RowErrorOut(Schema):
    line: int
    reason: str


class OtherNameOut(Schema):
    name: str  # as the file writes it
    unit: str  # the unit's current name
    rows: int


class ArchiveResultOut(Schema):
    imported: int
    rows: int
    years: dict[int, int]
    errors: list[RowErrorOut]
    other_names: list[OtherNameOut]  # units the file names by a former name or short name (曾用名、简称)
    batch: ArchiveImportOut | None


@router.get("/insights/archive", response={200: list[ArchiveImportOut], **ERRORS},
            summary="Imports of past cases (往年案例) the caller may manage")
@endpoint(*STAFF)
def archive_list(request: HttpRequest) -> list[ArchiveImportOut]:
    return [_import_out(b) for b in archive.imports_visible(user=request.user)[:200]]


@router.post("/insights/archive", response={200: ArchiveResultOut, **ERRORS},
             summary="Import a ledger of past suggestions or opinions (.xlsx or CSV)",
             description="Multipart `file`; `?congress=` (required), `kind` (`suggestion` or `opinion`), `year` (for "
                         "rows without a 年度 or date column), `all_or_nothing` (import nothing if any row is bad). "
                         "Bad rows come back as `errors: [{line, reason}]` with the good ones imported (`imported`), "
                         "units the file names by a 曾用名 or 简称 as `other_names`, "
                         "or none with `all_or_nothing`. 404 for a congress outside the caller's region; 403 for one "
                         "whose settings the caller may not change; 422 for a file that cannot be used at all "
                         "(empty, unreadable, no usable columns, too large).")
@endpoint(*STAFF)
def archive_import(request: HttpRequest, file: File[UploadedFile], congress: int,
                   kind: str = ArchiveKind.SUGGESTION, year: int | None = None,
                   all_or_nothing: bool = False) -> ArchiveResultOut:
    target = org_selectors.access_congress_by_id(user=request.user, congress_id=congress)
    archive.refuse_large(file.size)
    result = archive.archive_import(actor=request.user, congress=target, kind=kind, data=file.read(),
                                    file_name=file.name or "", default_year=year, all_or_nothing=all_or_nothing)
    return ArchiveResultOut(imported=result.imported, rows=result.rows, years=result.years,
                            errors=[RowErrorOut(line=e.line, reason=e.reason) for e in result.errors],
                            other_names=[OtherNameOut(name=name, unit=unit, rows=n)
                                         for name, (unit, n) in result.other_names.items()],
                            batch=_import_out(result.batch) if result.batch else None)


class DeletedOut(Schema):
    deleted: int


@router.delete("/insights/archive/{batch_id}", response={200: DeletedOut, **ERRORS},
               summary="Delete one import of past cases with its cases")
@endpoint(*STAFF)
def archive_remove(request: HttpRequest, batch_id: int) -> DeletedOut:
    batch = archive.imports_visible(user=request.user).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound()
    return DeletedOut(deleted=archive.archive_delete(actor=request.user, batch=batch))


class ReplyCheckIn(Schema):
    text: str
    suggestion: int | None = None  # the suggestion answered, or
    opinion: int | None = None  # the constituent's opinion answered
    result_class: str = ""  # a suggestion's 办理结果 chosen (A–D): checked against what the reply says


class CheckOut(Schema):
    code: str  # relevance | completeness | interpretability | on_time | result_class
    ok: bool
    advice: str  # Chinese, empty when ok


class ReplyCheckOut(Schema):
    ok: bool
    checks: list[CheckOut]


@router.post("/insights/reply-check", response={200: ReplyCheckOut, **ERRORS},
             summary="Check a draft reply before it is sent",
             description="Give `text` and one of `suggestion` or `opinion` (an item the caller may see; else 404). "
                         "The four checks of the reply advice: does it address the question (relevance), say what "
                         "will be done, by whom and by when (completeness), give reasons when it declines "
                         "(interpretability), and is it on time against the item's deadline (on_time); for a "
                         "suggestion given with its `result_class` (A–D), does the reply say what that class says "
                         "(result_class: A with a reply that declines, D with one that says it is done). Advice "
                         "only: nothing is blocked.")
@endpoint(Role.UNIT_USER, *STAFF)
def reply_check(request: HttpRequest, body: ReplyCheckIn) -> ReplyCheckOut:
    if (body.suggestion is None) == (body.opinion is None):
        raise Invalid("请给出所答复的代表建议或群众意见（二者之一）", fields={"suggestion": ["二者给一个"]})
    if not body.text.strip():
        raise Invalid("答复内容是空的", fields={"text": ["请填写答复内容"]})
    if body.suggestion is not None:
        from renda.suggestions import selectors as suggestion_selectors

        question = assistant.suggestion_question(suggestion_selectors.access_suggestion_by_id(
            user=request.user, suggestion_id=body.suggestion))
    else:
        from renda.liaison import selectors as liaison_selectors

        assert body.opinion is not None
        question = assistant.opinion_question(liaison_selectors.access_opinion_by_id(
            user=request.user, opinion_id=body.opinion))
    review = assistant.check_draft(body.text, **question,
                                   result_class=body.result_class if body.suggestion is not None else "")
    return ReplyCheckOut(ok=review.ok, checks=[CheckOut(code=c.code, ok=c.ok, advice=c.advice)
                                               for c in review.checks])


class ClassStatusOut(Schema):
    name: str  # the category, or the unit's name
    items: int
    f1: float | None  # on items the model had not seen (3-fold cross-validation while training)


class MistakeOut(Schema):
    label: str  # what the clerks chose
    answer: str  # what the model answered
    items: int


class ModelStatusOut(Schema):
    kind: str  # category or unit
    active: bool  # False: too little labelled history, no proposal
    labelled: int  # items learnt from, or, without a model, labelled so far
    min_history: int
    min_per_class: int
    threshold: int  # % below which a proposal says "uncertain"
    trained_at: datetime | None
    accuracy: float | None
    macro_f1: float | None
    proposed: float | None  # at the threshold: the share of items that get a proposal
    right: float | None  # … and the share of those that match the clerks' choice
    classes: list[ClassStatusOut]
    left_out: dict[str, int]  # classes with fewer than min_per_class items: never proposed yet
    confused: list[MistakeOut]  # its most frequent mistakes on items it had not seen, most first


@router.get("/insights/models", response={200: list[ModelStatusOut], **ERRORS},
            summary="The status of a congress's category and unit models (智能辅助)",
            description="`?congress=` (required). Whether each model is trained, from how many labelled items, how "
                        "well it does on items it has not seen, which classes it leaves out; without a model, how "
                        "many items are labelled against the minimum. 404 for a congress outside the caller's region.")
@endpoint(*STAFF)
def model_status(request: HttpRequest, congress: int) -> list[ModelStatusOut]:
    target = org_selectors.access_congress_by_id(user=request.user, congress_id=congress)
    return [ModelStatusOut(kind=m.kind, active=m.active, labelled=m.labelled, min_history=m.min_history,
                           min_per_class=m.min_per_class, threshold=m.threshold, trained_at=m.trained_at,
                           accuracy=m.accuracy, macro_f1=m.macro_f1, proposed=m.proposed, right=m.right,
                           classes=[ClassStatusOut(name=c.name, items=c.items, f1=c.f1) for c in m.classes],
                           left_out=dict(m.left_out),
                           confused=[MistakeOut(label=t, answer=a, items=n) for t, a, n in m.confused])
            for m in services.model_status(target)]


class LikelySuggestionOut(Schema):
    id: int
    number: str
    title: str
    similarity: float  # 0–1, the similar-case index's


class HotIssueOut(Schema):
    rank: int
    title: str
    heat: float
    people: int  # distinct people (by the phone's keyed hash; else each opinion is one)
    opinions: list[int]  # their ids, as /api/v1/opinions/{id} reads them
    first_at: datetime
    last_at: datetime
    places: list[str]
    keywords: list[str]
    likely_suggestions: list[LikelySuggestionOut]  # those the page offers first to link the opinions to


class TownshipHotOut(Schema):
    township: int
    name: str
    opinions: int  # the township's opinions of the month (not those refused)
    issues: list[HotIssueOut]


class HotMonthOut(Schema):
    month: str
    townships: list[TownshipHotOut]


@router.get("/insights/hot", response={200: HotMonthOut, **ERRORS},
            summary="The month's hot issues per township (热点问题)",
            description="`?month=YYYY-MM` (default this month). Per township the caller sees (the county's staff "
                        "every township, a township's staff their own), the top five groups of opinions about the "
                        "same problem, hottest first, with the heat index of the page 热点问题 (docs/insights.md), "
                        "and the suggestions most like each (to link its opinions to: POST "
                        "/api/v1/opinions/{id}/to_suggestion). 422 for a month that is not YYYY-MM, or is before "
                        "1979-01 or after December of next year.")
@endpoint(*STAFF)
def hot_month(request: HttpRequest, month: str = "") -> HotMonthOut:
    first = monthly.read_month(month) if month else monthly.this_month()
    rows = monthly.hot_month(request.user, first)
    likely = monthly.likely_per_township(request.user, rows, monthly.link_targets(request.user))
    return HotMonthOut(month=f"{first:%Y-%m}", townships=[TownshipHotOut(
        township=r.township.pk, name=r.name, opinions=r.count,
        issues=[HotIssueOut(rank=k, title=i.title, heat=round(i.heat, 2), people=i.people,
                            opinions=[int(m.id) for m in i.messages], first_at=i.first_at, last_at=i.last_at,
                            places=list(i.places), keywords=list(i.keywords),
                            likely_suggestions=[LikelySuggestionOut(id=s.pk, number=s.number, title=s.title,
                                                                    similarity=score) for s, score in near])
                for k, (i, near) in enumerate(zip(r.issues, row_likely, strict=True), start=1)])
        for r, row_likely in zip(rows, likely, strict=True)])
