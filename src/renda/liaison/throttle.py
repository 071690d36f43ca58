"""Throttles of the public portal, counted in Django's cache (local memory in one process, Redis when REDIS_URL
is set so every worker shares the count): fixed windows keyed per client address and per phone (its keyed hash,
never the number itself)."""

from __future__ import annotations

import time

from django.core.cache import cache

from renda.core.errors import Throttled


def hit(scope: str, key: str, *, limit: int, window: int, message: str, now: float | None = None) -> int:
    """Count one attempt in the current window; Throttled (429) once the count passes `limit`."""
    now = time.time() if now is None else now
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
