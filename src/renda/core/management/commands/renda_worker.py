"""The background process: the scheduler of periodic jobs (a thread) beside the django-tasks database worker.

    manage.py renda_worker                 # run until SIGTERM / Ctrl+C (bin/demo starts it beside gunicorn)
    manage.py renda_worker --batch         # one scheduler tick, then every task that is due, then exit

Several workers may run at once: each task is claimed by one worker (row lock), and each slot of a periodic job
is enqueued once (renda.core.jobs).
"""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from renda.core import jobs


class Command(BaseCommand):
    help = "后台任务进程：定时任务调度与任务执行 / Scheduler of periodic jobs plus the django-tasks database worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--tick", type=float, default=30.0,
                            help="seconds between scheduler ticks (default 30)")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds the worker waits when no task is due (default 1)")
        parser.add_argument("--queue-name", default="*", help="queues to process, comma separated; * for all")
        parser.add_argument("--batch", action="store_true",
                            help="tick once, run every task that is due, then exit")

    def handle(self, *args: Any, tick: float, interval: float, queue_name: str, batch: bool,
               verbosity: int, **options: Any) -> None:
        if batch:
            self._tick()
            with _signals_restored():
                self._work(batch=True, interval=0, queue_name=queue_name, verbosity=verbosity)
            return
        stop = threading.Event()
        scheduler = threading.Thread(target=self._schedule, args=(stop, tick), name="renda-scheduler", daemon=True)
        scheduler.start()
        try:
            self._work(batch=False, interval=interval, queue_name=queue_name, verbosity=verbosity)
        finally:
            stop.set()

    def _tick(self) -> None:
        enqueued = jobs.tick()
        if enqueued:
            self.stdout.write(f"已排入定时任务 enqueued: {', '.join(enqueued)}")

    def _schedule(self, stop: threading.Event, every: float) -> None:
        while not stop.is_set():
            try:
                self._tick()
            except Exception:  # a failed tick (database briefly locked or away) must not end the scheduler
                jobs.logger.exception("scheduler tick failed")
            finally:
                connections.close_all()  # this thread's connections only
            stop.wait(every)

    def _work(self, *, batch: bool, interval: float, queue_name: str, verbosity: int) -> None:
        call_command("db_worker", queue_name=queue_name, interval=interval, batch=batch, reload=False,
                     startup_delay=False, verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)


@contextmanager
def _signals_restored() -> Iterator[None]:
    """db_worker installs its own SIGINT/SIGTERM handlers; a batch run called from Python gives them back."""
    names = [n for n in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, n)]
    saved = {n: signal.getsignal(getattr(signal, n)) for n in names}
    try:
        yield
    finally:
        for n, handler in saved.items():
            signal.signal(getattr(signal, n), handler)
