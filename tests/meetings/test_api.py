"""The API of API.md for meetings and votes, and its scope: staff of the congress's region, deputies of
congresses where they hold an active mandate; everyone else 404."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.meetings import services
from renda.meetings.models import Attendance, MeetingKind, SecretBallot
from tests.factories import UserFactory
from tests.helpers import api_client
from tests.meetings.util import deputy_user, hall, make_deputies, make_session, presidium

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_clerk_runs_a_vote_end_to_end_through_the_api(tree):
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    people = make_deputies(tree.term_a, 5)
    session = make_session(tree.term_a)
    staff = api_client(clerk)
    r = post(staff, "/api/v1/meetings", {"congress": tree.congress_a.pk, "kind": "plenary", "title": "第一次全体会议",
                                         "starts_at": timezone.now().isoformat(), "session": session.pk})
    assert r.status_code == 200, r.content
    meeting = r.json()
    assert {"id", "congress", "kind", "title", "present"} <= set(meeting)
    assert (meeting["present"], meeting["members"], meeting["quorum"]) == (0, 5, 4)
    mid = meeting["id"]

    deputies = [api_client(deputy_user(p)) for p in people]
    for client in deputies[:3]:
        assert post(client, f"/api/v1/meetings/{mid}/sign_in").json()["status"] == "present"
    r = post(staff, f"/api/v1/meetings/{mid}/start")
    assert r.status_code == 409 and r.json()["code"] == "quorum_not_met"
    assert post(staff, f"/api/v1/meetings/{mid}/sign_in", {"deputy": people[3].pk}).json()["present"] == 4
    assert post(staff, f"/api/v1/meetings/{mid}/start").json()["status"] == "in_progress"

    vote = post(staff, f"/api/v1/meetings/{mid}/votes", {"title": "关于政府工作报告的决议", "secret": True}).json()
    assert {"id", "title", "secret", "status", "round"} <= set(vote) and vote["status"] == "draft"
    vid = vote["id"]
    assert post(staff, f"/api/v1/votes/{vid}/open").json()["status"] == "open"
    receipts = [post(c, f"/api/v1/votes/{vid}/ballots", {"choice": ch}).json()
                for c, ch in zip(deputies[:4], ["yes", "yes", "yes", "no"], strict=True)]
    assert all(len(r["receipt"]) == 19 and len(r["fingerprint"]) == 16 for r in receipts)
    again = post(deputies[0], f"/api/v1/votes/{vid}/ballots", {"choice": "no"})
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    live = deputies[0].get(f"/api/v1/votes/{vid}/result").json()
    assert live["voted"] == 4 and live["yes"] is None, "a secret round shows only how many voted"

    closed = post(staff, f"/api/v1/votes/{vid}/close")
    assert closed.status_code == 200
    result = closed.json()
    assert {k: result[k] for k in ("yes", "no", "abstain", "not_voted", "eligible", "present", "threshold",
                                   "passed")} == {"yes": 3, "no": 1, "abstain": 0, "not_voted": 1, "eligible": 5,
                                                  "present": 4, "threshold": 3, "passed": True}
    assert "应到 5 人" in result["basis"]
    assert deputies[1].get(f"/api/v1/votes/{vid}/result").json() == result
    published = deputies[2].get(f"/api/v1/votes/{vid}/receipts").json()
    assert published["seal"] == result["seal"]
    assert all(any(h.startswith(r["fingerprint"]) for h in published["receipts"]) for r in receipts)
    assert staff.get(f"/api/v1/votes/{vid}/verify").json() == {"ok": True, "problems": []}
    assert SecretBallot.objects.filter(vote_id=vid).count() == 4


def test_another_townships_clerk_and_deputies_get_404(tree):
    h = hall(tree, 3)
    vote = services.vote_create(actor=h.clerk, meeting=h.meeting, title="甲镇表决")
    other_clerk = api_client(UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b))
    other_deputy = api_client(deputy_user(make_deputies(tree.term_b, 1, prefix="乙镇代表")[0]))
    for client in (other_clerk, other_deputy):
        assert client.get(f"/api/v1/meetings/{h.meeting.pk}").status_code == 404
        assert client.get(f"/api/v1/votes/{vote.pk}/result").status_code == 404
        assert h.meeting.pk not in {m["id"] for m in client.get("/api/v1/meetings").json()["items"]}
    r = post(other_clerk, f"/api/v1/votes/{vote.pk}/open")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    county = api_client(UserFactory(role=Role.COUNTY_STAFF, region=tree.county))
    assert county.get(f"/api/v1/meetings/{h.meeting.pk}").status_code == 200, "the county sees its townships"
    r = post(other_clerk, "/api/v1/meetings", {"congress": tree.congress_a.pk, "kind": "plenary", "title": "x",
                                               "starts_at": timezone.now().isoformat()})
    assert r.status_code == 404


def test_a_deputy_whose_mandate_ended_no_longer_sees_the_meetings(tree):
    from renda.deputies.models import Mandate

    h = hall(tree, 3)
    client = api_client(h.user(h.deputies[0]))
    assert client.get(f"/api/v1/meetings/{h.meeting.pk}").status_code == 200
    Mandate.objects.filter(person=h.deputies[0]).update(status="resigned")
    assert client.get(f"/api/v1/meetings/{h.meeting.pk}").status_code == 404


def test_presidium_meetings_are_visible_to_its_members_only(tree):
    h = hall(tree, 10)
    presidium(tree, h.deputies[:7])
    meeting = services.meeting_create(actor=h.clerk, congress=tree.congress_a, kind=MeetingKind.PRESIDIUM,
                                      title="主席团第一次会议", starts_at=timezone.now(), session=h.session)
    member = api_client(h.user(h.deputies[0]))
    outsider = api_client(h.user(h.deputies[9]))
    assert member.get(f"/api/v1/meetings/{meeting.pk}").status_code == 200
    assert outsider.get(f"/api/v1/meetings/{meeting.pk}").status_code == 404


def test_deputies_vote_but_do_not_run_meetings(tree):
    h = hall(tree, 3)
    deputy = api_client(h.user(h.deputies[0]))
    r = post(deputy, f"/api/v1/meetings/{h.meeting.pk}/votes", {"title": "代表发起"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    r = post(deputy, f"/api/v1/meetings/{h.meeting.pk}/sign_in", {"deputy": h.deputies[1].pk})
    assert r.status_code == 403
    staff = api_client(h.clerk)
    vote = post(staff, f"/api/v1/meetings/{h.meeting.pk}/votes", {"title": "表决"}).json()
    post(staff, f"/api/v1/votes/{vote['id']}/open")
    assert post(staff, f"/api/v1/votes/{vote['id']}/ballots", {"choice": "yes"}).status_code == 403
    r = post(deputy, f"/api/v1/votes/{vote['id']}/ballots", {"choice": "maybe"})
    assert r.status_code == 422 and "choice" in r.json()["fields"]


def test_the_chair_may_run_the_meeting(tree):
    h = hall(tree, 3, start=False)
    h.meeting.chair = h.deputies[0]
    h.meeting.save()
    chair = api_client(h.user(h.deputies[0]))
    assert post(chair, f"/api/v1/meetings/{h.meeting.pk}/start").json()["status"] == "in_progress"
    vote = post(api_client(h.clerk), f"/api/v1/meetings/{h.meeting.pk}/votes", {"title": "表决"}).json()
    assert post(chair, f"/api/v1/votes/{vote['id']}/open").json()["status"] == "open"
    assert post(api_client(h.user(h.deputies[1])), f"/api/v1/votes/{vote['id']}/close").status_code == 403
    assert post(chair, f"/api/v1/votes/{vote['id']}/close").json()["status"] == "closed"
    closing = AuditEntry.objects.get(action="vote.close")
    assert closing.actor_role == Role.DEPUTY


def test_sign_in_by_staff_is_recorded_as_staff(tree):
    h = hall(tree, 3, present=0, start=False)
    r = post(api_client(h.clerk), f"/api/v1/meetings/{h.meeting.pk}/sign_in", {"deputy": h.deputies[2].pk})
    assert r.json()["method"] == "staff"
    row = Attendance.objects.get(meeting=h.meeting, person=h.deputies[2])
    assert row.recorded_by == h.clerk
    assert json.loads(AuditEntry.objects.get(action="meeting.sign_in").after)["method"] == "staff"
