"""Suggestion handling at province scale: the clerk's list with filters and the figures (stats endpoint).

    python -m bench suggestions [--db sqlite|postgres://postgres@127.0.0.1:5432/bench_sugg] [--rows 200000]
                                [--requests 30] [--reuse]

A made-up province (10 cities, 100 counties, 1,000 townships, 1,100 congresses, 2,000 handling units, 22,000
deputies) receives `rows` suggestions over five years, in every status with realistic shares, with their unit
assignments and co-signers (bulk inserts: the benchmark measures reading, not writing). Then, through the whole
middleware stack with a logged-in session:

list   the clerk's page /suggestions/ (30 a page) and the API list /api/v1/suggestions (50 a page) for a
       township clerk, a county clerk and a province-level overview account, with each filter → p50/p95 per
       scenario and overall, and the SQL queries per page;
stats  /api/v1/suggestions/stats?year= for the same accounts, totals and grouped by unit, township, category
       → p50/p95, and the SQL queries per call;
home   the home page / of the same accounts (its 待办 counts every waiting suggestion in scope, and the deputies'
       figures) → p50/p95 and the SQL queries.

Databases are the benchmark's own: a SQLite file under bench/out/suggestions/ (made afresh unless --reuse), or the
PostgreSQL database named (its name must start with bench_; created afresh and dropped at the end unless --reuse).
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date, timedelta
from typing import Any

from bench.common import ROOT, drop_database, fresh_database, machine, percentile

OUT = ROOT / "bench" / "out" / "suggestions"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/bench_sugg"
SHAPE = {"cities": 10, "counties_per_city": 10, "townships_per_county": 10, "units_per_county": 20,
         "deputies_per_congress": 20}
STATUS_SHARES = [("draft", 2), ("submitted", 3), ("returned", 2), ("withdrawn", 1), ("accepted", 4),
                 ("assigned", 6), ("handling", 14), ("replied", 8), ("rehandling", 3), ("evaluated", 10),
                 ("follow_up", 7), ("closed", 40)]
WORDS = ["道路", "饮水", "学校", "卫生院", "路灯", "河道", "垃圾", "养老", "农田", "桥梁", "公交", "停车", "菜市场"]


# --- databases ------------------------------------------------------------------------------------------------
def database_url(arg: str) -> str:
    if arg == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{OUT / 'suggestions.sqlite3'}"
    return arg


def setup(url: str) -> None:
    os.environ["RENDA_DATA_DIR"] = str(OUT)
    OUT.mkdir(parents=True, exist_ok=True)
    from bench.common import setup_django

    setup_django(url, str(OUT))


def db_label() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    major, minor = divmod(connection.pg_version, 10000)
    return f"PostgreSQL {major}.{minor}"


# --- the province -------------------------------------------------------------------------------------------
def _regions() -> tuple[Any, list[Any], list[Any]]:
    """Province → cities → counties → townships, with materialised paths, in a few bulk inserts."""
    from renda.organizations.models import Region

    def level(parents: list[Any], n: int, lvl: str, label: str) -> list[Any]:
        rows = [Region(name=f"{p.name}{label}{i + 1}", level=lvl, parent=p, depth=p.depth + 1)
                for p in parents for i in range(n)]
        Region.objects.bulk_create(rows, batch_size=2000)
        rows = list(Region.objects.filter(level=lvl).select_related("parent").order_by("pk"))
        for r in rows:
            r.path = f"{r.parent.path}{r.pk}/"
        Region.objects.bulk_update(rows, ["path"], batch_size=2000)
        return rows

    province = Region.objects.create(name="测试省", level="province", depth=0)
    province.path = f"/{province.pk}/"
    province.save(update_fields=["path"])
    cities = level([province], SHAPE["cities"], "city", "市")
    counties = level(cities, SHAPE["counties_per_city"], "county", "县")
    townships = level(counties, SHAPE["townships_per_county"], "township", "镇")
    return province, counties, townships


def generate(rows: int) -> dict[str, int]:
    from django.db import transaction

    from renda.deputies.models import Person
    from renda.organizations.models import Congress, HandlingUnit
    from renda.suggestions.models import Assignment, CoSigner, Suggestion

    rnd = random.Random(2026)
    with transaction.atomic():
        _province, counties, townships = _regions()
        Congress.objects.bulk_create([Congress(region=r, name=f"{r.name}人民代表大会") for r in counties + townships],
                                     batch_size=2000)
        congresses = list(Congress.objects.select_related("region").order_by("pk"))
        HandlingUnit.objects.bulk_create([HandlingUnit(name=f"{c.name}单位{i}", kind="government_department", region=c)
                                          for c in counties for i in range(SHAPE["units_per_county"])],
                                         batch_size=5000)
        units_by_county: dict[int, list[int]] = {}
        for pk, region_id in HandlingUnit.objects.values_list("pk", "region_id"):
            units_by_county.setdefault(region_id, []).append(pk)
        Person.objects.bulk_create([Person(name=f"代表{c.pk}-{i}", gender="male", region=c.region)
                                    for c in congresses for i in range(SHAPE["deputies_per_congress"])],
                                   batch_size=5000)
        people: dict[int, list[int]] = {}
        for pk, region_id in Person.objects.values_list("pk", "region_id"):
            people.setdefault(region_id, []).append(pk)
    statuses = [s for s, share in STATUS_SHARES for _ in range(share)]
    today = date.today()
    county_of = {t.pk: t.parent_id for t in townships}
    towns_of: dict[int, list[int]] = {}
    for t in townships:
        towns_of.setdefault(t.parent_id, []).append(t.pk)
    from renda.organizations.settings_specs import CATEGORIES_DEFAULT as CATEGORIES
    made = 0
    batch = 5000
    while made < rows:
        n = min(batch, rows - made)
        objs = []
        for i in range(n):
            congress = congresses[rnd.randrange(len(congresses))]
            region = congress.region
            # a county deputy's suggestion counts for the township they were elected in
            township_id = region.pk if region.level == "township" else rnd.choice(towns_of[region.pk])
            county_id = county_of.get(region.pk, region.pk)
            year = today.year - rnd.choice([0, 0, 1, 1, 2, 3, 4])
            status = rnd.choice(statuses)
            assigned = status in ("assigned", "handling", "replied", "rehandling", "evaluated", "follow_up", "closed")
            replied = status in ("replied", "rehandling", "evaluated", "follow_up", "closed")
            assigned_on = date(year, rnd.randint(1, 12), rnd.randint(1, 28)) if assigned else None
            deadline = assigned_on + timedelta(days=91) if assigned_on else None
            cls = rnd.choice("AAAABBCD") if replied else ""
            sat = (rnd.choice(["satisfied"] * 6 + ["basically_satisfied"] * 3 + ["unsatisfied"])
                   if status in ("rehandling", "evaluated", "follow_up", "closed") else "")
            objs.append(Suggestion(
                congress_id=congress.pk, region_path=region.path, township_id=township_id,
                number=f"{year}-{made + i + 1:06d}" if status != "draft" else "",
                kind="suggestion", channel=rnd.choice(["session", "session", "recess", "activity"]), status=status,
                title=f"关于改善{rnd.choice(WORDS)}和{rnd.choice(WORDS)}的建议", content="……" * 40,
                category=rnd.choice(CATEGORIES), lead_deputy_id=rnd.choice(people[region.pk]), year=year,
                lead_unit_id=rnd.choice(units_by_county[county_id]) if assigned else None,
                assigned_on=assigned_on, deadline=deadline,
                first_replied_on=deadline - timedelta(days=rnd.randint(-20, 60)) if replied and deadline else None,
                result_class=cls, satisfaction=sat, met_in_person=replied and rnd.random() < 0.7,
                closed_on=deadline if status == "closed" else None, key_supervised=rnd.random() < 0.03,
                overdue_since=deadline + timedelta(days=1) if deadline and replied and rnd.random() < 0.05 else None))
        with transaction.atomic():
            Suggestion.objects.bulk_create(objs, batch_size=batch)
            created = list(Suggestion.objects.order_by("-pk").values_list(
                "pk", "lead_unit_id", "assigned_on", "congress__region_id", "region_path")[:n])
            assignments, cosigners = [], []
            for pk, unit_id, assigned_on, region_id, _path in created:
                if unit_id:
                    assignments.append(Assignment(suggestion_id=pk, unit_id=unit_id, role="lead",
                                                  assigned_on=assigned_on, accepted_on=assigned_on))
                    if rnd.random() < 0.3:
                        county_id = county_of.get(region_id, region_id)
                        co = rnd.choice(units_by_county[county_id])
                        if co != unit_id:
                            assignments.append(Assignment(suggestion_id=pk, unit_id=co, role="co",
                                                          assigned_on=assigned_on))
                for person_id in rnd.sample(people[region_id], rnd.choice([0, 0, 1, 2, 3])):
                    cosigners.append(CoSigner(suggestion_id=pk, person_id=person_id))
            Assignment.objects.bulk_create(assignments, batch_size=batch)
            CoSigner.objects.bulk_create(cosigners, batch_size=batch, ignore_conflicts=True)
        made += n
        if made % 50000 == 0 or made == rows:
            print(f"  {made:,} suggestions", flush=True)
    return {"suggestions": Suggestion.objects.count(), "assignments": Assignment.objects.count(),
            "co_signers": CoSigner.objects.count(), "congresses": len(congresses),
            "units": HandlingUnit.objects.count(), "deputies": Person.objects.count()}


# --- measuring --------------------------------------------------------------------------------------------------
def accounts() -> list[Any]:
    from renda.accounts.models import User
    from renda.core.roles import Role
    from renda.organizations.models import Region

    counties = list(Region.objects.filter(level="county").order_by("pk"))
    county = counties[len(counties) // 2]
    town = Region.objects.filter(parent=county).order_by("pk").first()
    province = Region.objects.get(level="province")
    out = []
    for name, role, region in (("township clerk", Role.TOWNSHIP_STAFF, town),
                               ("county clerk", Role.COUNTY_STAFF, county),
                               ("province overview", Role.COUNTY_STAFF, province)):
        user, _ = User.objects.get_or_create(username=f"bench_{role}_{region.pk}",
                                             defaults={"role": role, "region": region})
        user.bench_label = name
        out.append(user)
    return out


def list_scenarios(user: Any) -> list[tuple[str, dict[str, Any]]]:
    from renda.suggestions.models import Suggestion

    year = date.today().year - 1
    visible = Suggestion.objects.filter(region_path__startswith=user.region.path)
    unit = visible.exclude(lead_unit=None).values_list("lead_unit_id", flat=True).first()
    return [
        ("no filter", {}),
        ("page 5", {"page": 5}),
        ("status=handling", {"status": "handling"}),
        ("year", {"year": year}),
        ("overdue", {"overdue": "1"}),
        ("lead unit", {"lead_unit": unit}),
        ("keyword", {"q": "饮水"}),
        ("status+year+overdue", {"status": "handling", "year": year, "overdue": "1"}),
    ]


def timed(client: Any, path: str, params: dict[str, Any], repeat: int) -> list[tuple[float, float, float]]:
    """(wall, CPU of this process, time in SQL) per request, seconds. On a shared machine the wall time moves with
    the load; CPU and SQL show where the time of one request goes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = []
    for i in range(repeat + 2):
        with CaptureQueriesContext(connection) as ctx:
            cpu, start = time.process_time(), time.perf_counter()
            response = client.get(path, params)
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        if response.status_code != 200:
            raise SystemExit(f"{path} {params}: {response.status_code} {response.content[:300]!r}")
        if i >= 2:  # two warm-up requests
            out.append((elapsed, cpu, sum(float(q["time"]) for q in ctx.captured_queries)))
    return out


def queries(client: Any, path: str, params: dict[str, Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, params)
    with CaptureQueriesContext(connection) as ctx:
        client.get(path, params)
    return len(ctx.captured_queries)


def line(label: str, samples: list[tuple[float, float, float]]) -> str:
    wall = [w for w, _, _ in samples]
    cpu = [c for _, c, _ in samples]
    sql = [q for _, _, q in samples]
    return (f"    {label:<38} p50 {percentile(wall, 50) * 1000:7.1f} ms   p95 {percentile(wall, 95) * 1000:7.1f} ms"
            f"   (python CPU p50 {percentile(cpu, 50) * 1000:6.1f}, SQL p50 {percentile(sql, 50) * 1000:6.1f})")


def figures(samples: list[tuple[float, float, float]]) -> dict[str, float]:
    wall = [w for w, _, _ in samples]
    return {"p50_ms": round(percentile(wall, 50) * 1000, 1), "p95_ms": round(percentile(wall, 95) * 1000, 1)}


def _todo_times(user: Any, repeat: int) -> list[tuple[float, float, float]]:
    """The home page's 待办 alone (web.todo.todo), called directly: how much of the page it is."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from renda.web.todo import todo

    out = []
    for i in range(repeat + 2):
        with CaptureQueriesContext(connection) as ctx:
            cpu, start = time.process_time(), time.perf_counter()
            todo(user)
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        if i >= 2:
            out.append((elapsed, cpu, sum(float(q["time"]) for q in ctx.captured_queries)))
    return out


def measure(repeat: int) -> dict[str, Any]:
    from django.test import Client

    from renda.api.auth import issue_token

    users = accounts()
    result: dict[str, Any] = {}
    for kind, path in (("page", "/suggestions/"), ("api", "/api/v1/suggestions")):
        every: list[tuple[float, float, float]] = []
        print(f"  list {path}:", flush=True)
        for user in users:
            client = Client()
            if kind == "page":
                client.force_login(user)
            else:
                client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)[0]}")
            mine: list[tuple[float, float, float]] = []
            for name, params in list_scenarios(user):
                values = timed(client, path, params, repeat)
                mine += values
                print(line(f"{user.bench_label}: {name}", values), flush=True)
            every += mine
            print(line(f"{user.bench_label}: all", mine) + f"   queries/page {queries(client, path, {})}")
        print(line("ALL", every), flush=True)
        result[f"list_{kind}"] = figures(every)
    stat_samples: list[tuple[float, float, float]] = []
    year = date.today().year - 1
    print("  stats /api/v1/suggestions/stats:", flush=True)
    for user in users:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)[0]}")
        for by in ("", "unit", "township", "category"):
            params = {"year": year, **({"by": by} if by else {})}
            values = timed(client, "/api/v1/suggestions/stats", params, repeat)
            stat_samples += values
            print(line(f"{user.bench_label}: {by or 'totals'}", values)
                  + f"   queries {queries(client, '/api/v1/suggestions/stats', params)}", flush=True)
    print(line("ALL", stat_samples), flush=True)
    result["stats"] = figures(stat_samples)
    home: list[tuple[float, float, float]] = []
    print("  home page / (待办 and the deputies' figures):", flush=True)
    for user in users:
        client = Client()
        client.force_login(user)
        values = timed(client, "/", {}, repeat)
        home += values
        print(line(user.bench_label, values) + f"   queries {queries(client, '/', {})}", flush=True)
        print(line(f"{user.bench_label}: of which 待办", _todo_times(user, repeat)), flush=True)
    print(line("ALL", home), flush=True)
    result["home"] = figures(home)
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench suggestions")
    parser.add_argument("--db", default="sqlite", help=f"sqlite, or a PostgreSQL URL such as {DEFAULT_PG}")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep (and reuse) the generated database")
    args = parser.parse_args(argv)
    url = database_url(args.db)
    reused = fresh_database(url, args.reuse)
    setup(url)
    from django.core.management import call_command
    from django.db import connection

    from renda.suggestions.models import Suggestion

    print(f"suggestions benchmark · {machine()} · {db_label()} · load average {os.getloadavg()[0]:.1f}",
          flush=True)
    call_command("migrate", verbosity=0)
    if not (reused and Suggestion.objects.exists()):
        start = time.perf_counter()
        counts = generate(args.rows)
        print(f"  generated in {time.perf_counter() - start:.0f} s: {counts}", flush=True)
    with connection.cursor() as cur:  # as autovacuum would have done on a live database
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    result = measure(args.requests)
    print(f"  summary: {result} · load average {os.getloadavg()[0]:.1f}", flush=True)
    if not args.reuse:
        connection.close()
        drop_database(url)
    return 0
