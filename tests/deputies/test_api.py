"""/api/v1/deputies: registering, editing (stale → 409), ending mandates through the workflow, the list's filters
and search — each with its scope rule (another township → 404, a role without the registry → 403, a deputy sees
only themself) and its audit row."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.deputies.models import Mandate, MandateStatus, Person
from tests.deputies.registry import build, make_id
from tests.factories import CongressFactory, PersonFactory, UserFactory, make_region
from tests.helpers import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg(tree):
    return build(tree)


def last(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, data=json.dumps(body), content_type="application/json")


# --- registering ----------------------------------------------------------------------------------------------
def test_staff_register_person_and_mandate_in_one_step_with_both_audit_rows(reg):
    new_id = make_id("19850615", 7)
    response = post(api_client(reg.clerk_a), "/api/v1/deputies", {
        "congress": reg.tree.congress_a.pk, "district": reg.district_a.pk, "name": "孙 七", "id_number": new_id,
        "phone": "139 0013 9000", "party": "cpc", "education": "bachelor", "occupation": "farmer"})
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert (person.name, person.gender, person.birth_date, person.region) == ("孙七", "male", dt.date(1985, 6, 15),
                                                                              reg.tree.town_a)
    mandate = person.mandates.get()
    assert (mandate.congress, mandate.district, mandate.term) == (reg.tree.congress_a, reg.district_a,
                                                                 reg.tree.term_a)
    assert body["id_number"] == new_id[:6] + "********" + new_id[-4:] and body["phone"] == "139****9000"
    assert last("person.create").actor_id == reg.clerk_a.pk
    assert last("mandate.create").object_id == str(mandate.pk)


def test_registration_is_all_or_nothing_when_the_mandate_is_refused(reg):
    no_term = CongressFactory(region=make_region("丙镇", "township", reg.tree.county))
    response = post(api_client(reg.county_clerk), "/api/v1/deputies", {
        "congress": no_term.pk, "name": "孙七", "id_number": make_id("19850615", 7)})
    assert response.status_code == 422
    assert response.json()["code"] == "no_current_term"
    assert not Person.objects.filter(name="孙七").exists(), "the person is not left behind without a mandate"


def test_registration_reports_a_bad_id_number_by_field_and_code(reg):
    response = post(api_client(reg.clerk_a), "/api/v1/deputies", {
        "congress": reg.tree.congress_a.pk, "name": "孙七", "id_number": "440106198506150000"})
    assert response.status_code == 422
    assert response.json()["code"] == "id_number_checksum" and "id_number" in response.json()["fields"]


def test_an_existing_person_gets_a_second_mandate_at_another_level(reg):
    response = post(api_client(reg.county_clerk), "/api/v1/deputies", {
        "congress": reg.tree.county_congress.pk, "person": reg.zhang.pk, "district": reg.county_district_a.pk})
    assert response.status_code == 201
    assert set(reg.zhang.mandates.values_list("congress_id", flat=True)) == {reg.tree.congress_a.pk,
                                                                             reg.tree.county_congress.pk}
    assert Person.objects.filter(name="张三").count() == 1


def test_township_clerk_cannot_register_into_the_county_or_another_township(reg):
    client = api_client(reg.clerk_a)
    for congress in (reg.tree.county_congress, reg.tree.congress_b):
        response = post(client, "/api/v1/deputies", {"congress": congress.pk, "name": "孙七"})
        assert response.status_code == 404, congress
    assert not Person.objects.filter(name="孙七").exists()


# --- editing --------------------------------------------------------------------------------------------------
def test_edit_with_the_current_version_changes_the_fields_sent_and_audits_them(reg):
    response = patch(api_client(reg.clerk_a), f"/api/v1/deputies/{reg.zhang.pk}",
                     {"version": 1, "phone": "13700137000", "organization_post": "甲村村委会主任"})
    assert response.status_code == 200, response.content
    reg.zhang.refresh_from_db()
    assert (reg.zhang.phone, reg.zhang.organization_post, reg.zhang.version) == ("13700137000", "甲村村委会主任", 2)
    assert (reg.zhang.party, reg.zhang.education) == ("cpc", "bachelor"), "fields not sent stay as they were"
    assert response.json()["version"] == 2 and response.json()["phone"] == "137****7000"
    entry = last("person.update")
    assert entry.actor_id == reg.clerk_a.pk
    assert json.loads(entry.before) == {"phone": "138****8000", "organization_post": ""}


def test_a_stale_edit_is_refused_with_409_and_not_merged(reg):
    client = api_client(reg.clerk_a)
    assert patch(client, f"/api/v1/deputies/{reg.zhang.pk}", {"version": 1, "address": "甲村1号"}).status_code == 200
    response = patch(client, f"/api/v1/deputies/{reg.zhang.pk}", {"version": 1, "phone": "13700137000"})
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version" and "version" in response.json()["fields"]
    reg.zhang.refresh_from_db()
    assert (reg.zhang.phone, reg.zhang.address, reg.zhang.version) == ("13800138000", "甲村1号", 2)


def test_edit_needs_a_version(reg):
    response = patch(api_client(reg.clerk_a), f"/api/v1/deputies/{reg.zhang.pk}", {"phone": "13700137000"})
    assert response.status_code == 422 and "version" in response.json()["fields"]


def test_edit_with_bad_data_is_422_with_the_field(reg):
    response = patch(api_client(reg.clerk_a), f"/api/v1/deputies/{reg.zhang.pk}", {"version": 1, "phone": "12345"})
    assert response.status_code == 422
    assert response.json()["code"] == "phone_format" and "phone" in response.json()["fields"]
    reg.zhang.refresh_from_db()
    assert reg.zhang.version == 1


def test_edit_scope_another_township_404_county_deputy_403_unit_and_deputy_403(reg):
    body = {"version": 1, "address": "x"}
    assert patch(api_client(reg.clerk_b), f"/api/v1/deputies/{reg.zhang.pk}", body).status_code == 404
    # Town A's clerk sees the county deputy elected in town A (混合编组), but the county keeps the record.
    assert api_client(reg.clerk_a).get(f"/api/v1/deputies/{reg.zhao.pk}").status_code == 200
    response = patch(api_client(reg.clerk_a), f"/api/v1/deputies/{reg.zhao.pk}", body)
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert patch(api_client(reg.county_clerk), f"/api/v1/deputies/{reg.zhao.pk}", body).status_code == 200
    unit = UserFactory(role=Role.UNIT_USER, region=reg.tree.county, unit=reg.tree.unit_county)
    assert patch(api_client(unit), f"/api/v1/deputies/{reg.zhang.pk}", body).status_code == 403
    me = UserFactory(role=Role.DEPUTY, region=reg.tree.town_a, person=reg.zhang)
    assert patch(api_client(me), f"/api/v1/deputies/{reg.zhang.pk}", body).status_code == 403
    reg.zhang.refresh_from_db()
    assert reg.zhang.address == ""


# --- ending a mandate -----------------------------------------------------------------------------------------
def status_url(reg, person, mandate):
    return f"/api/v1/deputies/{person.pk}/mandates/{mandate.pk}/status"


def test_resignation_goes_through_the_workflow_leaves_the_group_and_is_audited(reg):
    client = api_client(reg.clerk_a)
    response = post(client, status_url(reg, reg.zhang, reg.mandate_zhang),
                    {"status": "resigned", "date": "2026-03-01", "reason": "工作调动，本人申请辞职", "version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resigned"
    mandate = Mandate.objects.get(pk=reg.mandate_zhang.pk)
    assert (mandate.status, mandate.status_date, mandate.version) == ("resigned", dt.date(2026, 3, 1), 2)
    assert not mandate.group_memberships.filter(left_on__isnull=True).exists()
    entry = last("mandate.resign")
    assert (entry.actor_id, entry.object_id) == (reg.clerk_a.pk, str(mandate.pk))
    again = post(client, status_url(reg, reg.zhang, reg.mandate_zhang),
                 {"status": "deceased", "date": "2026-03-02", "reason": "x"})
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


def test_status_change_refuses_a_stale_version_a_future_date_and_an_unknown_status(reg):
    client = api_client(reg.clerk_a)
    url = status_url(reg, reg.zhang, reg.mandate_zhang)
    stale = post(client, url, {"status": "moved", "date": "2026-03-01", "reason": "调离", "version": 9})
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    future = post(client, url, {"status": "moved", "date": "2999-01-01", "reason": "调离"})
    assert (future.status_code, future.json()["code"]) == (422, "status_date_future")
    unknown = post(client, url, {"status": "promoted", "date": "2026-03-01", "reason": "x"})
    assert unknown.status_code == 422 and "status" in unknown.json()["fields"]
    assert Mandate.objects.get(pk=reg.mandate_zhang.pk).status == MandateStatus.ACTIVE


def test_status_change_scope(reg):
    body = {"status": "moved", "date": "2026-03-01", "reason": "调离"}
    assert post(api_client(reg.clerk_b), status_url(reg, reg.zhang, reg.mandate_zhang), body).status_code == 404
    # A mandate id under another person's id is not found either.
    assert post(api_client(reg.clerk_a), status_url(reg, reg.li, reg.mandate_zhang), body).status_code == 404
    assert post(api_client(reg.clerk_a), status_url(reg, reg.zhao, reg.mandate_zhao), body).status_code == 403
    me = UserFactory(role=Role.DEPUTY, region=reg.tree.town_a, person=reg.zhang)
    assert post(api_client(me), status_url(reg, reg.zhang, reg.mandate_zhang), body).status_code == 403
    assert Mandate.objects.filter(status=MandateStatus.ACTIVE).count() == 4
    assert post(api_client(reg.county_clerk), status_url(reg, reg.zhao, reg.mandate_zhao), body).status_code == 200


# --- list filters and search ----------------------------------------------------------------------------------
def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def test_list_filters_by_congress_district_group_level_and_status(reg):
    client = api_client(reg.county_clerk)
    assert names(client.get("/api/v1/deputies")) == {"张三", "李四", "王五", "赵六"}
    assert names(client.get(f"/api/v1/deputies?congress={reg.tree.congress_a.pk}")) == {"张三", "李四"}
    assert names(client.get(f"/api/v1/deputies?district={reg.county_district_a.pk}")) == {"赵六"}
    assert names(client.get(f"/api/v1/deputies?group={reg.group_a.pk}")) == {"张三"}
    assert names(client.get("/api/v1/deputies?level=county")) == {"赵六"}
    post(client, status_url(reg, reg.wang, reg.wang.mandates.get()),
         {"status": "deceased", "date": "2026-01-05", "reason": "病故"})
    assert names(client.get("/api/v1/deputies?status=active")) == {"张三", "李四", "赵六"}
    assert names(client.get("/api/v1/deputies?status=deceased")) == {"王五"}


def test_search_by_name_by_pinyin_initials_and_by_exact_id_through_the_hash(reg):
    client = api_client(reg.county_clerk)
    assert names(client.get("/api/v1/deputies?q=张")) == {"张三"}
    assert names(client.get("/api/v1/deputies?q=ZS")) == {"张三"}
    assert names(client.get("/api/v1/deputies?q=l")) == {"李四"}
    assert names(client.get(f"/api/v1/deputies?q={reg.li.id_number}")) == {"李四"}
    assert names(client.get(f"/api/v1/deputies?q={reg.li.id_number[:10]}")) == set(), "no partial ID matching"
    # The search stays inside the scope: town B's clerk cannot find town A's deputy by ID.
    assert names(api_client(reg.clerk_b).get(f"/api/v1/deputies?q={reg.li.id_number}")) == set()


def test_list_items_carry_each_mandates_group_and_version(reg):
    item = api_client(reg.clerk_a).get("/api/v1/deputies?q=zs").json()["items"][0]
    assert item["mandates"][0]["group"] == {"id": reg.group_a.pk, "name": "甲镇第一代表小组"}
    assert item["mandates"][0]["version"] == 1 and item["version"] == 1


def test_list_queries_do_not_grow_with_the_page(reg):
    for i in range(30):
        person = PersonFactory(region=reg.tree.village_a, name=f"甲镇代表{i}")
        Mandate.objects.create(person=person, congress=reg.tree.congress_a, term=reg.tree.term_a)
    client = api_client(reg.county_clerk)

    def queries(size: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert len(client.get(f"/api/v1/deputies?page_size={size}").json()["items"]) == min(size, 34)
        return len(ctx.captured_queries)

    queries(1)  # the token's first use
    # token, the scope's congress ids and district ids, the matching people's ids, count, page, their mandates
    # (with congress, term, district), the mandates' current groups
    assert queries(2) == queries(100) == 8
