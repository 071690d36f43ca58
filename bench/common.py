"""Shared helpers for the benchmarks: Django setup against a chosen database, timing, percentiles, machine facts.

Benchmarks print figures; they never assert a target (that is the README's job, with the machine and date).
"""

from __future__ import annotations

import base64
import os
import platform
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def setup_django(database_url: str | None = None, data_dir: str | None = None) -> None:
    """Configure Django for a benchmark run. A benchmark uses its own database, never the demo's."""
    sys.path.insert(0, str(ROOT / "src"))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("RENDA_DATA_DIR", data_dir or str(ROOT / "bench" / "out"))
    os.environ.setdefault("RENDA_TESTING", "1")  # fixed test keys, fast hasher, in-line tasks
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")
    import django

    django.setup()


BENCH_PREFIXES = ("bench_", "renda_bench")


def fresh_database(url: str, reuse: bool = False) -> bool:
    """Create the benchmark's database afresh (an SQLite file, or a PostgreSQL database whose name starts with
    bench_ or renda_bench — never a real one); with reuse an existing one is kept. True if it was kept."""
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        if reuse and path.exists():
            return True
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return False
    import psycopg

    base, name = url.rsplit("/", 1)
    if not name.startswith(BENCH_PREFIXES):
        raise SystemExit(f"refusing to touch {name!r}: a benchmark database's name starts with bench_ or renda_bench")
    with psycopg.connect(base.replace("postgres://", "postgresql://") + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if reuse and exists:
            return True
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return False


def drop_database(url: str) -> None:
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        if not name.startswith(BENCH_PREFIXES):
            raise SystemExit(f"refusing to drop {name!r}")
        with psycopg.connect(base.replace("postgres://", "postgresql://") + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(url: str, data_dir: Path) -> dict[str, str]:
    """The environment of a benchmark's gunicorn: production settings (no RENDA_TESTING, DEBUG off) with keys made
    for this run."""
    env = dict(os.environ)
    env.pop("RENDA_TESTING", None)
    env.update({
        "DATABASE_URL": url, "RENDA_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "renda.settings",
        "RENDA_SECRET_KEY": secrets.token_urlsafe(40), "RENDA_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RENDA_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "RENDA_HASH_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "RENDA_DEBUG": "0", "PYTHONPATH": str(ROOT / "src"),
    })
    return env


def start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    """gunicorn with gthread workers on loopback, in its own session (killed as a group at the end)."""
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "renda.wsgi:application", "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
           "--keep-alive", "30", "--log-level", "warning", "--backlog", "2048"]
    return subprocess.Popen(cmd, env=env, cwd=str(ROOT), start_new_session=True)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary_ms(samples_s: list[float]) -> str:
    ms = [s * 1000 for s in samples_s]
    return (f"n={len(ms)} p50={percentile(ms, 50):.1f}ms p95={percentile(ms, 95):.1f}ms "
            f"p99={percentile(ms, 99):.1f}ms mean={statistics.fmean(ms):.1f}ms")


@contextmanager
def timer() -> Iterator[Callable[[], float]]:
    start = time.perf_counter()
    elapsed: list[float] = []
    yield lambda: elapsed[0] if elapsed else time.perf_counter() - start
    elapsed.append(time.perf_counter() - start)


def count_queries(fn: Callable[[], Any]) -> tuple[int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return len(ctx.captured_queries), result


def machine() -> str:
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}"


def db_label() -> str:
    from django.db import connection

    return f"{connection.vendor} {'.'.join(map(str, connection.Database.version_info[:2])) if connection.vendor == 'sqlite' else connection.pg_version}"  # noqa: E501
