"""Reminders before deadlines ([setting] 15 and 3 days), the overdue flag and escalation after them: daily jobs
that do everything due and never send a message twice."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from renda.core import jobs as core_jobs
from renda.core.models import AuditEntry
from renda.notifications.models import Notification
from renda.organizations.services import congress_setting_set
from renda.suggestions import jobs
from renda.suggestions.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned_2025(world, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2025, 9, 30))
    s = world.build(Status.HANDLING)
    monkeypatch.undo()
    Notification.objects.all().delete()
    return s


def _told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "title"))


def test_reply_reminders_go_to_the_lead_unit_15_and_3_days_ahead_once_each(assigned_2025):
    assert assigned_2025.deadline == date(2025, 12, 30)
    assert jobs.send_deadline_reminders(date(2025, 12, 14)) == 0, "16 days left: nothing yet"
    assert jobs.send_deadline_reminders(date(2025, 12, 15)) == 1
    assert jobs.send_deadline_reminders(date(2025, 12, 15)) == 0, "a second run the same day sends nothing"
    assert jobs.send_deadline_reminders(date(2025, 12, 20)) == 0, "10 days left: the 15-day reminder was sent"
    assert jobs.send_deadline_reminders(date(2025, 12, 28)) == 1, "2 days left: the 3-day reminder, late but sent"
    told = _told("suggestion.reminder_reply")
    assert [u for u, _ in told] == ["unit_lead", "unit_lead"]
    assert {t.split("（")[1].split("）")[0] for _, t in told} == {"还有15天", "还有2天"}


def test_the_reminder_days_are_the_congresss_setting(world, assigned_2025):
    congress_setting_set(actor=world.clerk_a, congress=world.tree.congress_a, key="suggestions.reminder_days",
                         raw="30, 7")
    assert jobs.send_deadline_reminders(date(2025, 11, 30)) == 1
    assert jobs.send_deadline_reminders(date(2025, 12, 15)) == 0
    assert jobs.send_deadline_reminders(date(2025, 12, 23)) == 1


def test_co_units_are_reminded_of_their_opinion_until_they_give_it(world, assigned_2025):
    assert jobs.send_deadline_reminders(date(2025, 10, 15)) == 1
    assert _told("suggestion.reminder_opinion")[0][0] == "unit_co"
    from renda.suggestions import services

    services.suggestion_opinion(actor=world.unit_co, suggestion=assigned_2025, text="同意")
    assert jobs.send_deadline_reminders(date(2025, 10, 28)) == 0


def test_the_clerk_is_reminded_to_assign_a_recess_suggestion(world, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 9, 30))
    s = world.build(Status.ACCEPTED)
    assert s.assign_due == date(2026, 10, 13)
    assert jobs.send_deadline_reminders(date(2026, 10, 10)) == 1
    assert _told("suggestion.reminder_assign")[0][0] == "clerk_a"


def test_an_unanswered_suggestion_is_flagged_overdue_and_escalated_once(world, assigned_2025):
    assert jobs.flag_overdue(date(2025, 12, 30)) == 0, "the deadline day itself is not late"
    assert jobs.flag_overdue(date(2025, 12, 31)) == 1
    assert jobs.flag_overdue(date(2026, 1, 2)) == 0
    assigned_2025.refresh_from_db()
    assert (assigned_2025.overdue_since, assigned_2025.escalated_on) == (date(2025, 12, 31), date(2025, 12, 31))
    assert [u for u, _ in _told("suggestion.overdue")] == ["unit_lead"]
    assert sorted(u for u, _ in _told("suggestion.escalated")) == ["clerk_a", "county"], (
        "the township's staff and the county's above it")
    entry = AuditEntry.objects.get(action="suggestion.overdue", object_id=str(assigned_2025.pk))
    assert entry.actor_username == "system" and "2025-12-31" in entry.after


def test_the_jobs_are_registered_as_daily_periodic_tasks():
    registry = core_jobs.discover()
    assert registry["suggestions.daily_deadline_reminders"].every.days == 1
    assert "suggestions.daily_overdue_escalation" in registry
    assert jobs.daily_overdue_escalation.call() == 0
