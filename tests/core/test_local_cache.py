"""The local-memory cache (one server process, no REDIS_URL) must hold a county's public pages: Django's default
of 300 entries culls a third of them whenever it is passed, and the portal's hot station pages went with them
(found by bench/portal.py: 140 requests/s with p95 538 ms before, 160/s with p95 92 ms after)."""

from __future__ import annotations

from django.core.cache import cache


def test_the_local_cache_keeps_its_first_entries_after_five_thousand_more() -> None:
    cache.clear()
    cache.set("station-page:1", "hot", timeout=300)
    for i in range(5000):
        cache.set(f"track-page:{i}", "x", timeout=300)
    assert cache.get("station-page:1") == "hot"
    cache.clear()
