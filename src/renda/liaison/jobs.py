"""Periodic jobs of the liaison area (run by renda.core.jobs' scheduler)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from renda.core.jobs import periodic
from renda.liaison.services.opinions import opinion_deadline_sweep


@periodic(every=timedelta(days=1), offset=timedelta(hours=8))
@task()
def opinion_deadlines() -> dict[str, int]:
    """Daily at 08:00: reminders before each open opinion's reply deadline, escalation after it (有诉必复)."""
    return opinion_deadline_sweep()


@periodic(every=timedelta(minutes=15))
@task()
def suggestion_answers() -> int:
    """Every quarter of an hour: the answer of a deputy suggestion reaches the opinions it was made from."""
    from renda.liaison.services.conversion import suggestion_answers_reach_opinions

    return suggestion_answers_reach_opinions()


@periodic(every=timedelta(days=1), offset=timedelta(hours=7))
@task()
def reception_check() -> dict[str, int]:
    """Daily at 07:00; acts on 1 December and 2 January: deputies who have not received constituents this year."""
    from renda.liaison.services.checks import reception_yearly_check

    return reception_yearly_check()
