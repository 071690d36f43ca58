"""Where the labelled history comes from: the apps that own opinions and suggestions register a source.

A source is a function (congress) → iterable of (text, label): every item whose category (or handling unit) a
clerk set or corrected is a label. The suggestions and liaison apps register theirs in their AppConfig.ready:

    from renda.insights import sources
    sources.register("category", lambda congress: Suggestion.objects.filter(...).values_list("content", "category"))

Kinds: "category" (label: the category's name) and "unit" (label: the handling unit's id as text).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

KINDS = ("category", "unit")

LabelSource = Callable[[Any], Iterable[tuple[str, str]]]
_SOURCES: dict[str, list[LabelSource]] = defaultdict(list)


def register(kind: str, source: LabelSource) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind}")
    if source not in _SOURCES[kind]:
        _SOURCES[kind].append(source)


def unregister(kind: str, source: LabelSource) -> None:
    if source in _SOURCES[kind]:
        _SOURCES[kind].remove(source)


def has_sources(kind: str) -> bool:
    return bool(_SOURCES[kind])


def labelled_items(congress: Any, kind: str) -> list[tuple[str, str]]:
    """Every labelled item of the congress for this kind, from all registered sources."""
    items = []
    for source in _SOURCES[kind]:
        for text, label in source(congress):
            if text and label:
                items.append((str(text), str(label)))
    return items
