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
from renda.suggestions.models import Status, Suggestion
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


def test_an_opinion_merged_into_one_that_became_a_suggestion_gets_the_suggestions_answer(world):
    primary, duplicate = opinions_from_three_villagers(world, n=2)
    svc.opinion_merge(actor=world.clerk_a, opinion=duplicate, into=primary)
    suggestion = world.build(Status.SUBMITTED)
    conversion.opinions_to_suggestion(actor=world.clerk_a, opinions=[Opinion.objects.get(pk=primary.pk)],
                                      suggestion=suggestion)
    with pytest.raises(Invalid, match="已转为代表建议"):  # later duplicates are linked to the suggestion instead
        later = svc.opinion_register(actor=world.clerk_a, channel="reception", station=primary.station,
                                     content="甲村至镇道路破损，又一位群众反映。", phone="13800000009")
        svc.opinion_merge(actor=world.clerk_a, opinion=later, into=Opinion.objects.get(pk=primary.pk))
    for step in ["review_accept", "assign", "accept", "reply_A"]:
        suggestion = world.step(suggestion, step)
    assert conversion.suggestion_answers_reach_opinions() == 1  # the primary; the merged one follows it
    duplicate.refresh_from_db()
    assert duplicate.status == OpinionStatus.REPLIED and "已修缮完毕。" in duplicate.reply_text


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


def test_stale_objects_cannot_convert_status_is_checked_on_locked_copies(world):
    """opinions_to_suggestion reads each status from a row it has locked, not from the objects it was given."""
    opinions = opinions_from_three_villagers(world, n=2)
    stale = Opinion.objects.get(pk=opinions[1].pk)  # still "accepted" in memory
    svc.opinion_reply(actor=world.clerk_a, opinion=opinions[1], text="已当面答复。")
    suggestion = world.build(Status.SUBMITTED)
    with pytest.raises(InvalidTransition):
        conversion.opinions_to_suggestion(actor=world.clerk_a, opinions=[opinions[0], stale], suggestion=suggestion)
    assert not Opinion.objects.filter(suggestion=suggestion).exists(), "all or nothing"
    assert not AuditEntry.objects.filter(action="opinion.to_suggestion").exists()

    in_memory = Suggestion.objects.get(pk=suggestion.pk)  # "submitted" in memory
    world.step(suggestion, "withdraw")
    with pytest.raises(Invalid):
        conversion.opinions_to_suggestion(actor=world.clerk_a, opinions=[opinions[0]], suggestion=in_memory)
    assert Opinion.objects.get(pk=opinions[0].pk).status == OpinionStatus.ACCEPTED


def test_clerk_form_turns_opinions_into_the_suggestion_a_deputy_takes_up_and_the_answer_reaches_each_one(world):
    """DOMAIN.md §4: several opinions → one deputy suggestion (entered on the deputy's behalf), linked both ways;
    when the suggestion is answered each constituent sees the answer on the portal by their code."""
    opinions = opinions_from_three_villagers(world)
    outside = opinions_from_three_villagers_of_town_b(world)
    client = Client()
    client.force_login(world.clerk_a)
    page = client.get("/liaison/opinions/to-suggestion/").content.decode()
    assert all(o.code in page for o in opinions)
    assert outside.code not in page, "only opinions of the clerk's own scope"

    query = "&".join(f"opinions={o.pk}" for o in opinions)
    draft = client.get(f"/liaison/opinions/to-suggestion/?{query}", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in draft, "htmx gets only the fragment"
    lead = world.lead.person
    mandate = lead.mandates.get(congress=world.tree.congress_a)
    assert f'value="{mandate.pk}"' in draft and "李领衔" in draft
    assert "城建交通" in draft and "第3位群众反映" in draft, "title and content drafted from the opinions"
    assert "村民0" not in draft and "13800000000" not in draft, "no constituent's name or phone in the draft"

    response = client.post("/liaison/opinions/to-suggestion/", {
        "opinions": [o.pk for o in opinions], "mandate": mandate.pk, "title": "关于修缮甲村至镇道路的建议",
        "content": "甲村至镇道路破损严重，三位群众反映。建议列入明年计划修缮。"})
    assert response.status_code == 302, response.content.decode()[:500]
    suggestion = Suggestion.objects.get(title="关于修缮甲村至镇道路的建议")
    assert suggestion.lead_deputy_id == lead.pk and suggestion.status == Status.SUBMITTED
    assert suggestion.entered_by_id == world.clerk_a.pk
    assert set(suggestion.opinions.values_list("pk", flat=True)) == {o.pk for o in opinions}, "suggestion → opinions"
    assert AuditEntry.objects.filter(action="opinion.to_suggestion").count() == 3
    assert AuditEntry.objects.filter(action="suggestion.create", object_id=str(suggestion.pk)).exists()
    detail = client.get(f"/liaison/opinions/{opinions[0].pk}/").content.decode()
    assert f"/suggestions/{suggestion.pk}/" in detail, "opinion → suggestion"
    listed = client.get(f"/liaison/opinions/?suggestion={suggestion.pk}").content.decode()
    assert all(o.code in listed for o in opinions)

    staff_page = client.get(f"/suggestions/{suggestion.pk}/").content.decode()
    assert f'由 <a href="/liaison/opinions/?suggestion={suggestion.pk}">3 条群众意见</a>形成' in staff_page

    for step in ["review_accept", "assign", "accept", "reply_A"]:
        suggestion = world.step(suggestion, step)
    # the lead unit reads the suggestion and its timeline, but no code that would open the portal's 评价 of its
    # own answer
    unit = Client()
    unit.force_login(world.unit_lead)
    seen = unit.get(f"/suggestions/{suggestion.pk}/").content.decode()
    assert "由3条群众意见形成" in seen and 'data-testid="from-opinions"' not in seen
    seen += api_client(world.unit_lead).get(f"/api/v1/suggestions/{suggestion.pk}").content.decode()
    assert not [o.code for o in opinions if o.code in seen or o.tracking_code in seen]
    assert conversion.suggestion_answers_reach_opinions() == 3
    for o in opinions:
        page = Client().get(f"/portal/track/{svc.format_code(o.tracking_code)}/").content.decode()
        assert "已修缮完毕。" in page and "关于修缮甲村至镇道路的建议" in page
        assert Opinion.objects.get(pk=o.pk).status == OpinionStatus.REPLIED


def test_opinions_asked_for_are_offered_ticked_however_many_newer_ones_wait(world, monkeypatch):
    """A hot issue links here with its group's opinions: older than the 200 newest waiting ones, they were left out
    of the list, not ticked, and the form said "请选择群众意见"."""
    import re

    from renda.liaison.views import opinions as views

    monkeypatch.setattr(views, "CANDIDATES", 2)
    older = opinions_from_three_villagers(world)
    Opinion.objects.filter(pk__in=[o.pk for o in older]).update(received_at="2026-01-05T10:00:00+08:00")
    newer = [svc.opinion_accept(actor=world.clerk_a, category="城建交通", opinion=svc.opinion_register(
        actor=world.clerk_a, channel="reception", station=older[0].station, content=f"乙村水渠堵塞，第{i}位反映。"))
        for i in range(3)]
    client = Client()
    client.force_login(world.clerk_a)
    asked = older[:2]
    page = client.get(f"/liaison/opinions/to-suggestion/?{'&'.join(f'opinions={o.pk}' for o in asked)}")
    ticked = {int(x) for x in re.findall(r'name="opinions" value="(\d+)" checked', page.content.decode())}
    assert ticked == {o.pk for o in asked}
    offered = {int(x) for x in re.findall(r'name="opinions" value="(\d+)"', page.content.decode())}
    assert offered == {o.pk for o in asked} | {o.pk for o in newer[1:]}, "the newest two, and the two asked for"

    mandate = world.lead.person.mandates.get(congress=world.tree.congress_a)
    response = client.post("/liaison/opinions/to-suggestion/", {
        "opinions": [o.pk for o in asked], "mandate": mandate.pk, "title": "关于修缮甲村至镇道路的建议",
        "content": "甲村至镇道路破损严重。"})
    assert response.status_code == 302, response.content.decode()[:500]
    suggestion = Suggestion.objects.get(title="关于修缮甲村至镇道路的建议")
    assert set(suggestion.opinions.values_list("pk", flat=True)) == {o.pk for o in asked}


def test_the_form_refuses_without_a_deputy_and_changes_nothing(world):
    opinions = opinions_from_three_villagers(world, n=1)
    client = Client()
    client.force_login(world.clerk_a)
    response = client.post("/liaison/opinions/to-suggestion/", {"opinions": [opinions[0].pk], "title": "标题",
                                                                 "content": "内容"})
    assert response.status_code == 422 and "请选择接手的代表" in response.content.decode()
    assert Opinion.objects.get(pk=opinions[0].pk).status == OpinionStatus.ACCEPTED
    assert not Suggestion.objects.filter(title="标题").exists()


def test_the_form_shown_before_an_opinion_changed_is_refused_keeping_the_text_and_enters_nothing(world):
    """A stale form is refused, not merged: an opinion ticked on the page was changed since (a deputy was asked to
    follow it; its status stays 已受理). No suggestion is entered, no opinion linked; the page comes back with the
    title and content as typed and the opinions as they now are, and sent again it goes through."""
    import re

    from renda.liaison.services.deputies import opinion_set_deputy

    opinions = opinions_from_three_villagers(world, n=2)
    client = Client()
    client.force_login(world.clerk_a)
    page = client.get("/liaison/opinions/to-suggestion/").content.decode()
    shown = dict(re.findall(r'<input type="hidden" name="(version_\d+)" value="(\d+)">', page))
    assert shown == {f"version_{o.pk}": str(o.version) for o in opinions}
    mandate = world.lead.person.mandates.get(congress=world.tree.congress_a)
    form = {"opinions": [o.pk for o in opinions], "mandate": mandate.pk, "title": "关于修缮甲村至镇道路的建议",
            "content": "甲村至镇道路破损严重，建议修缮。", **shown}

    changed = opinion_set_deputy(actor=world.clerk_a, opinion=Opinion.objects.get(pk=opinions[0].pk),
                                 person=world.lead.person)
    refused = client.post("/liaison/opinions/to-suggestion/", form)
    html = refused.content.decode()
    assert refused.status_code == 422 and f"意见 {changed.code} 在您打开页面后已有变动" in html
    assert "关于修缮甲村至镇道路的建议" in html and "甲村至镇道路破损严重，建议修缮。" in html, "nothing typed is lost"
    assert f'name="version_{changed.pk}" value="{changed.version}"' in html, "the page shows the opinion as it is now"
    assert not Suggestion.objects.filter(title="关于修缮甲村至镇道路的建议").exists()
    assert not Opinion.objects.filter(pk__in=[o.pk for o in opinions], suggestion__isnull=False).exists()

    again = client.post("/liaison/opinions/to-suggestion/", {**form, f"version_{changed.pk}": str(changed.version)})
    assert again.status_code == 302
    suggestion = Suggestion.objects.get(title="关于修缮甲村至镇道路的建议")
    assert set(suggestion.opinions.values_list("pk", flat=True)) == {o.pk for o in opinions}


def test_the_form_is_refused_when_a_ticked_opinion_was_answered_in_another_tab_not_sent_without_it(world):
    """An opinion ticked on the page was then answered (答复) in another tab: it is no longer offered, and the form
    must not quietly make the suggestion from the others; it says which opinion changed."""
    import re

    opinions = opinions_from_three_villagers(world, n=2)
    client = Client()
    client.force_login(world.clerk_a)
    page = client.get("/liaison/opinions/to-suggestion/").content.decode()
    shown = dict(re.findall(r'<input type="hidden" name="(version_\d+)" value="(\d+)">', page))
    mandate = world.lead.person.mandates.get(congress=world.tree.congress_a)
    answered = Opinion.objects.get(pk=opinions[0].pk)
    svc.opinion_reply(actor=world.clerk_a, opinion=answered, text="已安排修缮，本月完成。")
    refused = client.post("/liaison/opinions/to-suggestion/", {
        "opinions": [o.pk for o in opinions], "mandate": mandate.pk, "title": "关于修缮甲村至镇道路的建议",
        "content": "甲村至镇道路破损严重，建议修缮。", **shown})
    assert refused.status_code == 422
    assert f"意见 {opinions[0].code} 在您打开页面后已有变动" in refused.content.decode()
    assert not Suggestion.objects.filter(title="关于修缮甲村至镇道路的建议").exists()
    assert Opinion.objects.get(pk=opinions[1].pk).suggestion_id is None


def test_api_to_suggestion_with_a_deputy_enters_a_new_suggestion(world):
    opinions = opinions_from_three_villagers(world, n=2)
    response = api_client(world.clerk_a).post(
        f"/api/v1/opinions/{opinions[0].pk}/to_suggestion", content_type="application/json",
        data=json.dumps({"deputy": world.lead.person.pk, "others": [opinions[1].pk]}))
    assert response.status_code == 200, response.content
    body = response.json()
    suggestion = Suggestion.objects.get(pk=body[0]["suggestion"])
    assert {o["status"] for o in body} == {"to_suggestion"} and suggestion.status == Status.SUBMITTED
    assert "城建交通" in suggestion.title and "第2位群众反映" in suggestion.content
    both = api_client(world.clerk_a).post(
        f"/api/v1/opinions/{opinions[0].pk}/to_suggestion", content_type="application/json",
        data=json.dumps({"deputy": world.lead.person.pk, "suggestion": suggestion.pk}))
    assert both.status_code == 422
    stranger = api_client(world.clerk_a).post(
        f"/api/v1/opinions/{opinions[0].pk}/to_suggestion", content_type="application/json",
        data=json.dumps({"deputy": 999999}))
    assert stranger.status_code in (409, 422)


def opinions_from_three_villagers_of_town_b(world) -> Opinion:
    from renda.liaison.services.stations import station_create

    station = station_create(actor=world.clerk_b, region=world.tree.town_b, kind="central", name="乙镇中心联络站",
                             address="乙镇政府")
    o = svc.opinion_register(actor=world.clerk_b, channel="phone", station=station, content="乙镇的路灯坏了很久。")
    return svc.opinion_accept(actor=world.clerk_b, opinion=o, category="城建交通")


def test_the_opinion_page_names_a_county_suggestion_without_its_title_to_the_township_clerk(world):
    """The county took a township's opinion into a county suggestion: the township clerk sees that it went to the
    county congress's suggestion, but not that suggestion's title nor a link (it is not theirs to open); the
    county's clerk sees both."""
    opinion = opinions_from_three_villagers(world, n=1)[0]
    county = Suggestion.objects.create(
        congress=world.tree.county_congress, region_path=world.tree.county.path, title="全县农村道路提质改造",
        content="……", lead_deputy=world.lead.person, year=2026, channel="recess", status=Status.SUBMITTED,
        number="县2026-009")
    conversion.opinions_to_suggestion(actor=world.county_clerk, opinions=[opinion], suggestion=county)

    def seen_by(user) -> str:
        client = Client()
        client.force_login(user)
        response = client.get(f"/liaison/opinions/{opinion.pk}/")
        assert response.status_code == 200
        return response.content.decode()

    township = seen_by(world.clerk_a)
    assert "全县农村道路提质改造" not in township and f"/suggestions/{county.pk}/" not in township
    assert f'<span data-testid="linked-suggestion-closed">已转为{world.tree.county_congress.name}的代表建议</span>' \
        in township
    county_page = seen_by(world.county_clerk)
    assert f'href="/suggestions/{county.pk}/" data-testid="linked-suggestion">《全县农村道路提质改造》' in county_page


def test_the_codes_already_written_into_timelines_are_taken_out(world):
    """Migration suggestions 0006: a timeline note written before named the opinions' tracking codes."""
    import importlib

    from django.apps import apps

    from renda.suggestions.models import SuggestionEvent

    drop_codes = importlib.import_module("renda.suggestions.migrations.0006_opinion_codes_out_of_timeline").drop_codes
    suggestion = world.build(Status.SUBMITTED)
    old = SuggestionEvent.objects.create(suggestion=suggestion, event="submit", from_status="draft",
                                         to_status="submitted",
                                         note="纸质建议，由甲镇秘书代录。由2条群众意见形成（ABCDEFGHJKMN、PQRSTUVWXYZ2）")
    other = SuggestionEvent.objects.create(suggestion=suggestion, event="submit", from_status="draft",
                                           to_status="submitted", note="代表说明：ABCDEFGHJKMN 是门牌（群众意见形成）")
    drop_codes(apps, None)
    assert SuggestionEvent.objects.get(pk=old.pk).note == "纸质建议，由甲镇秘书代录。由2条群众意见形成"
    assert SuggestionEvent.objects.get(pk=other.pk).note == "代表说明：ABCDEFGHJKMN 是门牌（群众意见形成）"


def test_a_reopened_opinion_answered_through_its_suggestion_awaits_a_judgment_of_that_answer(world):
    """A 不满意 reopens the opinion; the clerk takes it up in a deputy suggestion; the suggestion's answer reaches the
    opinion as its new reply (the periodic job), which clears the row's judgment of the first reply, as a reply of
    its own would; the 不满意 stays among its judgments."""
    from renda.liaison import selectors

    (opinion,) = opinions_from_three_villagers(world, n=1)
    opinion = svc.opinion_reply(actor=world.clerk_a, opinion=opinion, text="已列入计划。")
    opinion = svc.opinion_evaluate(opinion=opinion, satisfaction="unsatisfied", comment="没有时间表")
    suggestion = world.build(Status.SUBMITTED)
    conversion.opinions_to_suggestion(actor=world.clerk_a, opinions=[opinion], suggestion=suggestion)
    for step in ["review_accept", "assign", "accept", "reply_A"]:
        suggestion = world.step(suggestion, step)
    assert conversion.suggestion_answers_reach_opinions() == 1
    opinion.refresh_from_db()
    assert (opinion.status, opinion.satisfaction, opinion.satisfaction_comment, opinion.judged_via) == (
        OpinionStatus.REPLIED, "", "", "")
    earlier = selectors.earlier_judgments(opinion)
    assert [(j.satisfaction, j.comment) for j in earlier] == [("unsatisfied", "没有时间表")]
    page = Client().get(f"/portal/track/{opinion.tracking_code}/").content.decode()
    assert 'data-testid="judgment"' not in page and 'data-testid="judgment-earlier"' in page
