"""With REDIS_URL set (several workers, README "Running on PostgreSQL with several workers"), the cache is Django's
Redis backend, shared by every process: throttles and lockouts counted in one worker are seen by the others. Until
the fifteenth session the `redis` client was not among the requirements, so the first use of the cache failed."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("RENDA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_the_redis_client_is_a_requirement_of_the_platform_and_installed() -> None:
    listed = (ROOT / "requirements" / "base.in").read_text(encoding="utf-8").split()
    assert "redis" in listed, "requirements/base.in must list redis"
    assert importlib.util.find_spec("redis") is not None


def _redis_reachable() -> bool:
    where = urlsplit(REDIS_URL)
    try:
        socket.create_connection((where.hostname or "127.0.0.1", where.port or 6379), timeout=1).close()
    except OSError:
        return False
    return True


def _worker(code: str, **extra: str) -> str:
    """Run `code` in a fresh process configured as a production worker with REDIS_URL (and the environment
    `extra`), print what it prints."""
    env = {**os.environ, "REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "renda.settings", "RENDA_DEBUG": "1",
           "PYTHONPATH": str(ROOT / "src"), **extra}
    env.pop("RENDA_TESTING", None)
    script = "import django; django.setup()\nfrom django.core.cache import cache\n" + code
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(not _redis_reachable(), reason=f"no Redis at {REDIS_URL}")
def test_workers_with_redis_url_share_one_cache() -> None:
    key = f"renda-test-{uuid.uuid4().hex}"
    backend = _worker("from django.core.cache import caches; print(type(caches['default']).__module__)")
    assert backend == "django.core.cache.backends.redis"
    for _ in range(2):  # two workers, each counting one failed login
        _worker(f"cache.add({key!r}, 0, 60); cache.incr({key!r})")
    assert _worker(f"print(cache.get({key!r})); cache.delete({key!r})") == "2"


@pytest.mark.skipif(not _redis_reachable(), reason=f"no Redis at {REDIS_URL}")
def test_sites_on_different_databases_sharing_one_redis_do_not_read_each_others_entries(tmp_path) -> None:
    """Ids repeat between databases (staging and production, two counties): a key cached by one site, such as a
    township's hot-issue groups under its opinions' ids, must not be read by the other. Keys carry the database."""
    key = f"renda-test-{uuid.uuid4().hex}"
    one = {"DATABASE_URL": f"sqlite:///{tmp_path / 'one.sqlite3'}"}
    other = {"DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}"}
    _worker(f"cache.set({key!r}, 'one', 60)", **one)
    assert _worker(f"print(cache.get({key!r}))", **other) == "None"
    assert _worker(f"print(cache.get({key!r})); cache.delete({key!r})", **one) == "one"
    chosen = {**other, "RENDA_CACHE_PREFIX": "county-b"}  # or a prefix set by hand
    assert _worker("print(cache.make_key('k'))", **chosen) == "county-b:1:k"
