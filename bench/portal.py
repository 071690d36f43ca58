"""The public portal under load: 200 concurrent clients on loopback reading station pages (with their coming
reception days), the schedule API and tracking pages — on SQLite and on PostgreSQL.

    python -m bench portal [--database sqlite|postgres://postgres@127.0.0.1:5432/renda_bench_portal]
                           [--clients 200] [--duration 30] [--think 1.0] [--workers 2] [--threads 8]
                           [--townships 10] [--villages 10] [--opinions 3000] [--json out.json]

What it does (a PostgreSQL database named here is dropped and created afresh, its name must start with
renda_bench; SQLite uses a fresh file under bench/out/portal/):
1. seeds a county with N townships, each with a central station and a village station per village, deputies
   assigned to every station, a reception schedule per station (the four rules of DOMAIN.md §4 in turn) with a
   holiday moved, duties for the coming 30 days, and M opinions in every state with their tracking codes;
2. starts gunicorn (gthread workers) on 127.0.0.1 with production settings (no RENDA_TESTING, DEBUG off): by
   default 2 workers (one per core: each runs Python under its own GIL, and a third would only take turns with the
   load generator and the database) of 8 threads (a thread waiting on the database or the socket lets another
   run); every worker keeps its own local-memory cache unless REDIS_URL is set;
3. runs C clients for D seconds. Each client keeps one keep-alive connection and loops: pick one of the four
   requests below at random, send it, wait an exponentially distributed think time (mean --think seconds;
   0 = closed loop, as fast as the server answers) — a phone user reading a page between clicks:
     GET /portal/stations/<id>/                       station page with coming reception days and duty
     GET /api/v1/public/stations/<id>/receptions      the schedule as JSON
     GET /portal/track/<code>/                        tracking page
     GET /api/v1/public/opinions/<code>               tracking as JSON
   → requests/s, latency p50/p95/p99/max per kind and overall, errors (any status but 200, or a broken
   connection). Every response is also checked for a marker of its content, so an error page never counts as 200.

The load generator runs on the same machine as the server and the database: on a small machine it takes a share
of the CPU the server would otherwise have, so the figures are a floor for a dedicated server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import ROOT, fresh_database, machine, percentile, server_env, start_server
from bench.http import Connection

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/renda_bench_portal"
KINDS = ("station_page", "receptions_api", "track_page", "track_api")
MARKERS = {"station_page": b'data-testid="reception-days"', "receptions_api": b'"start_time"',
           "track_page": b'data-testid="status"', "track_api": b'"status_label"'}


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def summarize(samples: list[float], wall: float, errors: int = 0) -> dict[str, Any]:
    ms = [x * 1000 for x in samples]
    return {"requests": len(ms), "per_s": round(len(ms) / wall, 1) if wall else 0,
            "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1), "max_ms": round(max(ms), 1) if ms else None,
            "mean_ms": round(statistics.fmean(ms), 1) if ms else None, "errors": errors}


async def load(port: int, targets: dict[str, list[str]], *, clients: int, duration: float, think: float,
               seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    tally = Tally()
    loop = asyncio.get_running_loop()
    end = loop.time() + duration

    async def client(i: int) -> None:
        conn = Connection(port)
        local = random.Random(seed * 1000 + i)
        await asyncio.sleep(local.random() * min(think or 0.5, 1.0))  # clients arrive spread over a second
        while loop.time() < end:
            kind = local.choice(KINDS)
            path = local.choice(targets[kind])
            sent = loop.time()
            try:
                status, body = await conn.get(path)
            except Exception as exc:  # a broken connection is an error, not a crash of the run
                status, body = 0, str(exc).encode()
                conn.close()
            tally.latencies[kind].append(loop.time() - sent)
            ok = status == 200 and MARKERS[kind] in body
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            if not ok:
                tally.errors.append(f"{kind} {path} → {status} {body[:120]!r}")
            if think:
                await asyncio.sleep(local.expovariate(1 / think))
        conn.close()

    started = loop.time()
    await asyncio.gather(*(client(i) for i in range(clients)))
    wall = loop.time() - started
    del rng
    everything = [x for kind in KINDS for x in tally.latencies[kind]]
    return {"overall": summarize(everything, wall, len(tally.errors)),
            "by_kind": {k: summarize(tally.latencies[k], wall) for k in KINDS},
            "statuses": tally.statuses, "first_errors": tally.errors[:5], "wall_s": round(wall, 2)}


async def warm(port: int, targets: dict[str, list[str]], rounds: int = 3) -> None:
    """Every cached page a few times (each worker process keeps its own cache unless REDIS_URL is set), so the
    run measures the steady state; keys still expire during a run longer than public_cache.TTL."""
    paths = [p for kind in ("station_page", "receptions_api") for p in targets[kind]] * rounds
    paths += targets["track_page"][:50] + targets["track_api"][:50]
    queue: asyncio.Queue[str] = asyncio.Queue()
    for p in paths:
        queue.put_nowait(p)

    async def worker() -> None:
        conn = Connection(port)
        while not queue.empty():
            await conn.get(queue.get_nowait())
        conn.close()

    await asyncio.gather(*(worker() for _ in range(8)))


# --- the data -----------------------------------------------------------------------------------------------

RULES = ["FREQ=MONTHLY;BYMONTHDAY=1,11,21", "FREQ=MONTHLY;BYMONTH=1,3,5,7,9,11;BYMONTHDAY=15",
         "FREQ=MONTHLY;BYDAY=1TU,3TU", "FREQ=WEEKLY;BYDAY=MO"]


def seed_data(townships: int, villages: int, opinions: int) -> dict[str, list[str]]:
    import datetime as dt

    from django.utils import timezone

    from renda.accounts.models import User
    from renda.core.roles import Role
    from renda.deputies.models import Gender, Mandate, Person
    from renda.liaison.models import DutyAssignment, Station, StationDeputy
    from renda.liaison.selectors import schedule_days
    from renda.liaison.services import opinions as opinion_services
    from renda.liaison.services import stations as station_services
    from renda.organizations.models import Congress, Region, Term

    def region(name: str, level: str, parent: Region | None) -> Region:
        r = Region.objects.create(name=name, level=level, parent=parent)
        r.path, r.depth = f"{parent.path if parent else '/'}{r.pk}/", (parent.depth + 1) if parent else 0
        r.save(update_fields=["path", "depth"])
        return r

    today = timezone.localdate()
    county = region("压测县", "county", region("压测市", "city", region("压测省", "province", None)))
    station_ids: list[int] = []
    codes: list[str] = []
    for t in range(townships):
        town = region(f"压测{t + 1}镇", "township", county)
        congress = Congress.objects.create(region=town, name=f"{town.name}人民代表大会")
        term = Term.objects.create(congress=congress, number=20, start_date=dt.date(2021, 10, 1), is_current=True)
        clerk = User.objects.create(username=f"clerk{t}", role=Role.TOWNSHIP_STAFF, region=town)
        people = Person.objects.bulk_create([Person(name=f"代表{t:02d}{i:02d}", gender=Gender.MALE, region=town)
                                             for i in range(villages * 3)])
        Mandate.objects.bulk_create([Mandate(person=p, congress=congress, term=term) for p in people])
        places = [(town, "central", f"{town.name}人大代表中心联络站")] + [
            (region(f"{town.name}{v + 1}村", "village", town), "village", f"{town.name}{v + 1}村代表联络站")
            for v in range(villages)]
        for n, (place, kind, name) in enumerate(places):
            st = station_services.station_create(actor=clerk, region=place, kind=kind, name=name,
                                                 address=f"{place.name}村委会", opening_hours="工作日 9:00—17:00")
            members = people[(n * 3) % len(people):(n * 3) % len(people) + 3] if kind == "village" else people[:6]
            StationDeputy.objects.bulk_create([StationDeputy(station=st, person=p, since=dt.date(2025, 1, 1))
                                               for p in members])
            schedule = station_services.schedule_create(
                actor=clerk, station=st, rule=RULES[n % len(RULES)], starts_on=dt.date(today.year, 1, 1),
                start_time=dt.time(9), end_time=dt.time(11, 30))
            days = schedule_days(schedule, today, today + dt.timedelta(days=60))
            if len(days) > 2:
                station_services.schedule_exception_add(actor=clerk, schedule=schedule, kind="move",
                                                        day=days[1].date, new_date=days[1].date + dt.timedelta(1)
                                                        if days[1].date + dt.timedelta(1) != days[2].date else
                                                        days[1].date + dt.timedelta(2), reason="节假日调整")
            DutyAssignment.objects.bulk_create([
                DutyAssignment(schedule=schedule, date=d.date, person=p)
                for d in schedule_days(schedule, today, today + dt.timedelta(days=30)) for p in members[:2]])
            station_ids.append(st.pk)
        central = Station.objects.get(region=town, kind="central")
        for i in range(opinions // townships):
            o = opinion_services.opinion_register(
                actor=clerk, channel=("online", "phone", "reception", "letter")[i % 4], station=central,
                content=f"压测意见第{i}条：道路、路灯、饮水等问题。", name="压测群众", phone=f"139{t:02d}{i:06d}")
            if i % 3 == 1:
                opinion_services.opinion_reply(actor=clerk, opinion=o, text="已当场答复并说明政策。")
            elif i % 3 == 2:
                o = opinion_services.opinion_accept(actor=clerk, opinion=o, category="城建交通")
            codes.append(o.tracking_code)
    return {
        "station_page": [f"/portal/stations/{pk}/" for pk in station_ids],
        "receptions_api": [f"/api/v1/public/stations/{pk}/receptions" for pk in station_ids],
        "track_page": [f"/portal/track/{c}/" for c in codes],
        "track_api": [f"/api/v1/public/opinions/{c}" for c in codes],
    }


# --- database and server ------------------------------------------------------------------------------------

def prepare_database(database: str, data_dir: Path) -> str:
    if database == "sqlite":
        path = data_dir / "renda.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    fresh_database(database)
    return database


async def wait_ready(port: int, path: str, deadline_s: float = 60) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            status, _ = await Connection(port).get(path)
            if status == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def report(out: dict[str, Any]) -> None:
    print(f"machine: {out['machine']}; database: {out['database']}; gunicorn gthread {out['workers']}×"
          f"{out['threads']}; {out['clients']} clients for {out['duration']} s, think time {out['think']} s")
    print(f"data: {out['stations']} stations, {out['codes']} tracking codes; load average before the run "
          f"{out['loadavg_before'][0]}, after {out['loadavg_after'][0]} (other processes share the cores)")
    o = out["run"]["overall"]
    print(f"overall: {o['per_s']} req/s, p50 {o['p50_ms']} ms, p95 {o['p95_ms']} ms, p99 {o['p99_ms']} ms, "
          f"max {o['max_ms']} ms, errors {o['errors']} of {o['requests']} {out['run']['statuses']}")
    for kind, k in out["run"]["by_kind"].items():
        print(f"  {kind:15s} {k['per_s']:7.1f}/s  p50 {k['p50_ms']:6.1f}  p95 {k['p95_ms']:6.1f}  "
              f"p99 {k['p99_ms']:6.1f}  max {k['max_ms']} ms")
    if out["run"]["first_errors"]:
        print("first errors:", *out["run"]["first_errors"], sep="\n  ")
    print(f"targets: p95 < 150 ms: {'met' if o['p95_ms'] < 150 else 'NOT met'}; "
          f"zero errors: {'met' if o['errors'] == 0 else 'NOT met'}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench portal", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite", help="sqlite, or a postgres:// URL (renda_bench_*)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between requests, 0 = none")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--townships", type=int, default=10)
    parser.add_argument("--villages", type=int, default=10)
    parser.add_argument("--opinions", type=int, default=3000)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    data_dir = ROOT / "bench" / "out" / "portal"
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    url = prepare_database(args.database if args.database != "postgres" else DEFAULT_PG, data_dir)
    env = server_env(url, data_dir)
    # the keys of this run, so that the data can be looked at (and profiled) afterwards with the same settings
    (data_dir / "renda.env").write_text("".join(f"{k}={env[k]}\n" for k in (
        "DATABASE_URL", "RENDA_SECRET_KEY", "RENDA_FIELD_KEY", "RENDA_HASH_KEY")), encoding="utf-8")
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "RENDA_DATA_DIR", "RENDA_SECRET_KEY", "RENDA_FIELD_KEY",
                                           "RENDA_HASH_KEY", "RENDA_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")})
    os.environ.pop("RENDA_TESTING", None)
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    t0 = time.monotonic()
    targets = seed_data(args.townships, args.villages, args.opinions)
    seeded_s = time.monotonic() - t0
    vendor = f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}".strip()
    connection.close()
    server = start_server(env, args.port, args.workers, args.threads)
    try:
        asyncio.run(wait_ready(args.port, targets["station_page"][0]))
        asyncio.run(warm(args.port, targets))
        load_before = os.getloadavg()
        run = asyncio.run(load(args.port, targets, clients=args.clients, duration=args.duration, think=args.think))
        load_after = os.getloadavg()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    out = {"machine": machine(), "loadavg_before": [round(x, 2) for x in load_before],
           "loadavg_after": [round(x, 2) for x in load_after], "database": vendor, "workers": args.workers,
           "threads": args.threads,
           "clients": args.clients, "duration": args.duration, "think": args.think, "seeded_s": round(seeded_s, 1),
           "stations": len(targets["station_page"]), "codes": len(targets["track_page"]), "run": run}
    report(out)
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0
