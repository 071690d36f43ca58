"""A session day in the hall: 1,000 deputies, each logged in (a bearer token each), cast one secret ballot within
10 seconds through the API — loopback, gunicorn with several workers, PostgreSQL.

    python -m bench votes [--database postgres://postgres@127.0.0.1:5432/renda_bench_votes] [--deputies 1000]
                          [--window 10] [--workers 4] [--threads 8] [--connections 64] [--json out.json]

What it does (the database named in --database is dropped and created afresh; it must not be a real one):
1. seeds a township congress with N deputies, their accounts and tokens, a session, a plenary meeting with everyone
   signed in and started, and two secret votes (one for the session-day run, one for the capacity run);
2. starts gunicorn (gthread workers) on 127.0.0.1 with production settings (no RENDA_TESTING);
3. session day (open loop): the N ballots are sent at evenly spaced moments over --window seconds, each by its own
   deputy, over a pool of keep-alive connections → votes/s, latency p50/p95/p99 (from the planned moment, so
   queueing counts), errors; then the clerk closes the vote through the API and the hall screen's fragment
   (/meetings/display/<token>/live/) is polled every 20 ms until it shows the result → the time from the last
   ballot's answer to the result being on the screen's page (a browser polling every second adds up to 1 s);
   the tally is checked against what was sent, and the sealed result is verified;
4. the floor (same stack, an authenticated endpoint that touches no table: POST /api/v1/ballots/ping with the same
   body), under the same open-loop load;
5. capacity (closed loop): the N ballots of the second vote as fast as --connections connections allow, and the
   floor the same way → the vote path's throughput as a share of the floor's.

The load generator runs on the same machine as the server and the database: on a small machine it takes a share of
the CPU that the server would otherwise have, so the figures are a floor for a dedicated server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import ROOT, drop_database, fresh_database, machine, percentile, server_env, start_server
from bench.http import Connection

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/renda_bench_votes"


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)  # seconds, from the planned moment
    service: list[float] = field(default_factory=list)  # seconds, from the request being written
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    last_answer: float = 0.0

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    def summary(self) -> dict[str, Any]:
        ms = [x * 1000 for x in self.latencies]
        wall = self.finished - self.started
        return {"requests": len(self.latencies), "ok": self.ok, "errors": len(self.latencies) - self.ok,
                "statuses": self.statuses, "wall_s": round(wall, 3), "per_s": round(self.ok / wall, 1) if wall else 0,
                "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
                "p99_ms": round(percentile(ms, 99), 1), "max_ms": round(max(ms), 1) if ms else None,
                "mean_ms": round(statistics.fmean(ms), 1) if ms else None,
                "first_errors": self.errors[:5]}


async def drive(host: str, port: int, jobs: list[tuple[str, str, bytes | None]], *, connections: int,
                window: float | None) -> Run:
    """Send `jobs` (path, token, body): at evenly spaced moments over `window` seconds (open loop), or as fast as
    the connections allow (window None, closed loop)."""
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(Connection(port, host))
    run = Run()
    loop = asyncio.get_running_loop()
    run.started = loop.time()
    step = (window / len(jobs)) if window else 0.0

    async def one(i: int, path: str, token: str, body: bytes | None) -> None:
        planned = run.started + i * step
        if window:
            await asyncio.sleep(max(0.0, planned - loop.time()))
        else:
            planned = loop.time()
        conn = await pool.get()
        sent = loop.time()
        try:
            status, payload = await conn.request("POST", path, token, body)
        except Exception as exc:
            status, payload = 0, str(exc).encode()
            conn.close()
        done = loop.time()
        pool.put_nowait(conn)
        run.latencies.append(done - planned)
        run.service.append(done - sent)
        run.statuses[status] = run.statuses.get(status, 0) + 1
        if status != 200:
            run.errors.append(f"{status} {payload[:200]!r}")
        run.last_answer = max(run.last_answer, done)

    await asyncio.gather(*(one(i, p, t, b) for i, (p, t, b) in enumerate(jobs)))
    run.finished = loop.time()
    while not pool.empty():
        pool.get_nowait().close()
    return run


# --- the database and the server ----------------------------------------------------------------------------

@dataclass
class Seed:
    tokens: list[str]
    clerk_token: str
    day_vote: int
    capacity_vote: int
    display_token: str
    meeting: int


def seed(n: int) -> Seed:
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from renda.accounts.models import ApiToken, User
    from renda.accounts.services import token_hash
    from renda.core.roles import Role
    from renda.deputies.models import Gender, Mandate, Person
    from renda.meetings import services
    from renda.meetings.models import Attendance, Session, SignInMethod
    from renda.organizations.models import Congress, Region, Term

    def region(name: str, level: str, parent: Region | None) -> Region:
        r = Region.objects.create(name=name, level=level, parent=parent)
        r.path, r.depth = f"{parent.path if parent else '/'}{r.pk}/", (parent.depth + 1) if parent else 0
        r.save(update_fields=["path", "depth"])
        return r

    county = region("压测县", "county", region("压测市", "city", region("压测省", "province", None)))
    town = region("压测镇", "township", county)
    congress = Congress.objects.create(region=town, name="压测镇人民代表大会")
    term = Term.objects.create(congress=congress, number=20, start_date=dt.date(2021, 10, 1), is_current=True,
                               election_date=dt.date(2021, 9, 20))
    people = Person.objects.bulk_create([Person(name=f"代表{i:04d}", gender=Gender.MALE, region=town)
                                         for i in range(n)])
    Mandate.objects.bulk_create([Mandate(person=p, congress=congress, term=term) for p in people])
    unusable = make_password(None)
    users = User.objects.bulk_create([User(username=f"d{p.pk}", role=Role.DEPUTY, region=town, person=p,
                                           password=unusable) for p in people])
    clerk = User.objects.create(username="clerk", role=Role.TOWNSHIP_STAFF, region=town, password=unusable)
    expires = timezone.now() + dt.timedelta(hours=12)
    raws = [secrets.token_urlsafe(32) for _ in users]
    clerk_raw = secrets.token_urlsafe(32)
    ApiToken.objects.bulk_create([ApiToken(user=u, key_hash=token_hash(r), expires_at=expires,
                                           last_used_at=timezone.now())
                                  for u, r in zip(users, raws, strict=True)]
                                 + [ApiToken(user=clerk, key_hash=token_hash(clerk_raw), expires_at=expires,
                                             last_used_at=timezone.now())])
    session = Session.objects.create(congress=congress, term=term, number=1, title="压测镇第二十届人大第一次会议",
                                     starts_on=dt.date.today(), ends_on=dt.date.today() + dt.timedelta(days=1))
    meeting = services.meeting_create(actor=clerk, congress=congress, kind="plenary", title="第一次全体会议",
                                      starts_at=timezone.now(), session=session)
    Attendance.objects.bulk_create([Attendance(meeting=meeting, person=p, status="present",
                                               method=SignInMethod.STAFF, signed_in_at=timezone.now())
                                    for p in people])
    services.meeting_start(actor=clerk, meeting=meeting)
    day = services.vote_create(actor=clerk, meeting=meeting, title="关于镇人民政府工作报告的决议", secret=True)
    capacity = services.vote_create(actor=clerk, meeting=meeting, title="关于预算的决议", secret=True)
    return Seed(tokens=raws, clerk_token=clerk_raw, day_vote=day.pk, capacity_vote=capacity.pk,
                display_token=meeting.display_token, meeting=meeting.pk)


async def wait_ready(port: int, token: str, deadline_s: float = 60) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            status, _ = await Connection(port).request("POST", "/api/v1/ballots/ping", token,
                                                                    b'{"choice":"yes"}')
            if status == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


# --- the run ------------------------------------------------------------------------------------------------

CHOICES = ("yes",) * 6 + ("no",) * 3 + ("abstain",)


async def session_day(args: argparse.Namespace, s: Seed) -> dict[str, Any]:
    port, n = args.port, len(s.tokens)
    await wait_ready(port, s.clerk_token)
    status, body = await Connection(port).request("POST", f"/api/v1/votes/{s.day_vote}/open",
                                                               s.clerk_token, b"{}")
    assert status == 200, body
    sent = [CHOICES[i % len(CHOICES)] for i in range(n)]
    ballot = [(f"/api/v1/votes/{s.day_vote}/ballots", t, json.dumps({"choice": c}).encode())
              for t, c in zip(s.tokens, sent, strict=True)]
    ping = [("/api/v1/ballots/ping", t, b'{"choice":"yes"}') for t in s.tokens]
    # Warm every worker and connection with the floor endpoint first.
    await drive("127.0.0.1", port, ping[: args.connections * 2], connections=args.connections, window=None)

    day = await drive("127.0.0.1", port, ballot, connections=args.connections, window=args.window)

    # The clerk closes; the hall screen's fragment shows the result.
    screen = Connection(port)
    clerk = Connection(port)
    loop = asyncio.get_running_loop()
    t_close = loop.time()
    status, body = await clerk.request("POST", f"/api/v1/votes/{s.day_vote}/close", s.clerk_token, b"{}")
    close_ms = (loop.time() - t_close) * 1000
    assert status == 200, body
    result = json.loads(body)
    polls = 0
    while True:
        polls += 1
        status, html = await screen.request("GET", f"/meetings/display/{s.display_token}/live/")
        if status == 200 and b'data-testid="live-verdict"' in html:
            break
        await asyncio.sleep(0.02)
    on_screen_ms = (loop.time() - day.last_answer) * 1000

    floor_open = await drive("127.0.0.1", port, ping, connections=args.connections, window=args.window)
    status, body = await clerk.request("POST", f"/api/v1/votes/{s.capacity_vote}/open", s.clerk_token, b"{}")
    assert status == 200, body
    capacity = await drive("127.0.0.1", port, [(f"/api/v1/votes/{s.capacity_vote}/ballots", t, b)
                                               for _, t, b in ballot], connections=args.connections, window=None)
    floor_closed = await drive("127.0.0.1", port, ping, connections=args.connections, window=None)
    expected = {c: sent.count(c) for c in ("yes", "no", "abstain")}
    return {
        "session_day": day.summary(), "floor_open_loop": floor_open.summary(),
        "close_ms": round(close_ms, 1), "last_ballot_to_screen_ms": round(on_screen_ms, 1), "screen_polls": polls,
        "result": {k: result[k] for k in ("yes", "no", "abstain", "not_voted", "eligible", "threshold", "passed")},
        "expected": expected,
        "tally_exact": all(result[k] == expected[k] for k in expected) and day.ok == n,
        "capacity": capacity.summary(), "floor_closed_loop": floor_closed.summary(),
        "vote_to_floor_throughput": round(capacity.summary()["per_s"] / floor_closed.summary()["per_s"], 3),
    }


def verify(s: Seed) -> dict[str, Any]:
    from renda.core.audit import verify_chain
    from renda.meetings.models import Participation, SecretBallot, Vote
    from renda.meetings.services import vote_close, vote_verify

    day = Vote.objects.get(pk=s.day_vote)
    capacity = Vote.objects.get(pk=s.capacity_vote)
    vote_close(actor=None, vote=capacity)
    return {
        "day_ballots_stored": SecretBallot.objects.filter(vote=day).count(),
        "day_participations": Participation.objects.filter(vote=day).count(),
        "day_seal_verifies": vote_verify(day).ok, "capacity_ballots_stored": SecretBallot.objects.filter(
            vote=capacity).count(), "capacity_seal_verifies": vote_verify(Vote.objects.get(pk=capacity.pk)).ok,
        "audit_chain_ok": verify_chain().ok,
    }


def service_only(n: int, *, threads: int) -> dict[str, Any]:
    """The ballot service called directly from `threads` threads (no HTTP, no Django request stack): the database
    path alone — which includes the audit chain's head row, locked by every audited write until its commit."""
    from concurrent.futures import ThreadPoolExecutor

    from renda.accounts.models import User
    from renda.deputies.models import Person
    from renda.meetings import services
    from renda.meetings.models import Meeting

    meeting = Meeting.objects.get()
    clerk = User.objects.get(username="clerk")
    vote = services.vote_open(actor=clerk, vote=services.vote_create(actor=clerk, meeting=meeting,
                                                                      title="服务层测速", secret=True))
    people = list(Person.objects.select_related("account").order_by("id")[:n])
    times: list[float] = []

    def cast(person: Any) -> None:
        t = time.perf_counter()
        try:
            services.ballot_cast(actor=person.account, vote=vote, person=person, choice="yes")
        finally:
            times.append(time.perf_counter() - t)

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(cast, people))
    wall = time.perf_counter() - start
    services.vote_close(actor=clerk, vote=vote)
    ms = [x * 1000 for x in times]
    return {"threads": threads, "ballots": len(ms), "per_s": round(len(ms) / wall, 1),
            "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1)}


def statements_per_request(s: Seed) -> dict[str, Any]:
    """What one request costs the database, in-process (Django's test client, the server's settings): the SQL of
    one floor request and of one ballot, counted and listed."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from renda.accounts.models import User
    from renda.meetings import services
    from renda.meetings.models import Meeting

    clerk = User.objects.get(username="clerk")
    vote = services.vote_open(actor=clerk, vote=services.vote_create(
        actor=clerk, meeting=Meeting.objects.get(pk=s.meeting), title="语句计数", secret=True))
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {s.tokens[0]}")
    out: dict[str, Any] = {}
    for name, path in (("floor", "/api/v1/ballots/ping"), ("ballot", f"/api/v1/votes/{vote.pk}/ballots")):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(path, data=b'{"choice":"yes"}', content_type="application/json")
        assert response.status_code == 200, response.content
        sql = [" ".join(q["sql"].split())[:90] for q in queries.captured_queries]
        out[name] = {"statements": len(sql),
                     "writes": sum(1 for q in sql if q.split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE", "WITH")),
                     "sql": sql}
    services.vote_close(actor=clerk, vote=vote)
    return out


def report(out: dict[str, Any]) -> None:
    d, f, c, fc = out["session_day"], out["floor_open_loop"], out["capacity"], out["floor_closed_loop"]
    print(f"machine: {out['machine']}; server: gunicorn gthread {out['workers']}×{out['threads']}, "
          f"{out['connections']} client connections, PostgreSQL {out['postgres']}")
    print(f"session day: {out['deputies']} ballots over {out['window']} s → {d['per_s']} votes/s, "
          f"p50 {d['p50_ms']} ms, p95 {d['p95_ms']} ms, p99 {d['p99_ms']} ms, max {d['max_ms']} ms, "
          f"errors {d['errors']} {d['statuses']}")
    print(f"floor (same load, POST /api/v1/ballots/ping): p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms, "
          f"p99 {f['p99_ms']} ms, errors {f['errors']}")
    print(f"result: {out['result']} expected {out['expected']} → tally exact: {out['tally_exact']}")
    print(f"close: {out['close_ms']} ms; last ballot answered → result on the screen's page: "
          f"{out['last_ballot_to_screen_ms']} ms (+ up to 1 s of the browser's polling)")
    print(f"capacity (closed loop): votes {c['per_s']}/s (p95 {c['p95_ms']} ms, errors {c['errors']}), "
          f"floor {fc['per_s']}/s (p95 {fc['p95_ms']} ms) → vote path at {out['vote_to_floor_throughput']:.0%} "
          f"of the floor")
    so = out["service_only"]
    print(f"ballot service alone ({so['threads']} threads, no HTTP): {so['per_s']} ballots/s, "
          f"p50 {so['p50_ms']} ms, p95 {so['p95_ms']} ms")
    for name, st in out["statements"].items():
        print(f"{name}: {st['statements']} statements, {st['writes']} writes per request")
        for line in st["sql"]:
            print(f"    {line}")
    print(f"checks: {out['checks']}")
    targets = {"zero errors": d["errors"] == 0 and c["errors"] == 0, "tally exact": out["tally_exact"],
               "p95 < 500 ms": d["p95_ms"] < 500, "vote ≥ half the floor": out["vote_to_floor_throughput"] >= 0.5}
    print("targets: " + ", ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in targets.items()))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench votes", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--deputies", type=int, default=1000)
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args(argv)

    data_dir = ROOT / "bench" / "out" / "votes"
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    fresh_database(args.database)
    env = server_env(args.database, data_dir)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "RENDA_DATA_DIR", "RENDA_SECRET_KEY", "RENDA_FIELD_KEY",
                                           "RENDA_HASH_KEY", "RENDA_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")})
    os.environ.pop("RENDA_TESTING", None)
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    s = seed(args.deputies)
    connection.close()
    server = start_server(env, args.port, args.workers, args.threads)
    try:
        out = asyncio.run(session_day(args, s))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    out["checks"] = verify(s)
    out["statements"] = statements_per_request(s)
    out["service_only"] = service_only(args.deputies, threads=16)
    out.update(machine=machine(), workers=args.workers, threads=args.threads, connections=args.connections,
               deputies=args.deputies, window=args.window, postgres=connection.pg_version)
    report(out)
    if not args.keep:
        connection.close()
        drop_database(args.database)
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0
