"""The demo's year told in order: a timeline of dated steps, played under a story clock.

The services take the time from `django.utils.timezone` (`timezone.now()`, and `timezone.localdate()`, which reads
it): every deadline, timeline entry, audit entry and notification of a step carries the step's own moment. The
clock moves `timezone.now` — the same seam the suggestion tests use to move `localdate` — and only while the
timeline plays; the steps run in the order of their moments, so the audit log of the year reads forward.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.utils import timezone

from renda.workdays.calendar import WorkCalendar

LOCAL = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A moment of the story in local time (the county's clock)."""
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL)


@dataclass(order=True)
class _Step:
    when: datetime
    seq: int
    run: Callable[[], object] = field(compare=False)
    label: str = field(compare=False, default="")


class Timeline:
    """Dated steps, played earliest first (in the order added when two share a moment). A step may add steps
    that come after it."""

    def __init__(self) -> None:
        self._heap: list[_Step] = []
        self._seq = itertools.count()
        self.now: datetime | None = None
        self.played = 0

    def add(self, when: datetime, run: Callable[[], object], label: str = "") -> None:
        if self.now is not None and when < self.now:
            raise ValueError(f"a step at {when} added while the story is at {self.now}")
        heapq.heappush(self._heap, _Step(when, next(self._seq), run, label or getattr(run, "__qualname__", "")))

    def play(self) -> None:
        with self.clock():
            while self._heap:
                step = heapq.heappop(self._heap)
                self.now = step.when
                try:
                    step.run()
                except Exception as exc:
                    exc.add_note(f"demo story step at {step.when:%Y-%m-%d %H:%M}: {step.label}")
                    raise
                self.played += 1

    @contextmanager
    def clock(self) -> Iterator[None]:
        real = timezone.now

        def now() -> datetime:
            return self.now.astimezone(UTC) if self.now is not None else real()

        with mock.patch.object(timezone, "now", now):
            yield


class Days:
    """Working days of the official calendar (holidays and make-up days included), for dating the steps."""

    def __init__(self) -> None:
        self.calendar = WorkCalendar()

    def workday(self, day: date) -> date:
        """The day itself if it is a working day, else the next one."""
        while not self.calendar.is_workday(day):
            day += timedelta(days=1)
        return day

    def after(self, day: date, n: int) -> date:
        return self.calendar.add_working_days(day, n)
