"""Several opinions → one deputy suggestion (DOMAIN.md §4), and the suggestion's answer reaching every one of
their constituents by tracking code — with the suggestion driven through the suggestions app's own services."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from renda.core.errors import Invalid, InvalidTransition
from renda.core.models import AuditEntry
from renda.liaison.models import Opinion, OpinionStatus
from renda.liaison.services import conversion
from renda.liaison.services import opinions as svc
from renda.suggestions.models import Status
from tests.helpers import api_client
from tests.suggestions import conftest as suggestion_fixtures

# the suggestions app's own world: deputies, clerks, units, and a suggestion driven through its services
world, calendar_years, media_in_tmp = (suggestion_fixtures.world, suggestion_fixtures.calendar_years,
                                       suggestion_fixtures.media_in_tmp)

pytestmark = pytest.mark.django_db


def opinions_from_three_villagers(world, n: int = 3) -> list[Opinion]:
    from renda.liaison.services.stations import station_create

    station = station_create(actor=world.clerk_a, region=world.tree.town_a, kind="central", name="甲镇中心联络站",
                             address="甲镇政府")
    out = []
    for i in range(n):
        o = svc.opinion_register(actor=world.clerk_a, channel="reception", station=station,
                                 content=f"甲村至镇道路破损，第{i + 1}位群众反映。", name=f"村民{i}",
                                 phone=f"1380000000{i}")
        out.append(svc.opinion_accept(actor=world.clerk_a, opinion=o, category="城建交通"))
    return out


def test_many_opinions_become_one_suggestion_and_its_answer_reaches_every_constituent(world):
    opinions = opinions_from_three_villagers(world)
    suggestion = world.build(Status.SUBMITTED)
    response = api_client(world.clerk_a).post(
        f"/api/v1/opinions/{opinions[0].pk}/to_suggestion", content_type="application/json",
        data=json.dumps({"suggestion": suggestion.pk, "others": [o.pk for o in opinions[1:]], "version": 2}))
    assert response.status_code == 200, response.content
    assert {o["status"] for o in response.json()} == {"to_suggestion"}
    assert set(Opinion.objects.filter(suggestion=suggestion).values_list("pk", flat=True)) == {o.pk for o in opinions}
    assert AuditEntry.objects.filter(action="opinion.to_suggestion").count() == 3

    # not answered yet: nothing moves, and the reply clock of the opinion no longer runs
    assert conversion.suggestion_answers_reach_opinions() == 0
    assert svc.opinion_deadline_sweep()["escalations"] == 0

    for step in ["review_accept", "assign", "accept", "reply_A"]:
        suggestion = world.step(suggestion, step)
    tracked = Client().get(f"/api/v1/public/opinions/{opinions[1].tracking_code}").json()
    assert tracked["suggestion"]["title"] == "修缮甲村道路"
    assert tracked["suggestion"]["replies"][0]["text"] == "已修缮完毕。"

    assert conversion.suggestion_answers_reach_opinions() == 3
    assert conversion.suggestion_answers_reach_opinions() == 0, "idempotent"
    for o in opinions:
        o.refresh_from_db()
        assert o.status == OpinionStatus.REPLIED and "已修缮完毕。" in o.reply_text
        body = Client().get(f"/api/v1/public/opinions/{o.tracking_code}").json()
        assert body["can_evaluate"] and "修缮甲村道路" in body["reply"]["text"]
    entry = AuditEntry.objects.filter(action="opinion.reply_from_suggestion").first()
    assert entry.actor_username == "system" and f'"suggestion":{suggestion.pk}' in entry.after
    page = Client().get(f"/portal/track/{opinions[2].tracking_code}/").content.decode()
    assert "已修缮完毕。" in page and "修缮甲村道路" in page
    # each constituent judges for themself
    svc.opinion_evaluate(opinion=opinions[0], satisfaction="satisfied")
    assert Opinion.objects.get(pk=opinions[1].pk).status == OpinionStatus.REPLIED


def test_an_answer_to_the_suggestion_it_was_merged_into_counts(world):
    from renda.suggestions.services import suggestion_merge

    opinions = opinions_from_three_villagers(world, n=1)
    member = world.build(Status.SUBMITTED)
    member = world.step(member, "review_accept")
    conversion.opinions_to_suggestion(actor=world.clerk_a, opinions=opinions, suggestion=member)
    primary = world.build(Status.ACCEPTED)
    suggestion_merge(actor=world.clerk_a, primary=primary, members=[member])
    for step in ["assign", "accept", "reply_A"]:
        primary = world.step(primary, step)
    assert conversion.suggestion_answers_reach_opinions() == 1
    assert Opinion.objects.get(pk=opinions[0].pk).status == OpinionStatus.REPLIED


def test_only_an_accepted_opinion_and_a_submitted_suggestion_of_the_right_congress(world):
    opinions = opinions_from_three_villagers(world, n=1)
    draft = world.build(Status.DRAFT)
    with pytest.raises(Invalid):
        conversion.opinions_to_suggestion(actor=world.clerk_a, opinions=opinions, suggestion=draft)
    received = svc.opinion_register(actor=world.clerk_a, channel="phone", station=opinions[0].station,
                                    content="还没有受理的意见内容")
    with pytest.raises(InvalidTransition):
        conversion.opinions_to_suggestion(actor=world.clerk_a, opinions=[received],
                                          suggestion=world.build(Status.SUBMITTED))
    # the other township's clerk cannot reach the suggestion through the API
    response = api_client(world.clerk_b).post(
        f"/api/v1/opinions/{opinions[0].pk}/to_suggestion", content_type="application/json",
        data=json.dumps({"suggestion": world.build(Status.SUBMITTED).pk}))
    assert response.status_code == 404
