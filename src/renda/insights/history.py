"""The congress's own history, read from the suggestions and liaison apps: labels for learning, past cases for
"similar cases".

Labels: every submitted suggestion whose category (or lead unit) is set is a label — the deputy or clerk set it and
the clerks correct it on review, so the latest value is what is learnt. Drafts are left out (nobody has checked them
yet). An opinion's category is a label once a staff member chose or confirmed it (`category_checked`: registered by
staff, or 受理): anyone may pick a category on the portal, and until a clerk accepts the opinion nobody has checked
it — an opinion refused (不予受理) from the portal never is. Its handling unit is always a clerk's (转办). Every
past case imported from the congress's ledgers (insights.archive) is a label too.

Past cases are read through the apps' own selectors (`suggestions.selectors.visible`,
`liaison.selectors.opinions_visible`), so the scope rules are theirs: a township clerk never sees another
township's opinions or suggestions, a deputy sees the suggestions they lead or co-signed. Imported past cases
(archive) are seen by staff whose region holds the congress's (`archive.visible_to`). Replies published on the
portal (`suggestions.selectors.published_in_region`: checked, personal data removed, readable by anyone) are past
cases for deputies and units, who do not see the suggestions themselves; staff see the suggestions.

Cutting text into words is the slow part of building a similarity index, so each process keeps the prepared words of
every case it has seen (keyed by source, id, version and time of the last write: an edited case is prepared again)
and the last indexes it built, keyed by a fingerprint of what went into them that the database computes (count, sum
of ids, sum of versions, latest write of each source's cases in scope; imported cases are never edited, so count,
sum and largest id): any case added, removed, moved out of scope or saved changes it. A call then costs three
one-row queries instead of reading the stamps of up to 9,000 cases (about 30 ms of a 40 ms call at 3,000 + 3,000).
Two different scopes would have to agree on every figure of every source to share an index, and even then
similar_in_scope shows only cases the caller may see: the matches are checked against the caller's scope.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum

from renda.insights import sources
from renda.insights import text as textlib
from renda.insights.flight import KeyedLocks
from renda.insights.models import ArchivedCase
from renda.insights.similar import MAX_CHARS, Case, SimilarIndex  # MAX_CHARS: the index's, and the search's
from renda.organizations.models import Congress, Region

HISTORY_LIMIT = 3000  # the most recent cases of each source a similarity index holds

# --- labels -------------------------------------------------------------------------------------------------------


def category_labels(congress: Congress) -> Iterable[tuple[str, str]]:
    from renda.liaison.models import Opinion
    from renda.suggestions.models import Suggestion

    # a suggestion's category once a clerk confirmed or corrected it: at 立案, or when a bill was turned into one
    # (accepted_on). The deputy's own choice on one withdrawn or returned before that is nobody's check.
    for title, content, category in (Suggestion.objects.filter(congress=congress, accepted_on__isnull=False)
                                     .exclude(category="").values_list("title", "content", "category")):
        yield f"{title} {content}", category
    yield from Opinion.objects.filter(congress=congress, category_checked=True).exclude(category="").values_list(
        "content", "category")
    for title, content, category in (ArchivedCase.objects.filter(congress=congress).exclude(category="")
                                     .values_list("title", "content", "category")):
        yield f"{title} {content}".strip(), category


def unit_labels(congress: Congress) -> Iterable[tuple[str, str]]:
    from renda.liaison.models import Opinion
    from renda.suggestions.models import Status, Suggestion

    for title, content, unit_id in (Suggestion.objects.filter(congress=congress, lead_unit__isnull=False)
                                    .exclude(status=Status.DRAFT).values_list("title", "content", "lead_unit_id")):
        yield f"{title} {content}", str(unit_id)
    for content, unit_id in Opinion.objects.filter(congress=congress, unit__isnull=False).values_list(
            "content", "unit_id"):
        yield content, str(unit_id)
    for title, content, unit_id in (ArchivedCase.objects.filter(congress=congress, unit__isnull=False)
                                    .values_list("title", "content", "unit_id")):
        yield f"{title} {content}".strip(), str(unit_id)


def register_sources() -> None:
    sources.register("category", category_labels)
    sources.register("unit", unit_labels)


# --- past cases ---------------------------------------------------------------------------------------------------

_prepared: OrderedDict[tuple[Any, ...], tuple[list[str], str]] = OrderedDict()
_indexes: OrderedDict[tuple[Any, ...], SimilarIndex] = OrderedDict()
_lock = threading.Lock()
_building = KeyedLocks()  # one build of a scope's index at a time; requests that come meanwhile wait for it
PREPARED_LIMIT = 50_000
# what tells a case's state: its version, and the time of its last write — SQLite hands out the id of a deleted
# (or rolled back) last row again, with version 1, so id and version alone could name a case that no longer exists
STAMP = ("version", "updated_at")
INDEX_LIMIT = 16
# (user, congress) → (time.monotonic() of the last fingerprint check, the key it found): scoped_index's recheck_after
_checked: OrderedDict[tuple[Any, ...], tuple[float, tuple[Any, ...]]] = OrderedDict()
CHECKED_LIMIT = 1_000


def stamp(case: Any) -> tuple[Any, ...]:
    """A case's state as the keys of `prepare` name it (STAMP), read from the object."""
    return tuple(getattr(case, name) for name in STAMP)


def prepare(key: tuple[Any, ...], text: str) -> tuple[list[str], str]:
    """The text's words and compact form for a similarity index (textlib.words_and_compact), kept per process under
    `key`, which must change when the text does (e.g. source, id, version and time of the last write)."""
    with _lock:
        hit = _prepared.get(key)
    if hit is not None:
        return hit
    doc = textlib.words_and_compact(text, max_chars=MAX_CHARS)
    with _lock:
        _prepared[key] = doc
        while len(_prepared) > PREPARED_LIMIT:
            _prepared.popitem(last=False)
    return doc


def _suggestions_in_scope(user: Any, congress: Congress) -> Any:
    from renda.suggestions import selectors

    return selectors.visible(user=user).filter(selectors.in_region(congress.region.path))


def _opinions_in_scope(user: Any, congress: Congress) -> Any:
    from renda.liaison import selectors

    return selectors.opinions_visible(user=user).filter(region__path__startswith=congress.region.path)


def _archive_in_scope(user: Any, congress: Congress) -> Any:
    from renda.insights import archive

    cases = ArchivedCase.objects.filter(congress=congress)
    return cases if archive.visible_to(user=user, congress=congress) else cases.none()


def _published_in_scope(user: Any, congress: Congress) -> Any:
    """Replies published on the portal, for those who do not see the suggestions themselves (deputies and units):
    what anyone may read, less the suggestions the user sees anyway."""
    from renda.core.roles import STAFF_ROLES
    from renda.suggestions import selectors

    published = selectors.published_in_region(congress.region.path)
    if getattr(user, "role", None) in STAFF_ROLES:
        return published.none()
    return published.exclude(reply__suggestion__in=selectors.visible(user=user))


# each source of past cases: the cases of the congress the user may see, and what changes when one of them changes
# besides its id (a fingerprint field): the sum of versions and the latest write; an imported case is never edited
# (an import is deleted whole); a published reply is edited only while unpublished
SCOPES = {"suggestion": _suggestions_in_scope, "opinion": _opinions_in_scope, "archive": _archive_in_scope,
          "published": _published_in_scope}
_CHANGES: dict[str, tuple[str | None, str]] = {
    "suggestion": ("version", "updated_at"), "opinion": ("version", "updated_at"), "archive": (None, "id"),
    "published": (None, "published_at")}


def _recent(user: Any, congress: Congress, source: str) -> Any:
    """The most recent cases of the source in the user's scope, as many as an index holds."""
    return SCOPES[source](user, congress).order_by("-id")[:HISTORY_LIMIT]


def _texts(user: Any, congress: Congress) -> list[tuple[str, int, tuple[Any, ...], str, str]]:
    from renda.suggestions.models import Reply

    latest = Reply.objects.filter(suggestion=OuterRef("pk")).order_by("-round").values("text")[:1]
    rows: list[tuple[str, int, tuple[Any, ...], str, str]] = [
        ("suggestion", pk, (version, at), f"{title} {content}", reply or "")
            for pk, version, at, title, content, reply in _recent(user, congress, "suggestion").annotate(
                reply=Subquery(latest)).values_list("id", *STAMP, "title", "content", "reply")]
    rows += [("opinion", pk, (version, at), content, reply or "") for pk, version, at, content, reply
             in _recent(user, congress, "opinion").values_list("id", *STAMP, "content", "reply_text")]
    rows += [("archive", pk, (), f"{title} {content}".strip(), reply) for pk, title, content, reply
             in _recent(user, congress, "archive").values_list("id", "title", "content", "reply")]
    rows += [("published", pk, (at,), public_subject(title), text) for pk, at, title, text
             in _recent(user, congress, "published").values_list("id", "published_at", "title", "text")]
    return rows


def public_subject(title: str) -> str:
    """What a published reply is about: its title without the wrapper the platform writes round the suggestion's
    title (关于《…》的答复), which every published reply shares and which would make them all alike."""
    m = re.fullmatch(r"\s*关于《(.+)》的答复\s*", title)
    return m.group(1) if m else title


def case_id(source: str, pk: int) -> str:
    """The id of a past case in a scoped index: its source ("suggestion", "opinion", "archive" or "published") and
    primary key."""
    return f"{source}:{pk}"


def case_of(case: str | int) -> tuple[str, int]:
    """(source, primary key) of a case id made by case_id."""
    source, _, pk = str(case).partition(":")
    return source, int(pk)


def _fingerprint(cases: Any, source: str) -> tuple[Any, ...]:
    """What tells one state of a scope's cases of the source from another, computed by the database in one row."""
    versions, last = _CHANGES[source]
    fields = {"n": Count("id"), "ids": Sum("id"), "last": Max(last)}
    if versions:
        fields["versions"] = Sum(versions)
    agg = cases.aggregate(**fields)
    return tuple(agg[name] for name in sorted(agg))


# what the index keeps of each case to tell its state (the stamps of _texts): a row's version and last write, a
# published reply's time of publication (republished after an edit, it is published again); an imported case never
# changes
_STAMP_FIELDS: dict[str, tuple[str, ...]] = {"suggestion": STAMP, "opinion": STAMP, "archive": (),
                                             "published": ("published_at",)}


def current_stamps(*, user: Any, congress: Congress, cases: Iterable[str]) -> dict[str, tuple[Any, ...]]:
    """The case ids (case_id) among `cases` that are in the user's scope now, each with its stamp as it is now (one
    query per source among them): what an index keeps in `stamps` for the case when it was read."""
    by_source: dict[str, list[int]] = {source: [] for source in SCOPES}
    for case in cases:
        source, pk = case_of(case)
        by_source[source].append(pk)
    found: dict[str, tuple[Any, ...]] = {}
    for source, scope in SCOPES.items():
        if by_source[source]:
            for pk, *stamp in scope(user, congress).filter(pk__in=by_source[source]).values_list(
                    "id", *_STAMP_FIELDS[source]):
                found[case_id(source, pk)] = tuple(stamp)
    return found


def scoped_index(*, user: Any, congress: Congress, recheck_after: float = 0.0) -> SimilarIndex:
    """A similarity index of the past suggestions, opinions, imported past cases and published replies this user may
    see, of the congress's region and below. One one-row query per source (its fingerprint; none for a source the
    user has no part of) decides whether the index built last time still holds; the texts are read only when it
    does not. `recheck_after` (seconds; the typing assistant's, settings.INSIGHTS_ASSIST_RECHECK_SECONDS): the
    index this user got from this process less than that long ago is given again without the fingerprint queries
    (about 11 ms of a 37 ms call on SQLite, 2026-11-25): the cases of a scope do not change between two keystrokes,
    and a case added meanwhile shows from the next check on. Such an index may hold a case as it was before an edit:
    its caller compares the `stamps` of the cases it shows with current_stamps (services.similar_in_scope)."""
    user_pk = getattr(user, "pk", None)
    scope_key = (user_pk, congress.pk)
    if recheck_after > 0 and user_pk is not None:
        with _lock:
            checked = _checked.get(scope_key)
            index = _cached(checked[1]) if checked and _now() - checked[0] < recheck_after else None
        if index is not None:
            return index
    started = _now()
    key = (congress.pk, *(_fingerprint(_recent(user, congress, source), source) for source in SCOPES))
    with _lock:
        index = _cached(key)
        _remember_check(scope_key, key, started)
    if index is not None:
        return index
    with _building.hold(key):  # requests of the scope that come while it is built wait for it (flight.py)
        with _lock:
            index = _cached(key)
        if index is not None:
            return index
        rows = _texts(user, congress)
        cases = [Case(id=case_id(src, pk), text=text, reply=reply) for src, pk, _, text, reply in rows]
        docs = [prepare((src, pk, stamp), text) for src, pk, stamp, text, _ in rows]
        index = SimilarIndex(cases, prepared=docs, places=region_names(congress.region))
        index.stamps = {case_id(src, pk): tuple(stamp) for src, pk, stamp, _, _ in rows}
        with _lock:
            _indexes[key] = index
            while len(_indexes) > INDEX_LIMIT:
                _indexes.popitem(last=False)
    return index


def region_names(region: Region) -> list[str]:
    """The names of a region (a congress's), the regions above it and those below it: place names, not subjects."""
    return list(Region.objects.filter(Q(path__startswith=region.path) | Q(pk__in=region.ancestor_ids()))
                .values_list("name", flat=True))


def _now() -> float:
    return time.monotonic()


def _remember_check(scope_key: tuple[Any, ...], key: tuple[Any, ...], started: float) -> None:
    """That the user's scope was found to be the index of `key` by a check begun at `started` (call with _lock
    held); a check begun earlier that ends later does not replace a newer one's."""
    if scope_key[0] is None or (scope_key in _checked and _checked[scope_key][0] > started):
        return
    _checked[scope_key] = (started, key)
    _checked.move_to_end(scope_key)
    while len(_checked) > CHECKED_LIMIT:
        _checked.popitem(last=False)


def _cached(key: tuple[Any, ...]) -> SimilarIndex | None:
    """The index of this key if it was built, made the most recently used (call with _lock held)."""
    index = _indexes.get(key)
    if index is not None:
        _indexes.move_to_end(key)
    return index


def clear_caches() -> None:
    with _lock:
        _prepared.clear()
        _indexes.clear()
        _checked.clear()
