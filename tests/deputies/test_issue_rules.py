"""The issue's "Bad input" and "Done when" rules through the API and the pages, where the services' own tests do not
reach: an ID already used by another person, a district of another congress, a former deputy's history and who
sees it, professional groups across deputy groups, and the composition page and API agreeing with the registry."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.deputies import selectors, services
from renda.deputies.models import Mandate, MandateStatus, Person, ProfessionalMembership
from renda.deputies.validation import FieldInvalid
from tests.deputies.registry import build, make_id
from tests.factories import UserFactory
from tests.helpers import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg(tree):
    return build(tree)


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, data=json.dumps(body), content_type="application/json")


# --- bad input ------------------------------------------------------------------------------------------------
def test_registering_an_id_already_used_by_another_person_is_422_on_the_id_and_writes_nothing(reg):
    client = api_client(reg.clerk_a)
    audits = AuditEntry.objects.count()
    response = post(client, "/api/v1/deputies", {
        "congress": reg.tree.congress_a.pk, "name": "孙七", "id_number": reg.zhang.id_number})
    assert response.status_code == 422
    assert response.json()["code"] == "id_number_taken" and "id_number" in response.json()["fields"]
    assert not Person.objects.filter(name="孙七").exists()
    assert AuditEntry.objects.count() == audits


def test_editing_an_id_into_one_already_used_by_another_person_is_refused_on_api_and_page(reg, client):
    response = patch(api_client(reg.clerk_a), f"/api/v1/deputies/{reg.li.pk}",
                     {"version": 1, "id_number": reg.zhang.id_number})
    assert (response.status_code, response.json()["code"]) == (422, "id_number_taken")
    client.force_login(reg.clerk_a)
    zhang = reg.zhang
    page = client.post(reverse("deputies:edit", args=[zhang.pk]), {
        "version": 1, "name": zhang.name, "gender": zhang.gender, "ethnicity": zhang.ethnicity,
        "birth_date": zhang.birth_date.isoformat(), "party": zhang.party, "education": zhang.education,
        "occupation": zhang.occupation, "organization_post": "", "address": "", "phone": "",
        "id_number": reg.wang.id_number})
    assert page.status_code == 422
    assert 'data-field="id_number"' in page.content.decode() and "该身份证号已登记在另一人名下" in page.content.decode()
    assert Person.objects.get(pk=zhang.pk).id_number == zhang.id_number
    li = Person.objects.get(pk=reg.li.pk)
    assert (li.id_number, li.version) == (reg.li.id_number, 1)
    assert not AuditEntry.objects.filter(action="person.update").exists()


def test_registering_a_deputy_into_a_district_of_another_congress_is_422_and_leaves_nobody(reg):
    response = post(api_client(reg.county_clerk), "/api/v1/deputies", {
        "congress": reg.tree.congress_a.pk, "district": reg.county_district_a.pk, "name": "孙七",
        "id_number": make_id("19850615", 7)})
    assert (response.status_code, response.json()["code"]) == (422, "district_other_congress")
    assert "district" in response.json()["fields"]
    assert not Person.objects.filter(name="孙七").exists()
    # A district outside the caller's region stays not found.
    town_b_district = services.district_create(actor=None, congress=reg.tree.congress_b, name="乙镇第一选区")
    response = post(api_client(reg.clerk_a), "/api/v1/deputies", {
        "congress": reg.tree.congress_a.pk, "district": town_b_district.pk, "name": "孙七",
        "id_number": make_id("19850615", 7)})
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action__in=("person.create", "mandate.create"),
                                         actor_id=reg.county_clerk.pk).exists()


def test_moving_a_mandate_into_a_district_of_another_congress_is_refused(reg):
    with pytest.raises(FieldInvalid) as exc:
        services.mandate_update(actor=reg.county_clerk, mandate=reg.mandate_zhang, version=1,
                                district=reg.county_district_a)
    assert (exc.value.field, exc.value.code) == ("district", "district_other_congress")
    mandate = Mandate.objects.get(pk=reg.mandate_zhang.pk)
    assert (mandate.district_id, mandate.version) == (reg.district_a.pk, 1)
    assert not AuditEntry.objects.filter(action="mandate.update").exists()


def test_a_group_leader_who_is_not_a_member_is_refused_even_if_a_deputy_of_the_area(reg):
    li_mandate = reg.li.mandates.get()
    with pytest.raises(FieldInvalid) as exc:
        services.group_set_leader(actor=reg.clerk_a, group=reg.group_a, leader=reg.li, version=1)
    assert (exc.value.field, exc.value.code) == ("leader", "leader_not_member")
    services.group_add_member(actor=reg.clerk_a, group=reg.group_a, mandate=li_mandate)
    services.group_set_leader(actor=reg.clerk_a, group=reg.group_a, leader=reg.li, version=1)
    reg.group_a.refresh_from_db()
    assert reg.group_a.leader_id == reg.li.pk and reg.group_a.version == 2
    entry = AuditEntry.objects.get(action="group.set_leader")
    assert (entry.actor_id, json.loads(entry.after)) == (reg.clerk_a.pk, {"leader": reg.li.pk})


# --- districts, groups --------------------------------------------------------------------------------------------
def test_deputies_of_every_level_are_found_from_the_village_their_district_covers(reg):
    services.district_set_villages(actor=reg.clerk_a, district=reg.district_a, villages=[reg.tree.village_a])
    services.district_set_villages(actor=reg.county_clerk, district=reg.county_district_a,
                                   villages=[reg.tree.village_a])
    found = selectors.deputies_for_village(village=reg.tree.village_a)
    # The township's deputies first (the nearest congress), then the county's, each by name.
    assert [(m.person.name, m.congress_id) for m in found] == [
        ("张三", reg.tree.congress_a.pk), ("李四", reg.tree.congress_a.pk), ("赵六", reg.tree.county_congress.pk)]
    assert [d.pk for d in selectors.districts_covering(village=reg.tree.village_a).order_by("pk")] == [
        reg.district_a.pk, reg.county_district_a.pk]
    assert json.loads(AuditEntry.objects.get(action="district.set_villages", actor_id=reg.clerk_a.pk).after) == {
        "villages": [reg.tree.village_a.pk]}


def test_a_professional_group_takes_deputies_from_different_deputy_groups(reg):
    wang_mandate = reg.wang.mandates.get()
    group_b = services.group_create(actor=reg.county_clerk, name="乙镇第一代表小组", region=reg.tree.town_b,
                                    members=[wang_mandate])
    pgroup = services.professional_group_create(actor=reg.county_clerk, congress=reg.tree.county_congress,
                                                name="农业农村专业组", members=[reg.mandate_zhang, wang_mandate],
                                                leader=reg.wang)
    members = ProfessionalMembership.objects.filter(group=pgroup, left_on__isnull=True)
    assert {m.mandate_id for m in members} == {reg.mandate_zhang.pk, wang_mandate.pk}
    groups = {gm.group_id for m in members for gm in m.mandate.group_memberships.filter(left_on__isnull=True)}
    assert groups == {reg.group_a.pk, group_b.pk}, "one professional group, members of two deputy groups"
    after = json.loads(AuditEntry.objects.get(action="professional_group.create").after)
    assert after["leader"] == reg.wang.pk and sorted(after["members"]) == sorted([reg.mandate_zhang.pk,
                                                                                   wang_mandate.pk])


# --- a former deputy's history ----------------------------------------------------------------------------------
def test_a_former_deputys_history_stays_visible_to_those_allowed(reg, client):
    services.mandate_change_status(actor=reg.clerk_a, mandate=reg.mandate_zhang, status=MandateStatus.RESIGNED,
                                   date=dt.date(2026, 2, 1), reason="工作调动，本人申请辞职", version=1)
    me = UserFactory(role=Role.DEPUTY, region=reg.tree.town_a, person=reg.zhang)
    for user in (reg.clerk_a, reg.county_clerk, me):
        body = api_client(user).get(f"/api/v1/deputies/{reg.zhang.pk}").json()
        assert [(m["status"], m["status_date"], m["status_reason"]) for m in body["mandates"]] == [
            ("resigned", "2026-02-01", "工作调动，本人申请辞职")], user.role
    resigned = api_client(reg.county_clerk).get("/api/v1/deputies?status=resigned").json()["items"]
    assert [item["name"] for item in resigned] == ["张三"]
    assert api_client(reg.clerk_b).get(f"/api/v1/deputies/{reg.zhang.pk}").status_code == 404
    client.force_login(reg.clerk_a)
    html = client.get(reverse("deputies:detail", args=[reg.zhang.pk])).content.decode()
    assert "辞职" in html and "2026-02-01 工作调动，本人申请辞职" in html
    assert reverse("deputies:status", args=[reg.zhang.pk, reg.mandate_zhang.pk]) not in html, "ended: no more moves"
    client.force_login(reg.clerk_b)
    assert client.get(reverse("deputies:detail", args=[reg.zhang.pk])).status_code == 404


# --- composition: the page and the API agree with the registry -------------------------------------------------
def page_counts(html: str, dim: str) -> dict[str, int]:
    section = html.split(f'data-testid="dim-{dim}"', 1)[1].split("</section>", 1)[0].split("<h3>", 1)[0]
    return {code: int(n) for code, n in re.findall(r'data-code="([^"]*)">(\d+) 人', section)}


def test_the_composition_page_and_api_agree_with_the_registry(reg, client):
    congress = reg.tree.congress_a
    api = api_client(reg.county_clerk).get(f"/api/v1/deputies/stats?congress={congress.pk}").json()
    client.force_login(reg.county_clerk)
    html = client.get(reverse("deputies:stats"), {"congress": congress.pk}).content.decode()
    people = Person.objects.filter(mandates__congress=congress, mandates__status=MandateStatus.ACTIVE)
    registry = {
        "gender": {g: people.filter(gender=g).count() for g in ("male", "female")},
        "party": {p: people.filter(party=p).count() for p in ("cpc", "none")},
        "education": {e: people.filter(education=e).count() for e in ("bachelor", "college")},
    }
    assert api["total"] == people.count() == 2
    assert f'data-testid="total">{api["total"]}<' in html
    dims = {d["key"]: {r["code"]: r["count"] for r in d["rows"]} for d in api["dimensions"]}
    for key, counts in registry.items():
        nonzero = {code: n for code, n in counts.items() if n}
        assert {code: n for code, n in dims[key].items() if n} == nonzero, key
        assert {code: n for code, n in page_counts(html, key).items() if n} == nonzero, key
    for dim in api["dimensions"]:
        assert page_counts(html, dim["key"]) == {r["code"]: r["count"] for r in dim["rows"]}, dim["key"]


def test_the_county_sees_each_township_side_by_side_in_the_api_as_in_the_registry(reg):
    api = api_client(reg.county_clerk).get(f"/api/v1/deputies/stats?congress={reg.tree.county_congress.pk}").json()
    columns = {t["congress"]["id"]: t["total"] for t in api["townships"]}
    assert columns == {c.pk: Mandate.objects.filter(congress=c, status=MandateStatus.ACTIVE).count()
                       for c in (reg.tree.congress_a, reg.tree.congress_b)} == {reg.tree.congress_a.pk: 2,
                                                                                reg.tree.congress_b.pk: 1}
    # A township clerk asking for the county sees only what is theirs: the county congress is outside, 404.
    assert api_client(reg.clerk_a).get(
        f"/api/v1/deputies/stats?congress={reg.tree.county_congress.pk}").status_code == 404
