"""A short cache of the portal's heaviest public reads (a station page with its reception days, the schedule
API, a place page): they are the same for every visitor of a day, and a township's phones all ask at once.

Keys carry the date (the publication window moves at midnight) and a generation that every liaison write bumps
after commit, so a clerk's change shows at once where the cache is shared (Redis, REDIS_URL) and within
TTL seconds in the other processes of a local-memory cache; a settings change shows within TTL seconds.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
TTL = 300  # seconds, plus up to half as much again (see cached())
GENERATION = "liaison:public:generation"


def generation() -> int:
    value = cache.get(GENERATION)
    if value is None:
        cache.add(GENERATION, 1, timeout=None)
        value = cache.get(GENERATION, 1)
    return int(value)


def bump() -> None:
    try:
        cache.incr(GENERATION)
    except ValueError:
        cache.set(GENERATION, 2, timeout=None)


def bump_on_commit() -> None:
    transaction.on_commit(bump)


def cached(parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    key = "liaison:public:" + str(generation()) + ":" + ":".join(str(p) for p in parts)
    hit = cache.get(key)
    if hit is not None:
        return hit
    value = compute()
    # Spread the expiries: keys filled together (a morning's first visits) must not all expire together.
    cache.set(key, value, timeout=TTL + random.randint(0, TTL // 2))
    return value
