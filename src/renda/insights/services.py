"""What the forms and the background job call: suggestions for one text, retraining from the labelled history,
similar cases. Every [setting] is read from the congress here; the engines below take plain values.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from renda.core import audit
from renda.core.masking import mask_text
from renda.insights import sources, store
from renda.insights import terms as termslib
from renda.insights import text as textlib
from renda.insights.classifier import (
    NotEnoughHistory,
    Suggestion,
    TextClassifier,
    TextFeatures,
    train,
    usable_classes,
)
from renda.insights.similar import Case, Match, SimilarIndex
from renda.organizations.models import Congress, HandlingUnit, Region
from renda.organizations.services import congress_categories, congress_setting, unit_serves, units_serving


def confidence_threshold(congress: Congress | None) -> float:
    return congress_setting(congress, "insights.confidence_threshold") / 100


def near_duplicate_threshold(congress: Congress | None) -> float:
    """The similarity (0–1) at which a past case is flagged 疑似重复."""
    return congress_setting(congress, "insights.near_duplicate_threshold") / 100


def taxonomy(congress: Congress | None) -> list[str]:
    return congress_categories(congress)


def category_terms(congress: Congress | None) -> dict[str, list[str]]:
    """The congress's category terms ("类别：细目、…" lines); training keeps those of the categories it learns,
    which are in the taxonomy (classifier.train)."""
    return termslib.parse(congress_setting(congress, "insights.category_terms"))


def unit_terms(congress: Congress) -> dict[str, list[str]]:
    """The duties (主要职责) of the active units that serve the congress, as terms of each unit's label (its id);
    training keeps those of the units its history has enough of (classifier.train)."""
    return {str(u.pk): termslib.split(u.duties) for u in units_serving(congress) if u.active and u.duties}


def units_changed(unit: HandlingUnit, *, left: Region | None = None) -> int:
    """A unit's duties changed: retrain, in the background after the commit, the unit model of every congress it
    serves — and, when it moved away from region `left`, of every congress it served there, whose models still
    know its duties. The number of congresses."""
    from renda.insights.jobs import retrain_congress

    before = HandlingUnit(region=left) if left is not None and left.pk != unit.region_id else None
    served = [c.pk for c in Congress.objects.select_related("region")
              if unit_serves(unit, c) or (before is not None and unit_serves(before, c))]
    for pk in served:
        transaction.on_commit(functools.partial(retrain_congress.enqueue, pk, "unit"))
    return len(served)


def suggest(*, congress: Congress, kind: str, text: str) -> Suggestion | None:
    """The suggested category ("category") or handling unit ("unit") for a new text, with its confidence and the
    words behind it; label None means "uncertain". None when the congress has no model yet (too little history)."""
    if kind not in sources.KINDS:
        raise ValueError(f"unknown kind {kind}")
    model = store.load(congress.pk, kind)
    if model is None or not text or not text.strip():
        return None
    allowed = None
    if kind == "category":
        # the taxonomy (议题分类) may have changed since training (a retraining follows, settings_specs): a category
        # taken out is never named, and the best of those still in it is proposed
        allowed = set(taxonomy(congress))
        if not allowed.intersection(model.classes):
            return None
    return model.suggest(text, threshold=confidence_threshold(congress), allowed=allowed)


def reply_weighing(congress_id: int | None) -> TextFeatures | None:
    """How the congress's category model weighs words (TextFeatures: relatedness, knows), for the reply check's
    relevance; None when the congress has no model yet."""
    model = store.load(congress_id, "category") if congress_id is not None else None
    return model.features if model is not None else None


def unit_proposal(*, congress: Congress, text: str, units: Iterable[HandlingUnit]
                  ) -> tuple[Suggestion, HandlingUnit] | None:
    """The unit model's proposal for the text and its unit, when that unit is one of `units` (those the item may go
    to); None otherwise or without a model. The proposal's label is None when it is uncertain."""
    proposal = suggest(congress=congress, kind="unit", text=text)
    by_id = {str(u.pk): u for u in units}
    if proposal is None or proposal.best not in by_id:
        return None
    return proposal, by_id[proposal.best]


def model_train(*, actor: Any, congress: Congress, kind: str,
                items: Iterable[tuple[str, str]] | None = None) -> TextClassifier:
    """Retrain the congress's model of this kind from its labelled history (from the registered sources unless
    `items` are given). Raises NotEnoughHistory — and removes any older model, so that a congress whose usable
    history fell below the minimum gets no suggestion rather than a stale one.

    Training runs outside any transaction (it takes seconds); the file swap and its audit entry are one short one."""
    if kind not in sources.KINDS:
        raise ValueError(f"unknown kind {kind}")
    with store.training(congress.pk, kind):  # one at a time: the newest history is what is saved last
        return _train_locked(actor=actor, congress=congress, kind=kind, items=items)


RETRAIN_REQUEST_SECONDS = 120


def retrain_request(*, actor: Any, congress: Congress) -> bool:
    """立即重新学习: enqueue the retraining of the congress's two models after the commit, audited
    (`insights.retrain_request`, who asked). A second request for the congress within RETRAIN_REQUEST_SECONDS is
    not enqueued again (False): the first one's jobs learn from the same history, and each click would otherwise
    queue two more trainings of several seconds of CPU."""
    from django.core.cache import cache

    from renda.insights.jobs import retrain_congress

    if not cache.add(f"insights:retrain_requested:{congress.pk}", 1, timeout=RETRAIN_REQUEST_SECONDS):
        return False
    audit.record(actor=actor, action="insights.retrain_request", obj=congress, after={"kinds": list(KIND_TITLES)})
    for kind in KIND_TITLES:
        transaction.on_commit(functools.partial(retrain_congress.enqueue, congress.pk, kind, actor.pk))
    return True


def _train_locked(*, actor: Any, congress: Congress, kind: str, items: Iterable[tuple[str, str]] | None
                  ) -> TextClassifier:
    pairs = _learnable(congress, kind, list(items) if items is not None else sources.labelled_items(congress, kind))
    terms = category_terms(congress) if kind == "category" else unit_terms(congress)
    try:
        model = train([t for t, _ in pairs], [label for _, label in pairs],
                      min_history=congress_setting(congress, "insights.min_history"),
                      min_per_class=congress_setting(congress, "insights.min_per_class"), terms=terms)
    except NotEnoughHistory:
        with transaction.atomic():
            if store.delete(congress.pk, kind):
                audit.record(actor=actor, action="insights.model_remove", obj=congress,
                             after={"kind": kind, "labelled": len(pairs)})
                _tell_staff(congress, kind, on=False)
        raise
    with transaction.atomic():
        was_on = store.model_path(congress.pk, kind).exists()
        store.save(congress.pk, kind, model)
        audit.record(actor=actor, action="insights.model_train", obj=congress,
                     after={"kind": kind, "items": model.n_items, "classes": model.counts,
                            "left_out": model.dropped, "terms": model.learnt_terms, "seconds": model.train_seconds,
                            "accuracy": model.estimate.accuracy if model.estimate else None})
        if not was_on:
            _tell_staff(congress, kind, on=True)
    return model


def _tell_staff(congress: Congress, kind: str, *, on: bool) -> None:
    """The congress's staff learn in their inbox that its proposals of this kind start, or stop (too little
    history left, e.g. after an import was deleted)."""
    from renda.accounts.selectors import congress_staff
    from renda.notifications.services import notify

    staff = congress_staff(congress)
    what = f"{congress.name}的{KIND_TITLES[kind]}建议"
    title, body = ((f"智能辅助已启用：{what}", "录入群众意见、代表建议时，平台开始按本级的历史提出建议。")
                   if on else (f"智能辅助已停用：{what}", "可用于学习的已标注条目不足，暂不提供建议，以免误导。"))
    notify(users=staff, kind=f"insights.model_{'on' if on else 'off'}", title=title, body=body, link="/insights/",
           obj=congress)


KIND_TITLES = {"category": "领域分类", "unit": "主办单位"}
THRESHOLDS_SHOWN = (40, 50, 60, 70, 80, 90)  # confidence thresholds (%) compared on the status page


@dataclass(frozen=True)
class ClassStatus:
    name: str  # a category, or a unit's name
    items: int  # labelled items learnt
    f1: float | None  # on the items it had not seen (classifier.Estimate)


@dataclass(frozen=True)
class ModelStatus:
    """What the status page (智能辅助) says of one model of a congress."""

    kind: str
    title: str
    labelled: int  # items it learnt from, or, without a model, labelled so far
    min_history: int  # insights.min_history [setting]
    min_per_class: int  # insights.min_per_class [setting]
    threshold: int  # insights.confidence_threshold [setting], %
    usable: int = 0  # without a model: labelled items of classes that have min_per_class items
    ready: bool = False  # without a model: the next training will make one
    trained_at: datetime | None = None  # None: no model (too little history), no suggestion
    seconds: float | None = None
    classes: tuple[ClassStatus, ...] = ()
    left_out: tuple[tuple[str, int], ...] = ()  # classes with too few items, never proposed yet
    terms: int = 0
    accuracy: float | None = None
    macro_f1: float | None = None
    # at the threshold: the share of items that get a proposal and the share of those right; and the same at a few
    # other thresholds, to choose the setting by
    proposed: float | None = None
    right: float | None = None
    thresholds: tuple[tuple[int, float, float | None], ...] = ()
    confused: tuple[tuple[str, str, int], ...] = ()  # (the clerks' label, the model's answer, items), names shown

    @property
    def active(self) -> bool:
        return self.trained_at is not None


def _learnable(congress: Congress, kind: str, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The labelled items a model of this kind learns from: for categories, those in the congress's taxonomy."""
    if kind != "category":
        return pairs
    allowed = set(taxonomy(congress))
    return [(t, label) for t, label in pairs if label in allowed]


def model_status(congress: Congress) -> list[ModelStatus]:
    """The congress's two models as the status page shows them: whether it has one, learnt when and from how many
    items of which classes, how well it does on items it has not seen, which classes it leaves out; without one,
    how many items are labelled against the minimum."""
    out = []
    settings = {"min_history": congress_setting(congress, "insights.min_history"),
                "min_per_class": congress_setting(congress, "insights.min_per_class"),
                "threshold": congress_setting(congress, "insights.confidence_threshold")}
    for kind in sources.KINDS:
        base = {"kind": kind, "title": KIND_TITLES[kind], **settings}
        summary = store.summary(congress.pk, kind)
        if summary is None:
            labels = [label for _, label in _learnable(congress, kind, sources.labelled_items(congress, kind))]
            try:
                usable, ready = sum(usable_classes(labels, min_history=base["min_history"],
                                                   min_per_class=base["min_per_class"]).values()), True
            except NotEnoughHistory as exc:
                usable, ready = exc.extra.get("usable", 0), False
            out.append(ModelStatus(labelled=len(labels), usable=usable, ready=ready, **base))
            continue
        counts, left_out, judged = summary["counts"], summary["left_out"], summary["estimate"] or {}
        mentioned = [*counts, *left_out, *(k for t, a, _n in judged.get("confused", []) for k in (t, a))]
        names = ({str(pk): name for pk, name in HandlingUnit.objects.filter(
            pk__in=[int(k) for k in mentioned if k.isdigit()]).values_list("pk", "name")}
            if kind == "unit" else {})
        f1 = judged.get("f1", {})
        confident = {int(t): (shown, right) for t, shown, right in judged.get("confident", [])}
        proposed, right = confident.get(base["threshold"], (None, None))
        out.append(ModelStatus(
            labelled=sum(counts.values()), trained_at=datetime.fromtimestamp(summary["trained_at"], tz=UTC),
            seconds=summary["seconds"], terms=summary["terms"],
            classes=tuple(ClassStatus(names.get(k, k), n, f1.get(k)) for k, n in
                          sorted(counts.items(), key=lambda kv: -kv[1])),
            left_out=tuple((names.get(k, k), n) for k, n in sorted(left_out.items(), key=lambda kv: -kv[1])),
            accuracy=judged.get("accuracy"), macro_f1=judged.get("macro_f1"), proposed=proposed, right=right,
            thresholds=tuple((t, *confident[t]) for t in sorted({*THRESHOLDS_SHOWN, base["threshold"]})
                             if t in confident),
            confused=tuple((names.get(t, t), names.get(a, a), n) for t, a, n in judged.get("confused", [])),
            **base))
    return out


@dataclass(frozen=True)
class PastCase:
    """A past suggestion, opinion or imported past case of the caller's scope similar to a text."""

    source: str  # "suggestion", "opinion", "archive" (imported past case) or "published" (a reply on the portal)
    pk: int
    match: Match
    archived: Any = None  # the ArchivedCase, for an imported past case (its kind and year are shown)
    item: Any = None  # the Suggestion or Opinion, for those (its number or date and its status are shown)
    same: list[PastCase] = field(default_factory=list)  # further cases of the same text (same_text_together)


def similar_in_scope(*, user: Any, congress: Congress, text: str, k: int = 5,
                     exclude: Iterable[tuple[str, int]] = (), recheck_after: float = 0.0,
                     near_duplicates_only: bool = False) -> list[PastCase]:
    """The past suggestions and opinions the user may see (insights.history's scoped index) most similar to the
    text, best first, near duplicates flagged by the congress's threshold (`near_duplicates_only`: no other case);
    `exclude` names (source, pk) pairs; `recheck_after`: see history.scoped_index. Every match is checked against
    the user's scope as it is now."""
    from renda.insights import history

    exclude = list(exclude)
    index = history.scoped_index(user=user, congress=congress, recheck_after=recheck_after)
    threshold = near_duplicate_threshold(congress)
    matches = index.query(text, k=k, near_duplicate_threshold=threshold,
                          exclude={history.case_id(source, pk) for source, pk in exclude},
                          min_score=threshold if near_duplicates_only else 0.0)
    shown = history.current_stamps(user=user, congress=congress, cases=[str(m.id) for m in matches]
                                   ) if matches else {}
    if recheck_after and any(stamp != index.stamps.get(case) for case, stamp in shown.items()):
        # a case edited since the index, given again without its check, was read: never show its old text
        return similar_in_scope(user=user, congress=congress, text=text, k=k, exclude=exclude,
                                near_duplicates_only=near_duplicates_only)
    found = [PastCase(*history.case_of(m.id), match=m) for m in matches if str(m.id) in shown]
    archived = [c.pk for c in found if c.source == "archive"]
    if archived:
        from renda.insights.models import ArchivedCase

        by_pk = ArchivedCase.objects.select_related("unit").in_bulk(archived)
        found = [replace(c, archived=by_pk.get(c.pk)) for c in found]
    return _with_items(found)


def _with_items(found: list[PastCase]) -> list[PastCase]:
    """The suggestions' and opinions' rows (one query each), for their number or date and status; and each case's
    text and reply as a list shows them (core.masking.mask_text): an opinion's writer's name and phone, and
    anything like a phone or ID number in any case, masked."""
    from renda.liaison.models import Opinion
    from renda.suggestions.models import Suggestion

    rows: dict[str, dict[int, Any]] = {}
    for source, model, fields in (("suggestion", Suggestion, ("number", "status", "year")),
                                  ("opinion", Opinion, ("received_at", "status", "congress_id", "content",
                                                        "constituent_name",
                                                        "constituent_phone"))):
        pks = [c.pk for c in found if c.source == source]
        rows[source] = model.objects.only(*fields).in_bulk(pks) if pks else {}
    # an opinion's copies' writers too: a letter signed by several people is one opinion per signer
    Opinion.masked_together(rows["opinion"].values())
    out = []
    for case in found:
        item = rows[case.source].get(case.pk) if case.source in rows else None
        mask = item.masked if case.source == "opinion" and item else mask_text
        match = replace(case.match, text=mask(case.match.text), reply=mask(case.match.reply))
        out.append(replace(case, match=match, item=item) if case.source in rows else replace(case, match=match))
    return out


def same_text_together(cases: Sequence[PastCase], k: int) -> list[PastCase]:
    """Cases of the same text (the same complaint sent again, word for word) as one: the most similar, or the most
    similar that was answered, with the others in its `same`; at most k of them."""
    out: dict[str, PastCase] = {}
    for case in cases:
        key = textlib.bare(case.match.text)  # numbers kept: 3号楼 is not 12号楼
        if key not in out:
            if len(out) < k:
                out[key] = replace(case, same=[])
        elif case.match.reply and not out[key].match.reply:  # shown: a copy that was answered, with its answer
            first = out[key]
            out[key] = replace(case, same=[replace(first, same=[]), *first.same])
        else:
            out[key].same.append(case)
    return list(out.values())


NEAR_DUPLICATES_K = 50  # the near duplicates near_duplicates_among looks through for those one may merge with


def near_duplicates_among(*, user: Any, congress: Congress, text: str, source: str, pk: int,
                          among: Any) -> list[tuple[Any, float]]:
    """The items of `among` (a queryset of the source's items: those one may merge with) that the similar-case
    index finds to be the same as item `pk`'s text (`insights.near_duplicate_threshold` [setting]), most similar
    first, each with its similarity. The index is asked for up to NEAR_DUPLICATES_K near duplicates (and no case
    below the threshold, which would only cost reading and masking it), not the form's five cases:
    closed, merged or imported copies of the same text rank as high as an open one and would take all five places
    (a review of the twentieth session found an open duplicate ranked seventh, and the panel saying none)."""
    matches = [c for c in similar_in_scope(user=user, congress=congress, text=text, exclude=[(source, pk)],
                                           k=NEAR_DUPLICATES_K, near_duplicates_only=True)
               if c.source == source]
    by_pk = among.in_bulk([c.pk for c in matches])
    return [(by_pk[c.pk], c.match.score) for c in matches if c.pk in by_pk]


def similar_cases(*, congress: Congress, text: str, history: Sequence[Case], k: int = 5,
                  exclude: set[str | int] | frozenset[str | int] = frozenset()) -> list[Match]:
    """The past cases most similar to the text, with their replies; near duplicates flagged by the congress's
    threshold. `history` comes from the calling app (its own, already scoped, items)."""
    from renda.insights.history import region_names

    return SimilarIndex(history, places=region_names(congress.region)).query(
        text, k=k, near_duplicate_threshold=near_duplicate_threshold(congress), exclude=exclude)
