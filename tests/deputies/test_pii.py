"""ID numbers and phones: encrypted at rest, found by keyed hash, masked in lists, revealed with an audit entry."""

from __future__ import annotations

import pytest
from django.db import connection

from renda.core.crypto import keyed_hash
from renda.core.masking import mask_id_number, mask_phone
from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.deputies.models import Person
from tests.factories import MandateFactory, PersonFactory, UserFactory
from tests.helpers import api_client

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"
PHONE = "13812345678"


def test_masks_show_first_six_and_last_four_of_an_id_and_three_plus_four_of_a_phone():
    assert mask_id_number(ID) == "110105********002X"
    assert mask_phone(PHONE) == "138****5678"
    assert mask_id_number("") == ""


def test_a_phone_of_any_length_keeps_at_least_four_digits_hidden():
    """An eight-digit landline was shown as 888****6666, one digit hidden; the portal's 评价 asks for the number."""
    shown = {raw: mask_phone(raw) for raw in ("88886666", "1088886666", "01088886666", "073188886666",
                                              "+8613812345678", "1234567")}
    assert shown == {"88886666": "****6666", "1088886666": "******6666", "01088886666": "010****6666",
                     "073188886666": "073*****6666", "+8613812345678": "+86*******5678", "1234567": "*******"}
    assert all(m.count("*") >= 4 and len(m) == len(raw) for raw, m in shown.items())


@pytest.fixture
def person(tree):
    p = PersonFactory(region=tree.village_a, id_number=ID, id_number_hash=keyed_hash(ID), phone=PHONE,
                      phone_hash=keyed_hash(PHONE))
    MandateFactory(person=p, term=tree.term_a)
    return p


def test_id_number_and_phone_are_encrypted_at_rest(person):
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone FROM deputies_person WHERE id = %s", [person.pk])
        stored_id, stored_phone = cur.fetchone()
    assert ID not in stored_id and "1949" not in stored_id
    assert PHONE not in stored_phone
    assert stored_id.startswith("v1:")
    assert Person.objects.get(pk=person.pk).id_number == ID


def test_a_person_is_found_by_exact_id_through_the_keyed_hash(person):
    assert Person.objects.get(id_number_hash=keyed_hash(ID)).pk == person.pk
    assert keyed_hash(ID) != keyed_hash(ID.lower())


def test_lists_and_details_show_masked_values(tree, person):
    client = api_client(UserFactory(role=Role.COUNTY_STAFF, region=tree.county))
    item = client.get("/api/v1/deputies").json()["items"][0]
    assert item["id_number"] == "110105********002X"
    assert item["phone"] == "138****5678"
    body = client.get(f"/api/v1/deputies/{person.pk}").content.decode()
    assert ID not in body and PHONE not in body


def test_reveal_returns_plain_values_and_writes_an_audit_entry(tree, person):
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    before = AuditEntry.objects.filter(action="person.reveal").count()
    response = api_client(clerk).post(f"/api/v1/deputies/{person.pk}/reveal")
    assert response.status_code == 200
    assert response.json() == {"id_number": ID, "phone": PHONE}
    entry = AuditEntry.objects.filter(action="person.reveal").latest("seq")
    assert AuditEntry.objects.filter(action="person.reveal").count() == before + 1
    assert (entry.actor_id, entry.actor_role, entry.object_id) == (clerk.pk, "township_staff", str(person.pk))
    assert ID not in entry.after and PHONE not in entry.after


def test_reveal_outside_scope_is_404_and_leaves_no_trace(tree, person):
    other = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b)
    assert api_client(other).post(f"/api/v1/deputies/{person.pk}/reveal").status_code == 404
    assert not AuditEntry.objects.filter(action="person.reveal").exists()


def test_a_deputy_cannot_reveal(tree, person):
    me = UserFactory(role=Role.DEPUTY, region=tree.town_a, person=person)
    assert api_client(me).post(f"/api/v1/deputies/{person.pk}/reveal").status_code == 403
