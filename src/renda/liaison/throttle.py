"""Throttles of the public portal, counted in Django's cache (local memory in one process, Redis when REDIS_URL
is set so every worker shares the count): fixed windows keyed per client address and per phone (its keyed hash,
never the number itself)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.core.cache import cache
from django.utils import timezone

from renda.core.errors import Throttled


def _local(now: float) -> float:
    """Seconds since the epoch on the local clock (settings.TIME_ZONE): windows follow it, so a day window is the
    visitor's calendar day ("today" in the message), not the UTC day that turns at 08:00 in China."""
    offset = timezone.localtime(datetime.fromtimestamp(now, tz=UTC)).utcoffset()
    return now + (offset.total_seconds() if offset else 0.0)


def hit(scope: str, key: str, *, limit: int, window: int, message: str, now: float | None = None) -> int:
    """Count one attempt in the current window; Throttled (429) once the count passes `limit`."""
    now = _local(time.time() if now is None else now)
    bucket = int(now // window)
    cache_key = f"liaison:throttle:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 5)
            count = 1
    if count > limit:
        retry_after = int((bucket + 1) * window - now) + 1
        raise Throttled(f"{message}（约{wait_in_words(retry_after)}后可以再试）", retry_after=retry_after, limit=limit)
    return count


def wait_in_words(seconds: int) -> str:
    """The wait a throttled visitor is told, rounded up: 45 秒, 12 分钟, 3 小时."""
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 2 * 3600:
        return f"{-(-seconds // 60)} 分钟"
    return f"{-(-seconds // 3600)} 小时"
