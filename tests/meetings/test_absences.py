"""[law] 代表法第四十九条: a deputy who twice fails to attend the congress's sessions without approved leave loses
the mandate (代表资格终止). Found from attendance and leave records, proposed to the clerk, and on confirmation
ended through the deputies app's mandate status service. Boundaries: one absence; two with one excused; two
unexcused; present at part of a session."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from renda.core.errors import Invalid
from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.deputies.models import Mandate, MandateStatus
from renda.meetings import absences, selectors, services
from renda.meetings.models import MeetingKind
from tests.factories import UserFactory
from tests.helpers import api_client
from tests.meetings.util import make_deputies, make_session, mark_present

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(tree):
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    return tree, clerk, make_deputies(tree.term_a, 4)


def sitting(town, number, *, absent=(), approved=(), refused=(), meetings=1, present_at_first=()):
    """A session of `meetings` plenaries; everyone else present; `absent` never signs in, `approved`/`refused`
    ask for leave first. `present_at_first` sign in at the first plenary only."""
    tree, clerk, people = town
    session = make_session(tree.term_a, number=number, starts_on=dt.date(2026, number * 2, 10),
                           ends_on=dt.date(2026, number * 2, 11))
    away = {p.pk for p in (*absent, *approved, *refused)}
    for i in range(meetings):
        meeting = services.meeting_create(actor=clerk, congress=tree.congress_a, kind=MeetingKind.PLENARY,
                                          title=f"第{number}次会议第{i + 1}次全体会议", starts_at=timezone.now(),
                                          session=session)
        for person, approve in [(p, True) for p in approved] + [(p, False) for p in refused]:
            leave = services.leave_request_submit(actor=clerk, meeting=meeting, person=person, reason="外出务工")
            services.leave_request_decide(actor=clerk, leave=leave, approve=approve)
        here = [p for p in people if p.pk not in away or (i == 0 and p in present_at_first)]
        mark_present(meeting, here)
        services.meeting_start(actor=clerk, meeting=meeting)
        services.meeting_close(actor=clerk, meeting=meeting)
    return session


def mandate_of(person):
    return Mandate.objects.get(person=person)


def test_one_unexcused_absence_is_not_yet_the_end_of_a_mandate(town):
    tree, clerk, people = town
    sitting(town, 1, absent=[people[3]])
    assert absences.missed_sessions(term=tree.term_a) == {people[3].pk: [absences.Session.objects.get(number=1)]}
    assert absences.termination_proposals(user=clerk) == []
    with pytest.raises(Invalid) as err:
        services.absence_termination_confirm(actor=clerk, mandate=mandate_of(people[3]))
    assert err.value.code == "absences_not_enough"
    assert mandate_of(people[3]).status == MandateStatus.ACTIVE
    assert not AuditEntry.objects.filter(action__in=["mandate.terminate", "mandate.absence_termination"]).exists()


def test_two_absences_with_one_on_approved_leave_end_nothing(town):
    tree, clerk, people = town
    sitting(town, 1, absent=[people[3]])
    sitting(town, 2, approved=[people[3]])
    assert [s.number for s in absences.missed_sessions(term=tree.term_a)[people[3].pk]] == [1]
    assert absences.termination_proposals(user=clerk) == []
    assert api_client(clerk).get("/api/v1/absence_proposals").json() == []


def test_present_at_one_sitting_of_a_session_is_attending_that_session(town):
    _tree, clerk, people = town
    sitting(town, 1, absent=[people[3]])
    sitting(town, 2, absent=[people[3]], meetings=2, present_at_first=[people[3]])
    assert absences.termination_proposals(user=clerk) == []


def test_two_unexcused_absences_are_proposed_and_the_confirmation_terminates_the_mandate(town):
    tree, clerk, people = town
    s1 = sitting(town, 1, absent=[people[3]])
    s2 = sitting(town, 2, refused=[people[3]])  # a refused leave request leaves the absence unexcused
    staff = api_client(clerk)
    [proposal] = staff.get("/api/v1/absence_proposals").json()
    assert (proposal["deputy"], [s["id"] for s in proposal["sessions"]]) == (people[3].pk, [s1.pk, s2.pk])
    assert "代表法第四十九条" in proposal["reason"]

    other = api_client(UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b))
    assert other.get("/api/v1/absence_proposals").json() == []
    mid = proposal["mandate"]
    assert other.post(f"/api/v1/absence_proposals/{mid}/confirm", data="{}",
                      content_type="application/json").status_code == 404
    assert mandate_of(people[3]).status == MandateStatus.ACTIVE

    r = staff.post(f"/api/v1/absence_proposals/{mid}/confirm", data=json.dumps({"status_date": "2026-04-12"}),
                   content_type="application/json")
    assert r.status_code == 200, r.content
    mandate = mandate_of(people[3])
    assert (mandate.status, mandate.status_date) == (MandateStatus.TERMINATED, dt.date(2026, 4, 12))
    assert "第1次会议、第2次会议" in mandate.status_reason
    terminate = AuditEntry.objects.get(action="mandate.terminate")  # written by the deputies app's service
    assert json.loads(terminate.after)["status"] == "terminated" and terminate.actor_id == clerk.pk
    evidence = json.loads(AuditEntry.objects.get(action="mandate.absence_termination").after)
    assert evidence["sessions"] == [s1.pk, s2.pk] and evidence["person"] == people[3].pk

    assert staff.get("/api/v1/absence_proposals").json() == []
    again = staff.post(f"/api/v1/absence_proposals/{mid}/confirm", data="{}", content_type="application/json")
    assert again.status_code == 422 and again.json()["code"] == "absences_not_enough"
    meeting = services.meeting_create(actor=clerk, congress=tree.congress_a, kind=MeetingKind.PLENARY,
                                      title="第三次会议", starts_at=timezone.now(),
                                      session=make_session(tree.term_a, number=3))
    assert people[3].pk not in set(selectors.members(meeting)), "no longer counted in N"


def test_the_clerk_confirms_on_the_page(town):
    tree, clerk, people = town
    sitting(town, 1, absent=[people[2]])
    sitting(town, 2, absent=[people[2]])
    page = Client()
    page.force_login(clerk)
    text = page.get("/meetings/absences/").content.decode()
    assert people[2].name in text and 'data-testid="absence-proposal"' in text
    page.post("/meetings/absences/", {"mandate": mandate_of(people[2]).pk,
                                      "status_date": timezone.localdate().isoformat()})
    assert mandate_of(people[2]).status == MandateStatus.TERMINATED
    assert 'data-testid="absence-proposal"' not in page.get("/meetings/absences/").content.decode()
    deputy_page = Client()
    deputy_page.force_login(UserFactory(role=Role.DEPUTY, region=tree.town_a, person=people[0]))
    assert deputy_page.get("/meetings/absences/").status_code in (403, 404)


def _absent_twice(tree, clerk, term, people):
    """Two closed sessions of the term, the first person absent from both without leave."""
    for number in (1, 2):
        session = make_session(term, number=number, starts_on=dt.date(2026, number * 2, 10),
                               ends_on=dt.date(2026, number * 2, 11))
        meeting = services.meeting_create(actor=clerk, congress=term.congress, kind=MeetingKind.PLENARY,
                                          title=f"第{number}次会议", starts_at=timezone.now(), session=session)
        mark_present(meeting, people[1:])
        services.meeting_start(actor=clerk, meeting=meeting)
        services.meeting_close(actor=clerk, meeting=meeting)


def test_the_county_sees_every_townships_proposals_in_order_at_a_cost_that_does_not_grow(tree,
                                                                                          django_assert_num_queries):
    county_clerk = UserFactory(role=Role.COUNTY_STAFF, region=tree.county)
    a = make_deputies(tree.term_a, 3, prefix="甲代表")
    _absent_twice(tree, county_clerk, tree.term_a, a)
    with django_assert_num_queries(5) as one:  # terms, attendance, recorded leaves, sessions, mandates
        assert [p.person for p in absences.termination_proposals(user=county_clerk)] == [a[0]]
    b = make_deputies(tree.term_b, 3, prefix="乙代表")
    _absent_twice(tree, county_clerk, tree.term_b, b)
    with django_assert_num_queries(len(one.captured_queries)):
        proposals = absences.termination_proposals(user=county_clerk)
    assert [(p.person, p.mandate.term) for p in proposals] == [(a[0], tree.term_a), (b[0], tree.term_b)]
    assert [len(p.sessions) for p in proposals] == [2, 2]
    township_clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b)
    assert [p.person for p in absences.termination_proposals(user=township_clerk)] == [b[0]]


def test_a_leave_approved_on_paper_and_recorded_excuses_the_absence_and_ends_the_proposal(town):
    tree, clerk, people = town
    first = sitting(town, 1, absent=[people[3]])
    second = sitting(town, 2, absent=[people[3]])
    mandate = mandate_of(people[3])
    assert [p.person for p in absences.termination_proposals(user=clerk)] == [people[3]]
    with pytest.raises(Invalid) as late:  # approved after the session closed: not a leave, an excuse afterwards
        services.absence_excuse_record(actor=clerk, mandate=mandate, session=second, approved_by="镇人大主席团",
                                       approved_on=second.ends_on + dt.timedelta(days=1), reason="住院")
    assert late.value.code == "leave_approved_too_late"
    with pytest.raises(Invalid) as nothing:  # a session the deputy attended has nothing to excuse
        services.absence_excuse_record(actor=clerk, mandate=mandate_of(people[0]), session=second,
                                       approved_by="镇人大主席团", approved_on=second.ends_on, reason="住院")
    assert nothing.value.code == "absence_not_found"
    with pytest.raises(Invalid, match="批准机关"):
        services.absence_excuse_record(actor=clerk, mandate=mandate, session=second, approved_by=" ",
                                       approved_on=second.starts_on, reason="住院")

    services.absence_excuse_record(actor=clerk, mandate=mandate, session=second, approved_by="镇人大主席团",
                                   approved_on=second.starts_on, reason="住院手术，有主席团书面批复")
    assert absences.termination_proposals(user=clerk) == []
    assert absences.missed_sessions(term=tree.term_a) == {people[3].pk: [first]}
    with pytest.raises(Invalid) as err:
        services.absence_termination_confirm(actor=clerk, mandate=mandate)
    assert err.value.code == "absences_not_enough"
    entry = AuditEntry.objects.get(action="absence.excuse")
    assert (entry.actor_id, json.loads(entry.before)["status"], json.loads(entry.after)["approved_by"]) == (
        clerk.pk, "未经批准缺席", "镇人大主席团")
    with pytest.raises(Invalid):  # recorded once: the session is no longer missed
        services.absence_excuse_record(actor=clerk, mandate=mandate, session=second, approved_by="镇人大主席团",
                                       approved_on=second.starts_on, reason="再次补录")
    third = sitting(town, 3, absent=[people[3]])  # a new unexcused absence brings the proposal back
    assert [p.sessions for p in absences.termination_proposals(user=clerk)] == [[first, third]]


def test_the_clerk_records_the_leave_on_the_page_and_by_the_api(town):
    tree, clerk, people = town
    town = (tree, clerk, people + make_deputies(tree.term_a, 2, prefix="增补代表"))  # two away, still a quorum
    sitting(town, 1, absent=[people[2], people[3]])
    second = sitting(town, 2, absent=[people[2], people[3]])
    page = Client()
    page.force_login(clerk)
    text = page.get("/meetings/absences/").content.decode()
    assert text.count('data-testid="excuse"') == 2
    page.post("/meetings/absences/", {"mandate": mandate_of(people[2]).pk, "action": "excuse",
                                      "session": second.pk, "approved_by": "镇人大主席团",
                                      "approved_on": second.starts_on.isoformat(), "reason": "外出务工，有批条"})
    names = [p.person for p in absences.termination_proposals(user=clerk)]
    assert names == [people[3]]
    client = api_client(clerk)
    url = f"/api/v1/absence_proposals/{mandate_of(people[3]).pk}/excuses"
    body = {"session": second.pk, "approved_by": "镇人大主席团", "approved_on": second.starts_on.isoformat(),
            "reason": "住院"}
    made = client.post(url, json.dumps(body), content_type="application/json")
    assert made.status_code == 200 and made.json()["deputy"] == people[3].pk
    assert client.get("/api/v1/absence_proposals").json() == []
    other = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b)
    assert api_client(other).post(url, json.dumps(body), content_type="application/json").status_code == 404


def test_a_leave_approved_on_the_sessions_last_day_is_still_in_time(town):
    """The boundary of "approved no later than the session's last day": that day itself is in time."""
    tree, clerk, people = town
    session = sitting(town, 1, absent=[people[3]])
    excuse = services.absence_excuse_record(actor=clerk, mandate=mandate_of(people[3]), session=session,
                                            approved_by="镇人大主席团", approved_on=session.ends_on,
                                            reason="闭幕当日主席团书面同意")
    assert excuse.approved_on == session.ends_on
    assert absences.missed_sessions(term=tree.term_a) == {}


def test_the_page_lists_the_recorded_leaves_of_the_users_congresses_only(town):
    """The absence that no longer counts keeps its evidence in view: who approved it, when, why, who recorded it."""
    tree, clerk, people = town
    session = sitting(town, 1, absent=[people[3]])
    services.absence_excuse_record(actor=clerk, mandate=mandate_of(people[3]), session=session,
                                   approved_by="镇人大主席团", approved_on=session.starts_on, reason="住院，有诊断书")
    page = Client()
    page.force_login(clerk)
    text = page.get("/meetings/absences/").content.decode()
    listed = text.split('data-testid="excused-absences"', 1)[1]
    assert people[3].name in listed and "住院，有诊断书" in listed and session.starts_on.isoformat() in listed
    county = UserFactory(role=Role.COUNTY_STAFF, region=tree.county)
    assert list(selectors.excused_absences_visible(user=county).values_list("person", flat=True)) == [people[3].pk]
    other = Client()
    other.force_login(UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b))
    text = other.get("/meetings/absences/").content.decode()
    assert 'data-testid="excused-absences"' not in text and "没有补录的请假" in text
