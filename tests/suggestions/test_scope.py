"""Who sees a suggestion in each state (selectors.visible): the signers always; staff of the congress's region
(not drafts); the lead unit and co-units once assigned; nobody else — and outside the scope is 404."""

from __future__ import annotations

import pytest

from renda.suggestions.models import Kind, Status
from tests.helpers import api_client

pytestmark = pytest.mark.django_db

ASSIGNED_ON = {Status.ASSIGNED, Status.HANDLING, Status.REPLIED, Status.REHANDLING, Status.EVALUATED,
               Status.FOLLOW_UP, Status.CLOSED}
STATES = [s for s in Status.values if s != Status.ON_AGENDA]


def _who_sees(world, state):
    return {
        "lead": True, "cosigner": True, "other_deputy": False,
        "clerk_a": state != Status.DRAFT, "county_clerk": state != Status.DRAFT, "clerk_b": False,
        "unit_lead": state in ASSIGNED_ON, "unit_co": state in ASSIGNED_ON, "unit_third": False,
    }


@pytest.mark.parametrize("state", STATES)
def test_each_role_sees_a_suggestion_in_this_state_only_within_its_scope(world, state):
    s = world.build(state)
    failures = []
    for name, expected in _who_sees(world, state).items():
        client = api_client(getattr(world, name))
        detail = client.get(f"/api/v1/suggestions/{s.pk}")
        listed = {i["id"] for i in client.get("/api/v1/suggestions").json()["items"]}
        if expected and (detail.status_code != 200 or s.pk not in listed):
            failures.append(f"{name} should see it: {detail.status_code}, listed={s.pk in listed}")
        if not expected and (detail.status_code != 404 or detail.json()["code"] != "not_found" or s.pk in listed):
            failures.append(f"{name} should get 404: {detail.status_code}, listed={s.pk in listed}")
    assert not failures, f"state {state}:\n" + "\n".join(failures)


def test_township2_gets_404_on_the_townships_suggestion_and_its_actions(world):
    s = world.build(Status.SUBMITTED)
    client = api_client(world.clerk_b)
    for method, path, body in (("get", "", None), ("post", "/review", {"decision": "accept"}),
                               ("post", "/assign", {"lead_unit": world.tree.unit_county.pk})):
        kwargs = {"data": body, "content_type": "application/json"} if body else {}
        response = getattr(client, method)(f"/api/v1/suggestions/{s.pk}{path}", **kwargs)
        assert response.status_code == 404 and response.json()["code"] == "not_found", path
    s.refresh_from_db()
    assert s.status == Status.SUBMITTED
    assert client.get("/api/v1/suggestions/987654").json()["code"] == "not_found"


def test_a_unit_never_sees_another_units_items(world):
    mine = world.build(Status.HANDLING)
    theirs = world.create(title="修缮乙村水渠")
    for step in ("submit", "review_accept"):
        theirs = world.step(theirs, step)
    from renda.suggestions import services

    services.suggestion_assign(actor=world.clerk_a, suggestion=theirs, lead_unit=world.third_unit)
    listed = {i["id"] for i in api_client(world.unit_lead).get("/api/v1/suggestions").json()["items"]}
    assert listed == {mine.pk}
    assert api_client(world.unit_lead).get(f"/api/v1/suggestions/{theirs.pk}").status_code == 404
    third = {i["id"] for i in api_client(world.unit_third).get("/api/v1/suggestions").json()["items"]}
    assert third == {theirs.pk}


def test_a_unit_that_returns_a_misrouted_item_no_longer_sees_it(world):
    s = world.build(Status.ASSIGNED)
    client = api_client(world.unit_lead)
    response = client.post(f"/api/v1/suggestions/{s.pk}/return", {"reason": "属水利局职责"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == Status.ACCEPTED
    assert response.json()["lead_unit"] is None and response.json()["co_units"] == []
    assert client.get(f"/api/v1/suggestions/{s.pk}").status_code == 404
    assert api_client(world.unit_co).get(f"/api/v1/suggestions/{s.pk}").status_code == 404


def test_roles_that_may_never_take_an_event_get_403_on_a_visible_suggestion(world):
    s = world.build(Status.SUBMITTED)
    cosigner = api_client(world.cosigner).post(f"/api/v1/suggestions/{s.pk}/withdraw", {},
                                               content_type="application/json")
    assert cosigner.status_code == 403 and cosigner.json()["code"] == "forbidden"
    deputy_review = api_client(world.lead).post(f"/api/v1/suggestions/{s.pk}/review", {"decision": "accept"},
                                                content_type="application/json")
    assert deputy_review.status_code == 403
    s.refresh_from_db()
    assert s.status == Status.SUBMITTED


def test_a_co_unit_may_give_its_opinion_but_not_reply(world):
    s = world.build(Status.HANDLING)
    client = api_client(world.unit_co)
    reply = client.post(f"/api/v1/suggestions/{s.pk}/reply", {"result_class": "A", "text": "x"},
                        content_type="application/json")
    assert reply.status_code == 403
    opinion = client.post(f"/api/v1/suggestions/{s.pk}/opinion", {"text": "建议主办单位统筹安排资金"},
                          content_type="application/json")
    assert opinion.status_code == 200
    assert s.assignments.get(unit=world.tree.unit_other).opinion == "建议主办单位统筹安排资金"


def test_actions_listed_for_each_actor_match_what_they_may_do(world):
    s = world.build(Status.REPLIED)
    assert api_client(world.lead).get(f"/api/v1/suggestions/{s.pk}").json()["actions"] == ["evaluate"]
    assert api_client(world.cosigner).get(f"/api/v1/suggestions/{s.pk}").json()["actions"] == []
    assert api_client(world.clerk_a).get(f"/api/v1/suggestions/{s.pk}").json()["actions"] == []
    assert api_client(world.unit_lead).get(f"/api/v1/suggestions/{s.pk}").json()["actions"] == []
    bill = world.build(Status.SUBMITTED, kind=Kind.BILL)
    assert api_client(world.clerk_a).get(f"/api/v1/suggestions/{bill.pk}").json()["actions"] == ["decide"]


def test_the_region_prefix_match_takes_exactly_the_region_and_below(world):
    """/1/4/ holds /1/4/ and /1/4/27/, not /1/40/ nor /1/5/ — on both databases (SQLite uses a range)."""
    from types import SimpleNamespace

    from renda.core.roles import Role
    from renda.suggestions.models import Suggestion
    from renda.suggestions.selectors import visible

    base = world.build(Status.SUBMITTED)
    paths = ["/1/4/", "/1/4/27/", "/1/4/27/300/", "/1/40/", "/1/5/", "/1/", "/1/3/9/"]
    for i, path in enumerate(paths):
        base.pk, base.number, base.region_path = None, f"P-{i}", path
        base.save()
    Suggestion.objects.filter(region_path=world.tree.congress_a.region.path).delete()
    staff = SimpleNamespace(role=Role.COUNTY_STAFF, region=SimpleNamespace(path="/1/4/"))
    seen = set(visible(user=staff).values_list("region_path", flat=True))
    assert seen == {"/1/4/", "/1/4/27/", "/1/4/27/300/"}
