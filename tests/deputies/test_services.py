"""People, mandates and their status workflow, districts, deputy groups (混合编组) and professional groups."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from renda.core import crypto
from renda.core.errors import InvalidTransition, StaleVersion
from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.deputies import selectors, services, workflow
from renda.deputies.models import GroupMembership, Mandate, MandateStatus, Person
from renda.deputies.validation import FieldInvalid
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ID_A = "440106197503081234"       # male, 1975-03-08
ID_B = "11010519491231002X"       # female, 1949-12-31
ID_C = "320583199001010010"       # male, 1990-01-01


@pytest.fixture
def clerk(tree):
    return UserFactory(role=Role.COUNTY_STAFF, region=tree.county)


def last_audit(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()


def make_person(clerk, region, name="张三", id_number=ID_A, **kw) -> Person:
    return services.person_create(actor=clerk, region=region, name=name, id_number=id_number, **kw)


def make_mandate(clerk, person, congress, district=None) -> Mandate:
    return services.mandate_create(actor=clerk, person=person, congress=congress, district=district)


# --- people ---------------------------------------------------------------------------------------------------
def test_person_create_normalises_id_derives_gender_and_birth_and_audits_masked(tree, clerk):
    person = make_person(clerk, tree.town_a, name=" 张三丰 ", id_number="４４０１０６１９７５０３０８１２３４",
                         phone="138 0013 8000")
    person.refresh_from_db()
    assert person.id_number == ID_A
    assert (person.gender, person.birth_date) == ("male", dt.date(1975, 3, 8))
    assert person.id_number_hash == crypto.keyed_hash(ID_A)
    assert person.phone_hash == crypto.keyed_hash("13800138000")
    assert person.name == "张三丰" and person.name_initials == "zsf"
    entry = last_audit("person.create")
    assert entry.object_id == str(person.pk)
    assert ID_A not in entry.after and "13800138000" not in entry.after
    after = json.loads(entry.after)
    assert after["id_number"] == "440106********1234" and after["phone"] == "138****8000"


def test_person_record_must_agree_with_id(tree, clerk):
    with pytest.raises(FieldInvalid) as exc:
        make_person(clerk, tree.town_a, gender="female")
    assert exc.value.code == "gender_mismatch"
    with pytest.raises(FieldInvalid) as exc:
        make_person(clerk, tree.town_a, birth_date=dt.date(1975, 3, 9))
    assert exc.value.code == "birth_date_mismatch"
    assert not Person.objects.exists()


def test_id_already_used_by_another_person_is_refused(tree, clerk):
    make_person(clerk, tree.town_a)
    with pytest.raises(FieldInvalid) as exc:
        make_person(clerk, tree.town_b, name="李四", id_number=ID_A.lower())
    assert (exc.value.field, exc.value.code) == ("id_number", "id_number_taken")
    assert Person.objects.count() == 1
    other = make_person(clerk, tree.town_b, name="李四", id_number=ID_C)
    with pytest.raises(FieldInvalid) as exc:
        services.person_update(actor=clerk, person=other, version=other.version, id_number=ID_A)
    assert exc.value.code == "id_number_taken"


def test_person_update_bumps_version_and_audits_only_changes(tree, clerk):
    person = make_person(clerk, tree.town_a, phone="13800138000")
    updated = services.person_update(actor=clerk, person=person, version=1, phone="13900139000",
                                     organization_post="某村党支部书记")
    assert updated.version == 2
    person.refresh_from_db()
    assert person.phone == "13900139000" and person.phone_hash == crypto.keyed_hash("13900139000")
    entry = last_audit("person.update")
    assert json.loads(entry.before) == {"phone": "138****8000", "organization_post": ""}
    assert json.loads(entry.after) == {"phone": "139****9000", "organization_post": "某村党支部书记"}


def test_stale_person_edit_is_refused_not_merged(tree, clerk):
    person = make_person(clerk, tree.town_a)
    services.person_update(actor=clerk, person=person, version=1, address="甲村1号")
    audits = AuditEntry.objects.count()
    with pytest.raises(StaleVersion) as exc:
        services.person_update(actor=clerk, person=person, version=1, address="甲村2号")
    assert exc.value.status == 409 and exc.value.code == "stale_version"
    person.refresh_from_db()
    assert (person.address, person.version) == ("甲村1号", 2)
    assert AuditEntry.objects.count() == audits


# --- mandates and their status workflow -----------------------------------------------------------------------
def test_mandate_district_must_belong_to_the_mandates_congress(tree, clerk):
    person = make_person(clerk, tree.town_a)
    county_district = services.district_create(actor=clerk, congress=tree.county_congress, name="县第一选区",
                                               region=tree.town_a)
    with pytest.raises(FieldInvalid) as exc:
        make_mandate(clerk, person, tree.congress_a, district=county_district)
    assert (exc.value.field, exc.value.code) == ("district", "district_other_congress")
    assert not Mandate.objects.exists()
    mandate = make_mandate(clerk, person, tree.county_congress, district=county_district)
    assert mandate.term == tree.county_term and mandate.elected_on == tree.county_term.election_date
    assert last_audit("mandate.create").object_id == str(mandate.pk)


def test_one_person_holds_township_and_county_mandates_at_once(tree, clerk):
    person = make_person(clerk, tree.town_a)
    make_mandate(clerk, person, tree.congress_a)
    make_mandate(clerk, person, tree.county_congress)
    assert set(person.mandates.values_list("congress_id", flat=True)) == {tree.congress_a.pk,
                                                                           tree.county_congress.pk}
    with pytest.raises(FieldInvalid) as exc:
        make_mandate(clerk, person, tree.congress_a)
    assert exc.value.code == "mandate_exists"


def test_workflow_table_ends_are_final():
    assert set(workflow.TRANSITIONS[MandateStatus.ACTIVE].values()) == set(workflow.END_STATUSES)
    assert all(not workflow.TRANSITIONS[s] for s in workflow.END_STATUSES)


def test_resignation_is_a_workflow_step_with_its_audit_entry_and_history_stays_visible(tree, clerk):
    mandate = make_mandate(clerk, make_person(clerk, tree.town_a), tree.congress_a)
    ended = services.mandate_change_status(actor=clerk, mandate=mandate, status=MandateStatus.RESIGNED,
                                           date=dt.date(2024, 5, 6), reason="本人申请辞去代表职务", version=1)
    assert (ended.status, ended.status_date, ended.version) == ("resigned", dt.date(2024, 5, 6), 2)
    entry = last_audit("mandate.resign")
    assert entry.actor_id == clerk.pk and entry.object_id == str(mandate.pk)
    assert json.loads(entry.before)["status"] == "active"
    assert json.loads(entry.after) == {"status": "resigned", "status_date": "2024-05-06",
                                       "status_reason": "本人申请辞去代表职务"}
    history = selectors.mandate_history(user=clerk, person_id=mandate.person_id)
    assert [m.status for m in history] == ["resigned"]


@pytest.mark.parametrize("target", [MandateStatus.ACTIVE, MandateStatus.DECEASED, MandateStatus.RESIGNED])
def test_an_ended_mandate_cannot_change_again(tree, clerk, target):
    mandate = make_mandate(clerk, make_person(clerk, tree.town_a), tree.congress_a)
    services.mandate_change_status(actor=clerk, mandate=mandate, status=MandateStatus.MOVED,
                                   date=dt.date(2024, 1, 2), reason="调离本行政区域")
    audits = AuditEntry.objects.count()
    with pytest.raises(InvalidTransition) as exc:
        services.mandate_change_status(actor=clerk, mandate=mandate, status=target, date=dt.date(2024, 2, 1),
                                       reason="更正")
    assert exc.value.status == 409 and exc.value.code == "invalid_transition"
    mandate.refresh_from_db()
    assert mandate.status == "moved" and mandate.status_reason == "调离本行政区域"
    assert AuditEntry.objects.count() == audits


def test_status_change_needs_date_and_reason_and_a_fresh_version(tree, clerk):
    mandate = make_mandate(clerk, make_person(clerk, tree.town_a), tree.congress_a)
    change = {"actor": clerk, "mandate": mandate, "status": MandateStatus.TERMINATED}
    with pytest.raises(FieldInvalid) as exc:
        services.mandate_change_status(**change, date=None, reason="未经批准两次不出席本级人代会")
    assert exc.value.code == "status_date_required"
    with pytest.raises(FieldInvalid) as exc:
        services.mandate_change_status(**change, date=dt.date(2024, 1, 1), reason="  ")
    assert exc.value.code == "status_reason_required"
    with pytest.raises(FieldInvalid) as exc:
        services.mandate_change_status(**change, date=dt.date(2020, 1, 1), reason="x")
    assert exc.value.code == "status_date_before_election"
    with pytest.raises(StaleVersion):
        services.mandate_change_status(**change, date=dt.date(2024, 1, 1), reason="x", version=7)
    mandate.refresh_from_db()
    assert mandate.status == "active" and not AuditEntry.objects.filter(action="mandate.terminate").exists()


# --- districts and deputy groups ------------------------------------------------------------------------------
def test_district_villages_must_lie_in_the_district_and_find_their_deputies(tree, clerk):
    with pytest.raises(FieldInvalid) as exc:
        services.district_create(actor=clerk, congress=tree.congress_a, name="第一选区", villages=[tree.village_b])
    assert exc.value.code == "village_outside_district"
    town_district = services.district_create(actor=clerk, congress=tree.congress_a, name="第一选区",
                                             villages=[tree.village_a])
    county_district = services.district_create(actor=clerk, congress=tree.county_congress, name="县第一选区",
                                               region=tree.town_a, villages=[tree.village_a])
    both = make_person(clerk, tree.town_a)
    make_mandate(clerk, both, tree.congress_a, town_district)
    make_mandate(clerk, both, tree.county_congress, county_district)
    gone = make_mandate(clerk, make_person(clerk, tree.town_a, "李四", ID_C), tree.congress_a, town_district)
    services.mandate_change_status(actor=clerk, mandate=gone, status=MandateStatus.DECEASED,
                                   date=dt.date(2024, 1, 1), reason="病故")
    found = selectors.deputies_for_village(village=tree.village_a)
    assert [(m.person.name, m.congress_id) for m in found] == [("张三", tree.congress_a.pk),
                                                               ("张三", tree.county_congress.pk)]
    assert not selectors.deputies_for_village(village=tree.village_b).exists()


def test_group_mixes_county_and_township_deputies_of_its_area_with_a_member_leader(tree, clerk):
    county_deputy = make_mandate(clerk, make_person(clerk, tree.town_a), tree.county_congress)
    town_deputy = make_mandate(clerk, make_person(clerk, tree.town_a, "李四", ID_C), tree.congress_a)
    group = services.group_create(actor=clerk, name="甲镇第一代表小组", region=tree.town_a,
                                  members=[county_deputy, town_deputy], leader=county_deputy.person)
    assert group.leader == county_deputy.person
    assert {m.mandate.congress_id for m in selectors.group_members(group=group)} == {tree.county_congress.pk,
                                                                                     tree.congress_a.pk}
    after = json.loads(last_audit("group.create").after)
    assert after["leader"] == county_deputy.person_id and len(after["members"]) == 2


def test_group_leader_must_be_a_member(tree, clerk):
    member = make_mandate(clerk, make_person(clerk, tree.town_a), tree.congress_a)
    outsider = make_person(clerk, tree.town_a, "李四", ID_C)
    with pytest.raises(FieldInvalid) as exc:
        services.group_create(actor=clerk, name="第一组", region=tree.town_a, members=[member], leader=outsider)
    assert (exc.value.field, exc.value.code) == ("leader", "leader_not_member")
    group = services.group_create(actor=clerk, name="第一组", region=tree.town_a, members=[member])
    with pytest.raises(FieldInvalid) as exc:
        services.group_set_leader(actor=clerk, group=group, leader=outsider, version=group.version)
    assert exc.value.code == "leader_not_member"
    group.refresh_from_db()
    assert group.leader is None
    services.group_set_leader(actor=clerk, group=group, leader=member.person, version=1)
    assert json.loads(last_audit("group.set_leader").after) == {"leader": member.person_id}
    with pytest.raises(FieldInvalid) as exc:
        services.group_remove_member(actor=clerk, group=group, mandate=member)
    assert exc.value.code == "leader_must_stay"


def test_deputy_of_another_township_cannot_join_the_group(tree, clerk):
    town_b_deputy = make_mandate(clerk, make_person(clerk, tree.town_b), tree.congress_b)
    group = services.group_create(actor=clerk, name="第一组", region=tree.town_a)
    with pytest.raises(FieldInvalid) as exc:
        services.group_add_member(actor=clerk, group=group, mandate=town_b_deputy)
    assert exc.value.code == "group_outside_area"
    assert not GroupMembership.objects.exists()


def test_ending_a_mandate_leaves_the_group_and_vacates_its_leadership(tree, clerk):
    leader = make_mandate(clerk, make_person(clerk, tree.town_a), tree.congress_a)
    group = services.group_create(actor=clerk, name="第一组", region=tree.town_a, members=[leader],
                                  leader=leader.person)
    services.mandate_change_status(actor=clerk, mandate=leader, status=MandateStatus.RECALLED,
                                   date=dt.date(2024, 3, 1), reason="原选区选民依法罢免")
    group.refresh_from_db()
    assert group.leader is None
    assert GroupMembership.objects.get(mandate=leader).left_on == dt.date(2024, 3, 1)
    assert json.loads(last_audit("group.leader_vacant").before) == {"leader": leader.person_id}
    assert last_audit("mandate.recall") is not None


def test_professional_group_cuts_across_groups_with_a_member_leader(tree, clerk):
    county_deputy = make_mandate(clerk, make_person(clerk, tree.town_a), tree.county_congress)
    town_b_deputy = make_mandate(clerk, make_person(clerk, tree.town_b, "李四", ID_C), tree.congress_b)
    outsider = make_person(clerk, tree.town_b, "王五", ID_B)
    with pytest.raises(FieldInvalid) as exc:
        services.professional_group_create(actor=clerk, congress=tree.county_congress, name="财经专业组",
                                           members=[county_deputy], leader=outsider)
    assert exc.value.code == "leader_not_member"
    pgroup = services.professional_group_create(actor=clerk, congress=tree.county_congress, name="财经专业组",
                                                members=[county_deputy, town_b_deputy], leader=county_deputy.person)
    assert pgroup.memberships.count() == 2
    town_group = services.professional_group_create(actor=clerk, congress=tree.congress_a, name="农业组")
    with pytest.raises(FieldInvalid) as exc:
        services.professional_group_add_member(actor=clerk, pgroup=town_group, mandate=town_b_deputy)
    assert exc.value.code == "member_outside_area"
