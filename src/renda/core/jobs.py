"""Scheduled and deferred work: one mechanism, Django's tasks API (django-tasks) with its database backend.

A deferred job is a plain `@task` enqueued by a service (`some_task.enqueue(...)`, after commit). A periodic job
is a task that also carries `@periodic(every=...)`:

    @periodic(every=timedelta(days=1), offset=timedelta(hours=3))   # daily at 03:00 local time
    @task()
    def prune_sessions() -> int: ...

`tick()` — run every few seconds by `manage.py renda_worker` — works out each periodic job's current time slot
and records it as a ScheduledRun(job, slot) before enqueueing the task, in one transaction. The unique constraint
on (job, slot) means two schedulers (two worker processes, or a restart inside a slot) enqueue a slot once.
A slot missed while no worker ran is not caught up: a periodic job does "everything that is due now", never
"what was due in this slot only".

Apps keep their periodic jobs in `<app>/jobs.py`; `discover()` imports those modules.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks import task
from django_tasks.base import Task

from renda.core.models import ScheduledRun

logger = logging.getLogger("renda.jobs")

_EPOCH = datetime(1970, 1, 1)  # slots are aligned to local midnight of this day (naive local time)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task[Any, Any]
    every: timedelta
    offset: timedelta = timedelta(0)

    def slot(self, now: datetime) -> str:
        """The start of the slot `now` falls in, in local time ("2026-05-01T03:00"): the key of ScheduledRun."""
        local = timezone.localtime(now).replace(tzinfo=None)
        n = (local - _EPOCH - self.offset) // self.every
        return (_EPOCH + self.offset + n * self.every).strftime("%Y-%m-%dT%H:%M")


REGISTRY: dict[str, PeriodicJob] = {}


def job_name(t: Task[Any, Any]) -> str:
    """"core.prune_sessions" for renda.core.jobs.prune_sessions; the dotted path for anything outside renda."""
    module = t.func.__module__
    parts = module.split(".")
    prefix = parts[1] if parts[0] == "renda" and len(parts) > 1 else module
    return f"{prefix}.{t.func.__name__}"


def periodic(*, every: timedelta, offset: timedelta = timedelta(0),
             name: str | None = None) -> Callable[[Task[Any, Any]], Task[Any, Any]]:
    """Register a task (taking no arguments) to run once in every slot of length `every`, `offset` after the
    slot's start (slots of a day start at local midnight)."""
    if every < timedelta(minutes=1):
        raise ValueError("a periodic job runs at most once a minute")
    if not timedelta(0) <= offset < every:
        raise ValueError("offset must lie inside the slot")

    def register(t: Task[Any, Any]) -> Task[Any, Any]:
        if not isinstance(t, Task):
            raise TypeError("@periodic goes above @task()")
        job = PeriodicJob(name=name or job_name(t), task=t, every=every, offset=offset)
        REGISTRY[job.name] = job
        return t

    return register


def discover() -> dict[str, PeriodicJob]:
    autodiscover_modules("jobs")
    return REGISTRY


def enqueue_once(job: PeriodicJob, slot: str) -> bool:
    """Claim the slot and enqueue the job; False when another scheduler already claimed it."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job.name, slot=slot)
            job.task.enqueue()
    except IntegrityError:
        return False
    return True


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every periodic job whose current slot has not been enqueued yet; the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in list(discover().values()):
        slot = job.slot(now)
        if enqueue_once(job, slot):
            logger.info("enqueued %s for slot %s", job.name, slot)
            enqueued.append(job.name)
    return enqueued


# --- the platform's own periodic jobs -----------------------------------------------------------------------

@periodic(every=timedelta(days=1), offset=timedelta(hours=3))
@task()
def prune_sessions() -> int:
    """Delete expired login sessions (Django's clearsessions); the number removed.

    Housekeeping of the session table, not a change to anyone's data: not audited."""
    from django.contrib.sessions.models import Session

    expired = Session.objects.filter(expire_date__lt=timezone.now()).count()
    call_command("clearsessions")
    return expired
