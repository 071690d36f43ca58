"""The county's compliance view of township congresses: twice a year [law], minimum length [setting], first session
within two months of the election [law], required agenda items [setting], the oath of those elected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from renda.core.roles import Role
from renda.meetings import services
from renda.meetings.compliance import township_compliance
from renda.meetings.models import Candidate, CandidateStatus, Election, Meeting, MeetingKind
from renda.organizations.models import CongressSetting
from tests.factories import UserFactory
from tests.meetings.util import make_session

pytestmark = pytest.mark.django_db
DEC = dt.date(2027, 1, 1)  # "today" after the year's end: nothing is still pending


def rows(tree, year=2026, today=DEC):
    county = UserFactory(role=Role.COUNTY_STAFF, region=tree.county)
    return {r.congress.pk: r for r in township_compliance(user=county, year=year, today=today)}


def agenda(tree, session, *kinds):
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=session.congress.region)
    meeting = Meeting.objects.create(congress=session.congress, term=session.term, session=session,
                                     kind=MeetingKind.PLENARY, title="全体会议", starts_at=timezone.now())
    for kind in kinds:
        services.agenda_item_add(actor=clerk, meeting=meeting, kind=kind, title=kind)
    return meeting


def test_a_township_that_met_twice_for_two_days_with_the_required_agenda_complies(tree):
    s1 = make_session(tree.term_a, number=3, starts_on=dt.date(2026, 1, 10), ends_on=dt.date(2026, 1, 11))
    s2 = make_session(tree.term_a, number=4, starts_on=dt.date(2026, 7, 10), ends_on=dt.date(2026, 7, 11))
    agenda(tree, s1, "government_report", "presidium_report", "budget")
    agenda(tree, s2, "livelihood_projects")
    row = rows(tree)[tree.congress_a.pk]
    assert {k: c.status for k, c in row.checks.items()} == {
        "sessions": "ok", "duration": "ok", "first_session": "na", "agenda": "ok", "oath": "na"}
    assert row.ok


def test_meeting_once_a_year_fails_the_law_and_is_pending_before_the_year_ends(tree):
    make_session(tree.term_a, number=3, starts_on=dt.date(2026, 1, 10), ends_on=dt.date(2026, 1, 11))
    assert rows(tree)[tree.congress_a.pk].checks["sessions"].status == "fail"
    assert rows(tree, today=dt.date(2026, 6, 1))[tree.congress_a.pk].checks["sessions"].status == "pending"
    assert rows(tree)[tree.congress_b.pk].checks["sessions"].text.startswith("召开 0 次")


def test_a_one_day_session_is_too_short_unless_the_setting_allows_it(tree):
    make_session(tree.term_a, number=3, starts_on=dt.date(2026, 1, 10), ends_on=dt.date(2026, 1, 10))
    check = rows(tree)[tree.congress_a.pk].checks["duration"]
    assert check.status == "fail" and "仅 1 天" in check.text
    CongressSetting.objects.create(congress=tree.congress_a, key="meetings.session_min_days", value=1)
    assert rows(tree)[tree.congress_a.pk].checks["duration"].status == "ok"


def test_first_session_of_a_term_within_two_months_of_the_election(tree):
    term = tree.term_a
    term.election_date = dt.date(2026, 3, 1)
    term.save()
    assert rows(tree, today=dt.date(2026, 4, 1))[tree.congress_a.pk].checks["first_session"].status == "pending"
    assert rows(tree)[tree.congress_a.pk].checks["first_session"].status == "fail"
    make_session(term, number=1, starts_on=dt.date(2026, 5, 2), ends_on=dt.date(2026, 5, 3))
    late = rows(tree)[tree.congress_a.pk].checks["first_session"]
    assert late.status == "fail" and "2026-05-01" in late.text
    term.sessions.filter(number=1).update(starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 5, 2))
    assert rows(tree)[tree.congress_a.pk].checks["first_session"].status == "ok", "the last day of two months"


def test_missing_required_agenda_items_are_named(tree):
    s1 = make_session(tree.term_a, number=3, starts_on=dt.date(2026, 1, 10), ends_on=dt.date(2026, 1, 11))
    agenda(tree, s1, "government_report")
    check = rows(tree)[tree.congress_a.pk].checks["agenda"]
    assert check.status == "fail" and "人大主席团工作报告" in check.text and "预算" in check.text
    CongressSetting.objects.create(congress=tree.congress_a, key="meetings.required_agenda_items",
                                   value=["government_report"])
    assert rows(tree)[tree.congress_a.pk].checks["agenda"].status == "ok"


def test_an_elected_person_without_the_oath_is_a_failure(tree):
    s1 = make_session(tree.term_a, number=3, starts_on=dt.date(2026, 1, 10), ends_on=dt.date(2026, 1, 11))
    meeting = agenda(tree, s1)
    election = Election.objects.create(meeting=meeting, office="副镇长", office_kind="deputy_head", seats=1)
    elected = Candidate.objects.create(election=election, name="张三", source="presidium",
                                       status=CandidateStatus.ELECTED)
    check = rows(tree)[tree.congress_a.pk].checks["oath"]
    assert check.status == "fail" and "张三" in check.text
    services.oath_record(actor=None, candidate=elected, taken_on=dt.date(2026, 1, 11))
    assert rows(tree)[tree.congress_a.pk].checks["oath"].status == "ok"


def test_a_township_clerk_sees_only_their_own_row(tree):
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    assert [r.congress.pk for r in township_compliance(user=clerk, year=2026)] == [tree.congress_a.pk]


def test_today_is_the_congress_calendar_day_not_the_servers(tree, monkeypatch):
    """At 01:00 on 1 January in Beijing (17:00 UTC on 31 December) the year is over: one session is a failure,
    no longer pending. The check's "today" is timezone.localdate(), not the server clock's date.today()."""
    make_session(tree.term_a, number=3, starts_on=dt.date(2026, 1, 10), ends_on=dt.date(2026, 1, 11))
    instant = dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    assert timezone.localdate() == dt.date(2027, 1, 1)
    county = UserFactory(role=Role.COUNTY_STAFF, region=tree.county)
    row = {r.congress.pk: r for r in township_compliance(user=county, year=2026)}[tree.congress_a.pk]
    assert row.checks["sessions"].status == "fail"
