"""The deputies registry at province scale: roster import speed and memory, and the deputy list page.

    python -m bench deputies [--db sqlite|postgres://postgres@127.0.0.1:5432/bench_deppages]
                             [--part import|list|all] [--rows 10000,100000] [--requests 20] [--reuse]

import  A county's roster of N generated rows (.xlsx with the import's columns, 1 % bad rows, written as Excel writes
        it: shared strings, the sheet's dimension) is imported into a fresh county through services.roster_import,
        as a clerk does — above 2,000 rows that is a background job, run here in-line by the immediate task backend.
        Each import runs in its own child process, so its peak memory is the child's ru_maxrss (Django and the ORM
        included; the baseline after start-up is printed beside it). Then the same file is imported again: every
        row is matched, nothing changes. → rows/s.
list    A province made by `generate_province` (21 cities, 120 counties, 1,100 townships, ~108,000 people,
        ~110,600 mandates). County and township clerks of five counties each open the deputy list page
        (/deputies/, 50 a page, through the whole middleware stack with a logged-in session) with each filter
        and search → p50/p95 per scenario and overall, and the SQL queries per page for a small township, a large
        county and a later page (the same number: it does not grow with the rows).

Databases are the benchmark's own: SQLite files under bench/out/deputies/ (made afresh unless --reuse), or the
PostgreSQL database named (its name must start with bench_; created afresh and dropped at the end unless --reuse).
Figures are printed, never asserted: the README holds them with the machine and the date.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, drop_database, fresh_database, machine, percentile

OUT = ROOT / "bench" / "out" / "deputies"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/bench_deppages"


# --- databases ------------------------------------------------------------------------------------------------
def database_url(arg: str, purpose: str) -> str:
    if arg == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{OUT / f'{purpose}.sqlite3'}"
    return f"{arg.rstrip('/')}_{purpose}"


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("RENDA_DATA_DIR", str(OUT))
    os.environ.setdefault("RENDA_TESTING", "1")   # fixed keys, fast hasher, in-line background tasks
    OUT.mkdir(parents=True, exist_ok=True)
    from bench.common import setup_django

    setup_django(url, str(OUT))


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def db_label() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    major, minor = divmod(connection.pg_version, 10000)
    return f"PostgreSQL {major}.{minor}"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux


# --- import ---------------------------------------------------------------------------------------------------
HEADER = ["序号", "姓名", "性别", "民族", "出生年月", "政治面貌", "文化程度", "职业构成", "工作单位及职务", "身份证号",
          "手机号码", "住址", "选区", "代表层级", "代表小组", "当选日期"]


def roster_file(rows: int, districts: list[str], groups: list[str], seed: int) -> bytes:
    """A county roster of `rows` made-up deputies in the county's own words; one row in a hundred is wrong."""
    from openpyxl import Workbook

    from renda.deputies.management.commands.generate_province import GIVEN, POSTS, SURNAMES
    from renda.deputies.validation import id_check_char

    rnd = random.Random(seed)
    # The normal (not write-only) mode, so the file is as Excel and WPS write one: text in the shared-strings table
    # and the sheet's <dimension> set (write-only mode writes inline strings and no dimension, which openpyxl then
    # reads more slowly — twice over, to find the sheet's size — than any roster a county sends).
    wb = Workbook()
    ws = wb.active
    ws.title = "名册"
    ws.append(["某县第十八届人民代表大会代表名册"])
    ws.append(HEADER)
    seen: set[str] = set()
    for n in range(1, rows + 1):
        female = rnd.random() < 0.3
        while True:
            first17 = (f"44{seed % 90 + 1:02d}{rnd.randrange(1, 30):02d}{rnd.randrange(1950, 2000)}"
                       f"{rnd.randrange(1, 13):02d}{rnd.randrange(1, 29):02d}"
                       f"{rnd.randrange(500) * 2 + (0 if female else 1):03d}")
            if first17 not in seen:
                seen.add(first17)
                break
        id_number = first17 + id_check_char(first17)
        if n % 100 == 0:
            id_number = first17 + ("0" if id_check_char(first17) != "0" else "1")      # a typo: checksum
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
        ws.append([n, name, "女" if female else "男", "汉", f"{first17[6:10]}.{first17[10:12]}",
                   rnd.choice(("中共党员", "群众", "共青团员")), rnd.choice(("大学本科", "大专", "高中", "初中")),
                   rnd.choice(("农民", "工人", "专业技术人员", "党政干部")), rnd.choice(POSTS), id_number,
                   f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}", "", districts[n % len(districts)], "",
                   groups[n % len(groups)], "2021-10-15"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def prepare_county(tag: str) -> tuple[int, int, list[str], list[str]]:
    """A fresh county with 10 townships, its congress, term, districts and groups; (congress id, clerk id, …)."""
    import datetime as dt

    from renda.accounts.models import User
    from renda.core.roles import Role
    from renda.deputies.models import DeputyGroup, ElectoralDistrict
    from renda.organizations.models import Congress, Region, Term

    def region(name: str, level: str, parent: Region | None) -> Region:
        r = Region.objects.create(name=name, level=level, parent=parent)
        r.path, r.depth = f"{parent.path if parent else '/'}{r.pk}/", (parent.depth + 1 if parent else 0)
        r.save(update_fields=["path", "depth"])
        return r

    province = Region.objects.filter(level="province").first() or region("基准省", "province", None)
    city = region(f"基准市{tag}", "city", province)
    county = region(f"基准县{tag}", "county", city)
    congress = Congress.objects.create(region=county, name=f"{county.name}人民代表大会")
    Term.objects.create(congress=congress, number=18, election_date=dt.date(2021, 10, 15),
                        start_date=dt.date(2021, 10, 20), is_current=True)
    districts, groups = [], []
    for i in range(10):
        town = region(f"{county.name}第{i + 1}镇", "township", county)
        districts.append(ElectoralDistrict.objects.create(congress=congress, name=f"第{i + 1}选区", region=town).name)
        groups.append(DeputyGroup.objects.create(name=f"第{i + 1}镇代表小组", region=town).name)
    clerk = User.objects.create(username=f"bench_county_{tag}", role=Role.COUNTY_STAFF, region=county)
    return congress.pk, clerk.pk, districts, groups


def child_import(url: str, path: str, congress_id: int, clerk_id: int) -> None:
    """Run in a child process: one import, timed, with the child's peak memory."""
    setup(url)
    from renda.accounts.models import User
    from renda.deputies import services
    from renda.organizations.models import Congress

    data = Path(path).read_bytes()
    congress = Congress.objects.select_related("region").get(pk=congress_id)
    clerk = User.objects.select_related("region").get(pk=clerk_id)
    baseline = rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    job = services.roster_import(actor=clerk, congress=congress, data=data, filename=Path(path).name)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    job.refresh_from_db()
    result = job.result or {}
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "load": os.getloadavg()[0], "status": job.status,
                      "rows": result.get("rows"),
                      "created": result.get("created"), "updated": result.get("updated"),
                      "unchanged": result.get("unchanged"), "error_rows": result.get("error_rows"),
                      "baseline_mb": baseline, "peak_mb": rss_mb()}))


def run_import(args: argparse.Namespace) -> list[dict[str, Any]]:
    url = database_url(args.db, "import")
    fresh_database(url, reuse=False)
    setup(url)
    migrate()
    rows_list = [int(r) for r in args.rows.split(",")]
    results = []
    for rows in rows_list:
        congress_id, clerk_id, districts, groups = prepare_county(str(rows))
        started = time.perf_counter()
        data = roster_file(rows, districts, groups, seed=rows)
        path = OUT / f"roster-{rows}.xlsx"
        path.write_bytes(data)
        made = time.perf_counter() - started
        for attempt in ("first import", "re-import (no change)"):
            out = subprocess.run([sys.executable, "-m", "bench", "deputies", "--child-import", str(path),
                                  "--db-url", url, "--congress", str(congress_id), "--clerk", str(clerk_id)],
                                 cwd=ROOT, capture_output=True, text=True, check=False)
            if out.returncode != 0:
                print(out.stderr[-3000:])
                raise SystemExit(f"the import child failed ({rows} rows, {attempt})")
            figures = json.loads(out.stdout.strip().splitlines()[-1])
            figures.update(rows_in_file=rows, attempt=attempt, file_mb=len(data) / 2**20, made_s=made,
                           rows_per_s=rows / figures["seconds"])
            results.append(figures)
            print(f"  {rows:>7,} rows, {attempt:<22} {figures['seconds']:7.1f} s  {figures['rows_per_s']:7.0f} rows/s"
                  f"  (CPU of the process {figures['cpu_seconds']:.1f} s; load {figures['load']:.1f})"
                  f"  peak {figures['peak_mb']:6.0f} MB (after start-up {figures['baseline_mb']:.0f} MB)  "
                  f"created {figures['created']:,} updated {figures['updated']:,} unchanged "
                  f"{figures['unchanged']:,} bad rows {figures['error_rows']:,}  [{figures['status']}; file "
                  f"{figures['file_mb']:.1f} MB]", flush=True)
    if not args.reuse:
        drop_database(url)
    return results


# --- the list page at province scale --------------------------------------------------------------------------
def province(args: argparse.Namespace) -> str:
    url = database_url(args.db, "province")
    reused = fresh_database(url, reuse=args.reuse)
    setup(url)
    from renda.organizations.models import Region

    if not (reused and Region.objects.filter(level="province").exists()):
        migrate()
        from renda.deputies.management.commands.generate_province import Shape, generate

        shape = Shape() if not args.small else Shape(cities=3, counties=12, townships=110)
        report = generate(shape=shape, progress=lambda m: print("  " + m, flush=True))
        print(f"  generated in {report.seconds:.0f} s: {report.counts}", flush=True)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")   # planner statistics, as a production database has them
    return url


def scenarios(user: Any) -> list[tuple[str, dict[str, Any]]]:
    from renda.deputies import selectors
    from renda.deputies.models import DeputyGroup, ElectoralDistrict, Person
    from renda.organizations.models import Congress

    own = Congress.objects.get(region=user.region)
    district = ElectoralDistrict.objects.filter(region__path__startswith=user.region.path).order_by("?").first()
    group = DeputyGroup.objects.filter(region__path__startswith=user.region.path).order_by("?").first()
    someone = selectors.people_visible(user=user).order_by("?").first()
    assert isinstance(someone, Person)
    return [
        ("no filter", {}),
        ("page 5", {"page": 5}),
        ("search initials", {"q": someone.name_initials[:2]}),
        ("search name", {"q": someone.name[:1]}),
        ("search ID (exact)", {"q": someone.id_number}),
        ("status=active", {"status": "active"}),
        ("level=township", {"level": "township"}),
        ("congress", {"congress": own.pk}),
        ("district", {"district": district.pk}),
        ("group", {"group": group.pk}),
        ("status+level+search", {"status": "active", "level": "township", "q": someone.name_initials[:1]}),
    ]


def run_list(args: argparse.Namespace) -> dict[str, Any]:
    url = province(args)
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from renda.accounts.models import User
    from renda.core.roles import Role
    from renda.deputies.models import Mandate, Person
    from renda.organizations.models import Region

    counties = list(Region.objects.filter(level="county").order_by("pk"))
    picks = [counties[i * len(counties) // 5] for i in range(5)]
    users = []
    for county in picks:
        town = Region.objects.filter(parent=county).order_by("pk").first()
        for role, region in ((Role.COUNTY_STAFF, county), (Role.TOWNSHIP_STAFF, town)):
            user, _ = User.objects.get_or_create(username=f"bench_{role}_{region.pk}",
                                                 defaults={"role": role, "region": region})
            users.append(user)
    print(f"  {Person.objects.count():,} people, {Mandate.objects.count():,} mandates, "
          f"{Region.objects.filter(level='county').count()} counties, "
          f"{Region.objects.filter(level='township').count()} townships", flush=True)
    samples: dict[str, list[float]] = {}
    by_role: dict[str, list[float]] = {}
    cpu_samples: list[float] = []
    sql_samples: list[float] = []
    sql_time = [0.0]

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_time[0] += time.perf_counter() - began
    load_before = os.getloadavg()[0]
    for user in users:
        client = Client()
        client.force_login(user)
        for name, params in scenarios(user):
            for i in range(args.requests + 2):
                sql_time[0] = 0.0
                start, cpu = time.perf_counter(), time.process_time()
                with connection.execute_wrapper(timed):
                    response = client.get("/deputies/", params)
                elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
                if response.status_code != 200:
                    raise SystemExit(f"{name}: {response.status_code}")
                if i >= 2:   # two warm-up requests per scenario
                    samples.setdefault(name, []).append(elapsed)
                    by_role.setdefault(user.role, []).append(elapsed)
                    cpu_samples.append(cpu)
                    sql_samples.append(sql_time[0])
        reset_queries()
    every = [s for v in samples.values() for s in v]
    print(f"  list page /deputies/ (50 a page), {args.requests} requests × {len(users)} users per scenario:")
    for name, values in [*samples.items(), *by_role.items()]:
        print(f"    {name:<22} p50 {percentile(values, 50) * 1000:6.1f} ms   "
              f"p95 {percentile(values, 95) * 1000:6.1f} ms")
    print(f"    {'all':<22} p50 {percentile(every, 50) * 1000:6.1f} ms   p95 {percentile(every, 95) * 1000:6.1f} ms"
          f"   (n={len(every)})")
    print(f"    {'CPU of this process':<22} p50 {percentile(cpu_samples, 50) * 1000:6.1f} ms   "
          f"p95 {percentile(cpu_samples, 95) * 1000:6.1f} ms   (Django and, for SQLite, the database)")
    print(f"    {'time in SQL':<22} p50 {percentile(sql_samples, 50) * 1000:6.1f} ms   "
          f"p95 {percentile(sql_samples, 95) * 1000:6.1f} ms   (wall time of the queries, as the app waits)")
    print(f"    machine load average (1 min) before {load_before:.1f}, after {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")

    queries = {}
    for label, user, params in (("township clerk, page 1", users[1], {}),
                                ("county clerk, page 1", users[0], {}),
                                ("county clerk, page 20", users[0], {"page": 20}),
                                ("county clerk, search", users[0], {"q": "z"})):
        client = Client()
        client.force_login(user)
        client.get("/deputies/", params)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/deputies/", params)
        rows = len(re.findall(r'<a href="/deputies/\d+/">', response.content.decode()))
        total = response.content.decode().split('data-testid="count">共 ', 1)[1].split(" ", 1)[0]
        queries[label] = len(ctx.captured_queries)
        print(f"    SQL queries per page: {label:<24} {len(ctx.captured_queries)}  ({rows} rows shown of {total})")
    if not args.reuse:
        connection.close()
        drop_database(url)
    return {"p50_ms": percentile(every, 50) * 1000, "p95_ms": percentile(every, 95) * 1000, "queries": queries}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench deputies")
    parser.add_argument("--db", default="sqlite", help=f"sqlite or a PostgreSQL URL base, e.g. {DEFAULT_PG}")
    parser.add_argument("--part", choices=("import", "list", "all"), default="all")
    parser.add_argument("--rows", default="10000,100000")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the generated databases")
    parser.add_argument("--small", action="store_true", help="a tenth of the province (to try the benchmark out)")
    parser.add_argument("--child-import", help=argparse.SUPPRESS)
    parser.add_argument("--db-url", help=argparse.SUPPRESS)
    parser.add_argument("--congress", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--clerk", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_import:
        child_import(args.db_url, args.child_import, args.congress, args.clerk)
        return 0
    print(f"deputies benchmark · {machine()} · {time.strftime('%Y-%m-%d')}", flush=True)
    if args.part in ("import", "all"):
        print("roster import:", flush=True)
        run_import(args)
        print(f"  database: {db_label()}", flush=True)
    if args.part in ("list", "all"):
        if args.part == "all":
            from django.db import connection

            connection.close()
            os.environ.pop("DATABASE_URL", None)
            # A second database in the same process: re-run ourselves for the list part.
            code = subprocess.run([sys.executable, "-m", "bench", "deputies", "--part", "list", "--db", args.db,
                                   "--requests", str(args.requests), *(["--reuse"] if args.reuse else []),
                                   *(["--small"] if args.small else [])],
                                  cwd=ROOT, check=False).returncode
            return code
        print("deputy list at province scale:", flush=True)
        run_list(args)
        print(f"  database: {db_label()}", flush=True)
    return 0
