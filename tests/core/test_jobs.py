"""Periodic and deferred jobs (renda.core.jobs) and the worker process (manage.py renda_worker)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from renda.core import jobs
from renda.core.models import ScheduledRun

SHANGHAI = ZoneInfo("Asia/Shanghai")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RUNS: list[str] = []


@task()
def note_run() -> str:
    RUNS.append("ran")
    return "ran"


@task()
def add(a: int, b: int) -> int:
    return a + b


@pytest.fixture
def hourly_job() -> Iterator[jobs.PeriodicJob]:
    RUNS.clear()
    jobs.periodic(every=timedelta(hours=1), name="test.note_run")(note_run)
    yield jobs.REGISTRY["test.note_run"]
    jobs.REGISTRY.pop("test.note_run", None)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_daily_slot_starts_at_the_offset_in_local_time():
    job = jobs.REGISTRY["core.prune_sessions"]
    assert job.every == timedelta(days=1) and job.offset == timedelta(hours=3)
    assert job.slot(at(2026, 5, 1, 2, 59)) == "2026-04-30T03:00"
    assert job.slot(at(2026, 5, 1, 3, 0)) == "2026-05-01T03:00"
    assert job.slot(at(2026, 5, 1, 23, 0)) == "2026-05-01T03:00"
    # the same instant given in UTC falls in the same local slot
    assert job.slot(at(2026, 5, 1, 3, 0).astimezone(ZoneInfo("UTC"))) == "2026-05-01T03:00"


def test_periodic_refuses_an_offset_outside_the_slot_and_a_bare_function():
    with pytest.raises(ValueError):
        jobs.periodic(every=timedelta(hours=1), offset=timedelta(hours=1))
    with pytest.raises(TypeError):
        jobs.periodic(every=timedelta(hours=1))(lambda: None)


@pytest.mark.django_db
def test_two_ticks_in_the_same_slot_enqueue_the_job_once(hourly_job):
    assert "test.note_run" in jobs.tick(now=at(2026, 5, 1, 10, 5))
    assert "test.note_run" not in jobs.tick(now=at(2026, 5, 1, 10, 55))
    assert RUNS == ["ran"]
    assert list(ScheduledRun.objects.filter(job="test.note_run").values_list("slot", flat=True)) == [
        "2026-05-01T10:00"]
    # the next slot runs again
    assert "test.note_run" in jobs.tick(now=at(2026, 5, 1, 11, 0))
    assert RUNS == ["ran", "ran"]
    assert ScheduledRun.objects.filter(job="test.note_run").count() == 2


@pytest.mark.django_db
def test_a_slot_claimed_by_another_scheduler_is_not_enqueued_again(hourly_job):
    ScheduledRun.objects.create(job="test.note_run", slot="2026-05-01T10:00")
    assert not jobs.enqueue_once(hourly_job, "2026-05-01T10:00")
    assert RUNS == []


@pytest.mark.django_db
def test_the_database_refuses_a_second_run_of_one_slot():
    ScheduledRun.objects.create(job="core.prune_sessions", slot="2026-05-01T03:00")
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledRun.objects.create(job="core.prune_sessions", slot="2026-05-01T03:00")


def _session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


@pytest.mark.django_db
def test_prune_sessions_removes_only_expired_sessions():
    old, live = _session(-timedelta(minutes=1)), _session(timedelta(minutes=30))
    assert jobs.prune_sessions.call() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert old != live


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_worker_runs_queued_and_periodic_tasks_end_to_end():
    """The real path: tasks stored by the database backend, picked up by `renda_worker --batch`."""
    old, live = _session(-timedelta(minutes=1)), _session(timedelta(minutes=30))
    result = add.enqueue(2, 3)
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.READY

    call_command("renda_worker", "--batch", verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5
    # the scheduler tick enqueued the daily session pruning, and the worker ran it
    assert ScheduledRun.objects.filter(job="core.prune_sessions").count() == 1
    pruned = DBTaskResult.objects.get(task_path="renda.core.jobs.prune_sessions")
    assert pruned.status == TaskResultStatus.SUCCESSFUL and pruned.return_value == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live] != [old]

    # every periodic job got its slot enqueued and run; a second run in the same slot enqueues nothing new
    assert ScheduledRun.objects.count() == len(jobs.REGISTRY)
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    tasks_before = DBTaskResult.objects.count()
    call_command("renda_worker", "--batch", verbosity=0)
    assert DBTaskResult.objects.count() == tasks_before == 1 + len(jobs.REGISTRY)
    assert ScheduledRun.objects.count() == len(jobs.REGISTRY)
