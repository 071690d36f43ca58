"""Speed and memory of the category classifier on raw text, and of the form assistant's endpoint (docs/insights.md).

    bin/bench insights_bench [--data ../shared/datasets/tipdm2020] [--n 10000]
        [--part engine|endpoint|browser|typists|archive|all]
        [--db sqlite|postgres://postgres@127.0.0.1:5432/bench_insights] [--opinions 3000] [--requests 100]

engine:

Training set: the labelled TipDM 2020 messages with their spaces removed, so that the segmenter has to cut every one
of them as it would a raw message, repeated until there are --n. Classification: the raw 留言主题 + 留言详情 of
附件2 示例数据 and 附件4 (3,267 messages). Wall-clock and CPU seconds are both printed: on a shared machine the
CPU figure is the one to compare with a target.

endpoint: a benchmark database (an SQLite file under bench/out, or a PostgreSQL database named bench_…, created
afresh and dropped afterwards) with one township congress whose --opinions opinions carry the raw TipDM texts
and their categories; the category model is trained from them through services.model_train (the registered
history sources), then the clerk's assistant (POST /insights/assist/) is called --requests times in one process
with new texts (附件4, not in the history), as htmx does while the clerk types. Printed: the first call (cold:
the similar-case index of the clerk's scope is built), then p50/p95 of the warm calls and the queries per call.

browser: the same database behind gunicorn (production settings, one worker), and Debian's Chromium (headless,
driven by Playwright) on the clerk's 登记群众意见 form. Each of --requests new texts is put in the 意见内容 box and
its last four characters are typed 60 ms apart, as a clerk finishes a sentence; the page's own htmx asks the
assistant on every change of the text, one request at a time (a change made meanwhile is asked next). Printed,
from the browser's clock, for the request of the text as it finally stands: from the last keystroke to its
proposal shown on the page, and from that request leaving to the proposal shown; and the requests sent per text.

typists: the same database behind gunicorn (--workers), and --typists clerks typing at once over HTTP as the
form does (a session, the CSRF token, one request in flight per clerk with the latest change queued).

archive: a ledger of past cases (往年案例) of each --archive-rows size imported into a township congress through
archive.archive_import (checks, bulk insert, audit), then the congress's unit model trained from it.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from renda.insights import text as textlib
from renda.insights.classifier import TextClassifier, train

DEFAULT_DATA = str(Path(__file__).resolve().parents[2] / "shared/datasets/tipdm2020")
OUT = Path(__file__).resolve().parent / "out"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - w, time.process_time() - c


def engine(args: argparse.Namespace) -> None:
    data = Path(args.data)
    labelled = rows(data / "附件2_训练集_分词_一级标签.csv")
    texts = [r["分词文本"].replace(" ", "") for r in labelled]
    labels = [r["一级标签"] for r in labelled]
    while len(texts) < args.n:
        k = args.n - len(texts)
        texts, labels = texts + texts[:k], labels + labels[:k]
    raw = [r["留言主题"] + " " + r["留言详情"] for r in rows(data / "附件2_示例数据_原文_一级标签.csv")]
    raw += [r["留言主题"] + " " + r["留言详情"] for r in rows(data / "附件4_留言_答复意见.csv")]

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    _, w, c = timed(textlib.warm_up)
    print(f"segmenter dictionary load: {w:.2f} s")
    model, w, c = timed(train, texts, labels, min_history=50, min_per_class=5)
    assert isinstance(model, TextClassifier)
    print(f"train on {len(texts)} raw messages: wall {w:.1f} s, CPU {c:.1f} s (with the status page's estimate: "
          f"{model.estimate.accuracy if model.estimate else '-'} accuracy)")
    _, w2, c2 = timed(train, texts, labels, min_history=50, min_per_class=5, with_estimate=False)
    print(f"  the same without the estimate: wall {w2:.1f} s, CPU {c2:.1f} s")
    _, w, c = timed(model.predict, raw)
    print(f"classify {len(raw)} raw messages in one process: {len(raw) / w:.0f}/s wall, {len(raw) / c:.0f}/s CPU")
    cores = os.cpu_count() or 1
    if cores > 1:
        pw = time.perf_counter()
        model.predict(raw, processes=cores)
        pw = time.perf_counter() - pw
        print(f"classify {len(raw)} raw messages in {cores} processes: {len(raw) / pw:.0f}/s wall")
    latencies = []
    for t in raw[:300]:
        _, w, _ = timed(model.suggest, t, threshold=0.6)
        latencies.append(w * 1000)
    latencies.sort()
    print(f"one suggestion with its words: p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {latencies[int(0.95 * len(latencies))]:.1f} ms, max {latencies[-1]:.1f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.joblib"
        _, w, _ = timed(model.save, path)
        size = path.stat().st_size / 1e6
        _, lw, _ = timed(TextClassifier.load, path)
    print(f"model file {size:.1f} MB (save {w:.1f} s, load {lw:.1f} s); "
          f"{len(model.features.words_.vocabulary_)} word + {len(model.features.chars_.vocabulary_)} char + "
          f"{len(model.features.heads_.vocabulary_)} head features")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"load average {os.getloadavg()[0]:.1f} at end")



def _seed(data: Path, n: int) -> tuple[object, object, list[str]]:
    """Regions, one township congress, its clerk and station, n opinions with categories; new texts to type."""
    import datetime as dt

    from django.utils import timezone

    from renda.accounts.models import User
    from renda.core.roles import Role
    from renda.liaison.models import Opinion, Station
    from renda.organizations.models import Congress, Region
    from renda.organizations.services import congress_setting_set

    def region(name: str, level: str, parent: Region | None = None) -> Region:
        r = Region.objects.create(name=name, level=level, parent=parent)
        r.path = f"{parent.path if parent else '/'}{r.pk}/"
        r.save(update_fields=["path"])
        return r

    province = region("基准省", "province")
    county = region("基准县", "county", region("基准市", "city", province))
    town, other = region("甲镇", "township", county), region("乙镇", "township", county)
    congress = Congress.objects.create(region=town, name="甲镇人民代表大会")
    Congress.objects.create(region=other, name="乙镇人民代表大会")
    clerk = User.objects.create(username="bench_clerk", role=Role.TOWNSHIP_STAFF, region=town)
    station = Station.objects.create(name="甲镇中心联络站", kind="central", region=town, congress=congress,
                                     address="甲镇")
    labelled = rows(data / "附件2_示例数据_原文_一级标签.csv")
    pretok = rows(data / "附件2_训练集_分词_一级标签.csv")
    items = [(r["留言主题"] + " " + r["留言详情"], r["一级标签"]) for r in labelled]
    items += [(r["分词文本"].replace(" ", ""), r["一级标签"]) for r in pretok]
    # the data's own seven categories become the congress's list (议题分类)
    congress_setting_set(actor=None, congress=congress, key="org.categories",
                         raw=",".join(sorted({label for _, label in items})))
    now = timezone.now()
    Opinion.objects.bulk_create([
        Opinion(tracking_code=f"B{i:015d}", congress=congress, region=town if i % 5 else other, station=station,
                channel="reception", category=label, category_checked=True, content=text[:2000], status="accepted",
                received_at=now - dt.timedelta(hours=i), deadline=(now + dt.timedelta(days=15)).date())
        for i, (text, label) in enumerate(items[:n])], batch_size=500)
    typed = [r["留言主题"] + " " + r["留言详情"][:200] for r in rows(data / "附件4_留言_答复意见.csv")]
    return congress, clerk, typed


@contextmanager
def _bench_database(args: argparse.Namespace, name: str, title: str) -> Iterator[None]:
    """A fresh benchmark database, migrated (an SQLite file under bench/out, or the PostgreSQL database of --db),
    with the settings pointed at it; dropped afterwards."""
    from bench.common import drop_database, fresh_database, machine, setup_django

    OUT.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{OUT / f'{name}.sqlite3'}" if args.db == "sqlite" else args.db
    fresh_database(url)
    setup_django(url, str(OUT / f"{name}-data"))
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        print(f"{title} · {machine()} · {connection.vendor} · load average {os.getloadavg()[0]:.1f}", flush=True)
        yield
    finally:
        connection.close()
        drop_database(url)


def endpoint(args: argparse.Namespace) -> None:
    from bench.common import count_queries, summary_ms

    with _bench_database(args, "insights", "endpoint"):
        from django.conf import settings
        from django.test import Client
        from django.urls import reverse

        from renda.insights import services

        congress, clerk, typed = _seed(Path(args.data), args.opinions)
        _, w, c = timed(services.model_train, actor=None, congress=congress, kind="category")
        print(f"  model_train from {args.opinions} opinions (history sources): wall {w:.1f} s, CPU {c:.1f} s")
        client = Client()
        client.force_login(clerk)
        path = reverse("insights:assist")

        def call(text: str) -> int:
            response = client.post(path, {"content": text, "insights_congress": congress.pk})
            assert response.status_code == 200 and b"insights-proposal" in response.content, response.status_code
            return response.status_code

        _, cold, _ = timed(call, typed[0])
        print(f"  first call (cold: the scope's similar-case index is built): {cold * 1000:.0f} ms")
        # as served (the scope's fingerprint checked at most every INSIGHTS_ASSIST_RECHECK_SERVED seconds), then
        # with the check on every call (as in the tests)
        for recheck in dict.fromkeys((settings.INSIGHTS_ASSIST_RECHECK_SERVED, 0.0)):
            settings.INSIGHTS_ASSIST_RECHECK_SECONDS = recheck
            samples, cpu, counts = [], [], []
            for text in typed[1:args.requests + 1]:
                start, start_cpu = time.perf_counter(), time.process_time()
                queries, _ = count_queries(lambda t=text: call(t))  # type: ignore[misc]
                samples.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
                counts.append(queries)
            checks = f"at most every {recheck:g} s" if recheck else "on every call"
            print(f"  warm calls, the scope checked {checks}: {summary_ms(samples)}; queries "
                  f"{min(counts)}–{max(counts)}, mean {statistics.mean(counts):.1f}")
            print(f"    CPU time of the same calls: {summary_ms(cpu)}")
        settings.INSIGHTS_ASSIST_RECHECK_SECONDS = settings.INSIGHTS_ASSIST_RECHECK_SERVED  # as served from here on
        _opinion_page(client, congress)
        _hot_pages(client)
        status = reverse("insights:status")
        pages = []
        for _ in range(20):
            start = time.perf_counter()
            queries, response = count_queries(lambda: client.get(status))
            assert response.status_code == 200 and b'data-testid="model-status"' in response.content
            pages.append(time.perf_counter() - start)
        print(f"  智能辅助 status page (the model's JSON summary, no model loaded): {summary_ms(pages)}; "
              f"{queries} queries")
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for text in typed[1:21]:
                call(text)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
              f"load average {os.getloadavg()[0]:.1f} at end", flush=True)


def archive(args: argparse.Namespace) -> None:
    """往年案例: importing a ledger of --archive-rows rows (.xlsx of the labelled messages with their categories, each
    category's cases under one of eight county units, and 附件4's replies) into a township congress, then training
    its unit model from it."""
    import io

    from openpyxl import Workbook

    with _bench_database(args, "archive", "archive"):
        from renda.core.roles import Role
        from renda.insights import archive as archive_svc
        from renda.insights import services
        from renda.organizations.models import HandlingUnit, Region

        congress, clerk, _ = _seed(Path(args.data), 0)
        clerk.role = Role.COUNTY_STAFF  # the county's clerk imports a township congress's ledger
        clerk.region = Region.objects.get(name="基准县")
        clerk.save()
        county = clerk.region
        units = [HandlingUnit.objects.create(name=f"县第{k}局", kind="government_department", region=county)
                 for k in range(1, 9)]
        # the bench runs tasks at once (test settings); in production the import only enqueues the retraining for
        # the worker, so it is left out of the import's time here and timed on its own below
        archive_svc._retrain_after_commit = lambda congress: None  # type: ignore[assignment]
        replies = rows(Path(args.data) / "附件4_留言_答复意见.csv")
        # labelled messages (the sample's raw text, the training file's with its spaces removed), their category,
        # the category's unit (as a county's departments divide the work; units drawn at random could not be
        # learnt and would only measure the solver's worst case), and a reply of 附件4 in turn
        labelled = [(r["留言主题"], r["留言详情"], r["一级标签"])
                    for r in rows(Path(args.data) / "附件2_示例数据_原文_一级标签.csv")]
        labelled += [("", r["分词文本"].replace(" ", ""), r["一级标签"])
                     for r in rows(Path(args.data) / "附件2_训练集_分词_一级标签.csv")]
        by_category = {c: units[k % len(units)] for k, c in enumerate(sorted({c for _, _, c in labelled}))}
        for count in args.archive_rows:
            book = Workbook(write_only=True)
            sheet = book.create_sheet()
            sheet.append(["编号", "年度", "标题", "内容", "领域分类", "主办单位", "答复内容"])
            for i in range(count):
                title, content, category = labelled[i % len(labelled)]
                again = f"（第 {i // len(labelled) + 1} 次反映）" if i >= len(labelled) else ""
                sheet.append([f"{i:06d}", 2020 + i % 5, title, content + again, category,
                              by_category[category].name, replies[i % len(replies)]["答复意见"]])
            buffer = io.BytesIO()
            book.save(buffer)
            data = buffer.getvalue()
            (result, wall, cpu) = timed(archive_svc.archive_import, actor=clerk, congress=congress, kind="suggestion",
                                        data=data, file_name="bench.xlsx")
            # the labelled files repeat some messages word for word: those rows are refused as repeats
            assert all(e.reason.startswith("与第") for e in result.errors), result.errors[:3]
            print(f"  import {count:,} rows ({len(data) / 1e6:.1f} MB .xlsx; {result.imported:,} imported, "
                  f"{len(result.errors)} refused as repeats): wall {wall:.2f} s, CPU {cpu:.2f} s; "
                  f"{count / wall:,.0f} rows/s", flush=True)
            _, wall, cpu = timed(services.model_train, actor=None, congress=congress, kind="unit")
            print(f"  unit model from the {congress.archived_cases.count():,} imported cases: wall {wall:.1f} s, "
                  f"CPU {cpu:.1f} s", flush=True)
            archive_svc.archive_delete(actor=clerk, batch=result.batch)
        print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
              f"load average {os.getloadavg()[0]:.1f} at end", flush=True)


def _opinion_page(client: object, congress: object) -> None:
    """The opinion page and its 疑似重复 fragment (loaded by htmx after the page), the fragment once cold."""
    from django.test import Client

    from bench.common import summary_ms
    from renda.insights import history
    from renda.liaison.models import Opinion

    assert isinstance(client, Client)
    ids = list(Opinion.objects.filter(congress=congress, region__name="甲镇").order_by("pk")
               .values_list("pk", flat=True)[:21])

    def get(path: str) -> float:
        start = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return time.perf_counter() - start

    history.clear_caches()
    page = [get(f"/liaison/opinions/{pk}/") for pk in ids]
    cold = get(f"/liaison/opinions/{ids[0]}/near-duplicates/")
    warm = [get(f"/liaison/opinions/{pk}/near-duplicates/") for pk in ids[1:]]
    print(f"  opinion page (without the near-duplicate look-up): {summary_ms(page)}")
    print(f"  its 疑似重复 fragment: first call {cold * 1000:.0f} ms (builds the index), then {summary_ms(warm)}")


def _hot_pages(client: object) -> None:
    """The township clerk's 热点问题 page and the home page's 本月热点 fragment: each groups this month's opinions of
    the township on its first call (the cache emptied before), then reads the groups from the cache while the
    opinions stay as they are (monthly._groups; the fragment reads the same groups, monthly.hottest)."""
    from django.core.cache import cache
    from django.test import Client

    from bench.common import count_queries, summary_ms
    from renda.insights import monthly
    from renda.liaison.models import Opinion

    assert isinstance(client, Client)
    cache.clear()  # with REDIS_URL set, the fragment of an earlier run would be read on the first call
    start = monthly.this_month()
    month = Opinion.objects.filter(region__name="甲镇", received_at__date__gte=start).count()
    for name, path in (("热点问题 page", "/insights/hot/"), ("home page's 本月热点 fragment", "/insights/hot/home/")):
        samples = []
        for _ in range(11):
            began = time.perf_counter()
            queries, response = count_queries(lambda p=path: client.get(p))
            assert response.status_code == 200, (path, response.status_code)
            samples.append(time.perf_counter() - began)
        print(f"  {name} ({month} opinions of the township this month): first call {samples[0] * 1000:.0f} ms, "
              f"then {summary_ms(samples[1:])}; {queries} queries")


_TIMING = """() => {
  const box = document.querySelector('[data-testid=insights-assist]');
  window.__assist = {key: 0, sent: 0, shown: 0, requests: 0, first: 0};
  // on window, capturing: before renda.js (on document) turns the key into the form's request
  window.addEventListener('input', () => { window.__assist.key = performance.now(); }, true);
  box.addEventListener('htmx:beforeRequest', (e) => {
    e.detail.xhr.__sent = performance.now(); window.__assist.requests += 1;
    window.__assist.first = window.__assist.first || e.detail.xhr.__sent; });
  box.addEventListener('htmx:afterSettle', (e) => {  // only the proposal for the text as it now stands counts
    const sent = e.detail.xhr.__sent;
    if (sent >= window.__assist.key) { window.__assist.sent = sent; window.__assist.shown = performance.now(); }
  });
}"""


@contextmanager
def _served(args: argparse.Namespace, name: str) -> Iterator[dict[str, Any]]:
    """The endpoint bench's database (--opinions opinions, a trained category model) behind gunicorn with
    production settings on --port; dropped afterwards. Yields base, station, clerk, password, typed, vendor."""
    import secrets
    import signal
    import urllib.request

    from bench.common import drop_database, fresh_database, server_env, start_server

    data_dir = OUT / name
    data_dir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{data_dir / 'db.sqlite3'}" if args.db == "sqlite" else args.db
    fresh_database(url)
    env = server_env(url, data_dir)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "RENDA_DATA_DIR", "RENDA_SECRET_KEY", "RENDA_FIELD_KEY",
                                           "RENDA_HASH_KEY", "RENDA_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")})
    os.environ.pop("RENDA_TESTING", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from renda.insights import services
    from renda.liaison.models import Station

    server = None
    try:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        congress, clerk, typed = _seed(Path(args.data), args.opinions)
        password = secrets.token_urlsafe(12)
        clerk.set_password(password)  # type: ignore[attr-defined]
        clerk.save()  # type: ignore[attr-defined]
        services.model_train(actor=None, congress=congress, kind="category")
        station = Station.objects.get(congress=congress)
        vendor = connection.vendor
        connection.close()
        server = start_server(env, args.port, workers=args.workers, threads=4)
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        yield {"base": base, "station": station, "congress": congress, "username": clerk.username,
               "password": password, "typed": typed, "vendor": vendor}
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        connection.close()
        drop_database(url)


def browser(args: argparse.Namespace) -> None:
    """The proposal as the clerk sees it: a real Chromium on the form, the server in its own process."""
    from tests.browser_support import CHROMIUM, FLAGS, log_in

    from bench.common import machine, summary_ms

    if CHROMIUM is None:
        print("browser: skipped, Debian's chromium is not installed")
        return
    with _served(args, "insights-browser") as run:
        base, typed = run["base"], run["typed"]
        print(f"browser · {machine()} · {run['vendor']} · {args.opinions} opinions · load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            page = chromium.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
            log_in(page, base, run["username"], run["password"])
            page.goto(f"{base}/liaison/stations/{run['station'].pk}/opinions/new/")
            page.evaluate(_TIMING)
            box = page.get_by_label("意见内容")
            after_sent, after_key = [], []
            for k, text in enumerate(typed[:args.requests + 1]):
                box.fill(text[:-4])
                box.press_sequentially(text[-4:], delay=60)
                page.wait_for_function("() => window.__assist.sent >= window.__assist.key"
                                       " && window.__assist.shown > window.__assist.key")
                t = page.evaluate("window.__assist")
                if k:  # the first one builds the scope's similar-case index in the server
                    after_sent.append((t["shown"] - t["sent"]) / 1000)
                    after_key.append((t["shown"] - t["key"]) / 1000)
                else:
                    print(f"  first proposal (cold: the server loads the model and builds the scope's index): "
                          f"{t['shown'] - t['first']:.0f} ms after the form's first request, "
                          f"{t['shown'] - t['key']:.0f} ms after the last keystroke")
                assert page.locator("[data-testid=insights-proposal]").count() == 1
            requests = page.evaluate("window.__assist.requests")
            chromium.close()
        print(f"  last keystroke → proposal shown: {summary_ms(after_key)}")
        print(f"  request sent → proposal shown: {summary_ms(after_sent)}")
        print(f"  requests sent by the form: {requests} for {args.requests + 1} texts "
              f"({requests / (args.requests + 1):.1f} per text: the filled text, then one per keystroke)")
        print(f"  load average {os.getloadavg()[0]:.1f} at end", flush=True)


def _csrf_token(page: str) -> str:
    """The CSRF token of a page's form."""
    import re

    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None, "no form on the page"
    return found.group(1)


class _Typist:
    """One clerk's browser session, as the form's htmx speaks to the server: a session cookie, the CSRF token,
    the form posted whole to the assistant."""

    def __init__(self, base: str, username: str, password: str, station_id: int, congress_id: int) -> None:
        import http.cookiejar
        import threading
        import urllib.parse
        import urllib.request

        self.base, self.congress_id = base, congress_id
        self.lock, self.busy = threading.Lock(), False
        self.queued: tuple[str, bool, float] | None = None
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": _csrf_token(page), "username": username,
                                       "password": password})
        self.opener.open(f"{base}/accounts/login/", body.encode(), timeout=30).read()
        page = self.opener.open(f"{base}/liaison/stations/{station_id}/opinions/new/", timeout=30).read().decode()
        self.token = _csrf_token(page)
        self.encode = urllib.parse.urlencode

    def ask(self, text: str) -> float:
        """POST the form to the assistant as htmx does; the seconds until the whole answer is read."""
        import urllib.request

        body = self.encode({"csrfmiddlewaretoken": self.token, "content": text, "channel": "reception",
                            "insights_congress": self.congress_id}).encode()
        request = urllib.request.Request(f"{self.base}/insights/assist/", body, headers={
            "HX-Request": "true", "X-CSRFToken": self.token, "Referer": f"{self.base}/"})
        start = time.perf_counter()
        with self.opener.open(request, timeout=60) as response:
            response.read()
            assert response.status == 200, response.status
        return time.perf_counter() - start


def _type_at_once(run: dict[str, Any], count: int, args: argparse.Namespace) -> tuple[list[float], list[float], float]:
    """`count` typists for --seconds, each with the form's `hx-sync="this:queue last"`: one request in flight;
    a commit made meanwhile waits, and a later one replaces it. The server time of every request, the time from
    each text's last commit to its answer (waiting for the one in flight included), and the wall time."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    texts = run["typed"]
    clerks = [_Typist(run["base"], run["username"], run["password"], run["station"].pk, run["congress"].pk)
              for _ in range(count)]
    every: list[float] = []
    last: list[float] = []
    lock = threading.Lock()
    step = 1 / args.rate

    def send(clerk: _Typist, text: str, final: bool, committed: float) -> None:
        while True:
            took = clerk.ask(text)
            with lock:
                every.append(took)
                if final:
                    last.append(time.perf_counter() - committed)
            with clerk.lock:
                if clerk.queued is None:
                    clerk.busy = False
                    return
                (text, final, committed), clerk.queued = clerk.queued, None

    def commit(clerk: _Typist, text: str, final: bool) -> None:
        with clerk.lock:
            if clerk.busy:
                clerk.queued = (text, final, time.perf_counter())  # "queue last": replaces what was queued
                return
            clerk.busy = True
        pool.submit(send, clerk, text, final, time.perf_counter())

    def type_texts(k: int, clerk: _Typist, until: float) -> None:
        n, tick = k, time.perf_counter() + step * k / count  # the typists do not start in step
        while tick < until:
            text = texts[n % len(texts)]
            for end in range(max(20, len(text) - 20) + 2, len(text) + 2, 2):  # its last 20 characters typed
                time.sleep(max(0.0, tick - time.perf_counter()))
                commit(clerk, text[:end], end >= len(text))
                tick += step
            n += count
            tick += 2 * step  # a breath between two opinions

    with ThreadPoolExecutor(max_workers=max(8, count)) as pool:
        began = time.perf_counter()
        threads = [threading.Thread(target=type_texts, args=(k, clerk, began + args.seconds))
                   for k, clerk in enumerate(clerks)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return every, last, time.perf_counter() - began


def typists(args: argparse.Namespace) -> None:
    """Several clerks typing at once, each input method committing a word (two characters) --rate times a second,
    each commit asking as the form does (one request in flight per clerk, the latest commit queued). Per number of
    typists: requests a second, the server time of a request, and the time from each text's last commit to its
    answer — what the clerk waits for after the last key."""
    from bench.common import machine, summary_ms

    with _served(args, "insights-typists") as run:
        print(f"typists · {machine()} · {run['vendor']} · {args.opinions} opinions · gunicorn {args.workers} "
              f"workers × 4 threads · a commit every {1 / args.rate:.2f} s per typist · load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        warm = _Typist(run["base"], run["username"], run["password"], run["station"].pk, run["congress"].pk)
        for text in run["typed"][:4 * args.workers]:  # each worker process loads the model and builds the index
            warm.ask(text)
        for count in args.typists:
            every, last, elapsed = _type_at_once(run, count, args)
            print(f"  {count:>2} typists: {len(every) / elapsed:.1f} requests/s; every request "
                  f"{summary_ms(every)}; last commit of a text → answer {summary_ms(last)}; load average "
                  f"{os.getloadavg()[0]:.1f}", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench insights_bench")
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=10000, help="engine: training messages")
    parser.add_argument("--part", choices=["engine", "endpoint", "browser", "typists", "archive", "all"],
                        default="all")
    parser.add_argument("--port", type=int, default=8769, help="browser: the server's port on 127.0.0.1")
    parser.add_argument("--db", default="sqlite", help="endpoint: sqlite, or a PostgreSQL URL of a bench_ database")
    parser.add_argument("--opinions", type=int, default=3000, help="endpoint: opinions in the history")
    parser.add_argument("--requests", type=int, default=100, help="endpoint: calls measured")
    parser.add_argument("--profile", action="store_true", help="endpoint: print a profile of 20 warm calls")
    parser.add_argument("--workers", type=int, default=1, help="browser, typists: gunicorn worker processes")
    parser.add_argument("--typists", type=int, nargs="+", default=[1, 4, 8, 16], help="typists: clerks at once")
    parser.add_argument("--rate", type=float, default=2.0, help="typists: words committed a second per typist")
    parser.add_argument("--seconds", type=float, default=20.0, help="typists: how long each number types")
    parser.add_argument("--archive-rows", type=int, nargs="+", default=[1000, 5000, 50000],
                        help="archive: rows of each ledger imported")
    args = parser.parse_args(argv)
    if args.part in ("engine", "all"):
        engine(args)
    if args.part in ("endpoint", "all"):
        endpoint(args)
    if args.part in ("browser", "all"):
        browser(args)
    if args.part in ("typists", "all"):
        typists(args)
    if args.part in ("archive", "all"):
        archive(args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
