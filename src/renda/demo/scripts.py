"""A suggestion's life as a script of workflow events, each some working days after the one before (or on a fixed
day, like the assignment meeting), realised into dated steps. Every gap and hour is drawn when the script is
written, so realising it again from another start (to make it end on a given day) draws nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from renda.workdays.calendar import add_months

from .clock import Days, at


@dataclass
class Spec:
    event: str
    gap: int  # working days after the previous step (0: the same day, or the next working day)
    hour: int
    minute: int
    params: dict[str, Any] = field(default_factory=dict)
    fixed: date | None = None  # on this day (or the day the script has reached, if later)
    after_minutes: int | None = None  # right after the previous step


@dataclass
class Ev:
    event: str
    when: datetime
    params: dict[str, Any]


class Script:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.specs: list[Spec] = []

    def then(self, event: str, lo: int = 0, hi: int | None = None, **params: Any) -> Script:
        gap = self.rng.randint(lo, lo if hi is None else hi)
        self.specs.append(Spec(event, gap, self.rng.randint(9, 16), self.rng.randint(0, 59), params))
        return self

    def on(self, event: str, day: date, hour: int = 9, minute: int = 0, **params: Any) -> Script:
        self.specs.append(Spec(event, 0, hour, minute, params, fixed=day))
        return self

    def right_after(self, event: str, minutes: int = 15, **params: Any) -> Script:
        self.specs.append(Spec(event, 0, 0, 0, params, after_minutes=minutes))
        return self

    def realize(self, start: date, days: Days) -> list[Ev]:
        day, prev, assigned = start, None, None
        out: list[Ev] = []
        for spec in self.specs:
            params = dict(spec.params)
            if spec.after_minutes is not None and prev is not None:
                out.append(Ev(spec.event, prev + timedelta(minutes=spec.after_minutes), params))
                prev = out[-1].when
                continue
            if spec.fixed is not None:
                day = max(day, spec.fixed)
            elif spec.gap:
                day = days.after(day, spec.gap)
            else:
                day = days.workday(day)
            if spec.event == "assign":
                assigned = day
            if spec.event == "reply" and params.get("late") and assigned is not None:
                due = add_months(assigned, 3)
                if day <= due:
                    day = days.after(due, 2 + spec.gap % 6)
            if spec.event == "extend" and assigned is not None:
                params["deadline"] = add_months(assigned, params.pop("months")) - timedelta(days=spec.gap)
            when = at(day, spec.hour, spec.minute)
            if prev is not None and when <= prev:
                when = prev + timedelta(minutes=7)
            out.append(Ev(spec.event, when, params))
            prev = when
        return out

    def ending(self, target: date, earliest: date, days: Days) -> list[Ev]:
        """Realised so that the last step falls on (about) `target`, never starting before `earliest`."""
        first = self.realize(earliest, days)
        shift = (target - first[-1].when.date()).days
        return self.realize(earliest + timedelta(days=shift), days) if shift > 0 else first
