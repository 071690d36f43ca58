"""One ballot per deputy per round is a database constraint: twenty simultaneous submissions by one deputy, on
real threads with their own connections, store exactly one ballot (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from renda.core.models import AuditEntry
from renda.meetings import services
from renda.meetings.models import NamedBallot, Participation, SecretBallot
from tests.meetings.util import hall

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20


def _race(h, vote, person, choice_of):
    barrier = threading.Barrier(THREADS)
    user = h.user(person)

    def submit(i):
        barrier.wait()
        try:
            return services.ballot_cast(actor=user, vote=vote, person=person, choice=choice_of(i)).code
        except services.AlreadyVoted:
            return "already_voted"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(submit, range(THREADS)))


@pytest.mark.parametrize("secret", [True, False], ids=["secret", "named"])
def test_twenty_parallel_submissions_by_one_deputy_store_one_ballot(tree, secret, file_database):
    file_database().run(lambda: _one_deputy_twenty_times(tree, secret))


def _one_deputy_twenty_times(tree, secret):
    h = hall(tree, 5)
    vote = services.vote_create(actor=h.clerk, meeting=h.meeting, title="并发表决", secret=secret)
    vote = services.vote_open(actor=h.clerk, vote=vote)
    person = h.deputies[0]
    outcomes = _race(h, vote, person, lambda i: ["yes", "no", "abstain"][i % 3])
    assert outcomes.count("already_voted") == THREADS - 1, outcomes
    model = SecretBallot if secret else NamedBallot
    assert model.objects.filter(vote=vote).count() == 1
    assert Participation.objects.filter(vote=vote, person=person).count() == 1
    action = "vote.participation" if secret else "vote.ballot"
    assert AuditEntry.objects.filter(action=action, object_id=str(vote.pk)).count() == 1
    result = services.vote_close(actor=h.clerk, vote=vote)
    assert result.voted == 1 and sum(result.counts.values()) == 1


def test_parallel_ballots_of_different_deputies_are_all_counted(tree, file_database):
    file_database().run(lambda: _twelve_deputies_at_once(tree))


def _twelve_deputies_at_once(tree):
    h = hall(tree, 12)
    vote = services.vote_open(actor=h.clerk, vote=services.vote_create(
        actor=h.clerk, meeting=h.meeting, title="多人并发", secret=True))
    users = [(p, h.user(p)) for p in h.deputies]
    barrier = threading.Barrier(len(users))

    def submit(pair):
        person, user = pair
        barrier.wait()
        try:
            return services.ballot_cast(actor=user, vote=vote, person=person, choice="yes").hash
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(users)) as pool:
        hashes = list(pool.map(submit, users))
    result = services.vote_close(actor=h.clerk, vote=vote)
    assert result.counts["yes"] == 12 and result.passed
    assert sorted(hashes) == result.receipts
    assert services.vote_verify(vote).ok
