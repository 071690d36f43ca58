"""The demo county (manage.py seed_demo), loaded once for this module and rolled back at its end."""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from renda.accounts.models import User
from renda.core.crypto import keyed_hash
from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.demo import identity
from renda.demo.seed import DEMO_PASSWORD, SEED, totp_key
from renda.deputies import validation
from renda.deputies.models import ElectoralDistrict, Mandate, MandateStatus, Person
from renda.organizations.models import (
    Body,
    BodyKind,
    BodyMember,
    Congress,
    HandlingUnit,
    MemberPost,
    Region,
    RegionLevel,
    UnitKind,
)
from tests.helpers import api_client

MODELS = [Region, Congress, ElectoralDistrict, Person, Mandate, Body, BodyMember, HandlingUnit, User, TOTPDevice,
          AuditEntry]


@pytest.fixture(scope="module")
def demo_output(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Seeding takes seconds: do it once, inside a transaction that is rolled back when the module is done."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        out = StringIO()
        try:
            with override_settings(DEMO_ALLOWED=True):
                call_command("seed_demo", stdout=out)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield out.getvalue()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_output: str, db: None) -> str:
    return demo_output


def county() -> Region:
    return Region.objects.get(name="示范县", level=RegionLevel.COUNTY)


def test_region_tree_has_ten_townships_two_streets_and_5_to_12_villages_each(demo):
    c = county()
    assert [r.name for r in Region.objects.filter(pk__in=c.ancestor_ids())] == ["示范省", "示范市", "示范县"]
    areas = list(c.children.all())
    assert Counter(a.level for a in areas) == {RegionLevel.TOWNSHIP: 10, RegionLevel.STREET: 2}
    assert all(a.name.endswith(("镇", "乡")) for a in areas if a.level == RegionLevel.TOWNSHIP)
    assert all(a.name.endswith("街道") for a in areas if a.level == RegionLevel.STREET)
    for a in areas:
        villages = list(a.children.all())
        assert 5 <= len(villages) <= 12, a.name
        assert all(v.level == RegionLevel.VILLAGE and v.path.startswith(a.path) for v in villages)
        assert all(v.code.startswith(a.code[:9]) and len(v.code) == 12 for v in villages)


def test_county_congress_has_about_200_seats_and_each_township_40_to_90(demo):
    c = county()
    county_congress = Congress.objects.get(region=c)
    term = county_congress.current_term()
    assert term.number == 19 and term.start_date.year == 2021 and term.start_date.month == 10
    assert 190 <= Mandate.objects.filter(congress=county_congress).count() <= 220
    townships = Congress.objects.filter(region__parent=c)
    assert townships.count() == 10 and not Congress.objects.filter(region__level=RegionLevel.STREET).exists()
    for congress in townships:
        assert congress.current_term() is not None
        assert 40 <= Mandate.objects.filter(congress=congress).count() <= 90, congress.name
    # some deputies sit in a township congress and the county congress at once (DOMAIN.md §2)
    duals = Person.objects.filter(mandates__congress=county_congress).filter(mandates__congress__in=townships)
    assert duals.distinct().count() >= 10
    assert Mandate.objects.exclude(status=MandateStatus.ACTIVE).exclude(status_date=None).exists()


def test_districts_elect_one_to_three_and_cover_villages_of_their_township(demo):
    districts = ElectoralDistrict.objects.select_related("congress__region", "region").prefetch_related("villages")
    county_congress = Congress.objects.get(region=county())
    for d in districts:
        assert 1 <= d.seats <= 3, d
        assert d.mandates.count() == d.seats
        assert d.region.level in (RegionLevel.TOWNSHIP, RegionLevel.STREET)
        if d.congress != county_congress:
            assert d.region == d.congress.region  # a township district lies in its own township
        villages = list(d.villages.all())
        assert villages and all(v.parent_id == d.region.pk for v in villages)
    county_areas = set(districts.filter(congress=county_congress).values_list("region__level", flat=True))
    assert county_areas == {RegionLevel.TOWNSHIP, RegionLevel.STREET}


def test_presidiums_have_7_to_13_deputies_none_holding_a_government_post(demo):
    presidiums = Body.objects.filter(kind=BodyKind.PRESIDIUM).select_related("congress", "term")
    assert presidiums.count() == 10
    for body in presidiums:
        members = list(body.members.select_related("person"))
        assert 7 <= len(members) <= 13, body.name
        assert [m.post for m in members].count(MemberPost.CHAIR) == 1
        for m in members:
            assert Mandate.objects.filter(person=m.person, term=body.term, status=MandateStatus.ACTIVE).exists()
            assert not re.search(r"[镇乡]长$", m.person.organization_post), m.person.organization_post


def test_standing_committee_chairpersons_meeting_and_street_committees(demo):
    county_congress = Congress.objects.get(region=county())
    sc = Body.objects.get(kind=BodyKind.STANDING_COMMITTEE)
    posts = Counter(sc.members.values_list("post", flat=True))
    assert posts[MemberPost.CHAIR] == 1 and 3 <= posts[MemberPost.VICE_CHAIR] <= 4 and posts[MemberPost.MEMBER] >= 10
    for m in sc.members.select_related("person"):
        assert Mandate.objects.filter(person=m.person, congress=county_congress).exists()
        assert "人民政府" not in m.person.organization_post
    meeting = Body.objects.get(kind=BodyKind.CHAIRPERSONS_MEETING)
    assert set(meeting.members.values_list("person_id", flat=True)) == set(
        sc.members.exclude(post=MemberPost.MEMBER).values_list("person_id", flat=True))
    streets = Body.objects.filter(kind=BodyKind.STREET_COMMITTEE)
    assert streets.count() == 2
    for body in streets:
        assert body.region.level == RegionLevel.STREET and body.congress == county_congress
        assert body.members.filter(post=MemberPost.CHAIR).count() == 1


def test_handling_units_are_county_departments_and_township_governments(demo):
    c = county()
    departments = HandlingUnit.objects.filter(region=c)
    assert departments.count() >= 20
    assert {"县发改局", "县教育局", "县交通运输局", "县人民法院", "县人民检察院", "县监察委员会"} <= set(
        departments.values_list("name", flat=True))
    for township in c.children.filter(level=RegionLevel.TOWNSHIP):
        assert HandlingUnit.objects.filter(region=township, kind=UnitKind.TOWNSHIP_GOVERNMENT,
                                           name=f"{township.name}人民政府").exists()


def test_every_id_number_is_checksum_valid_and_matches_birth_date_and_gender(demo):
    people = list(Person.objects.all())
    assert len(people) >= 600
    for p in people:
        assert identity.is_valid_id_number(p.id_number), p.id_number
        # the roster import's own checks accept them (a demo roster exported and re-imported stays valid)
        assert validation.validate_id_number(p.id_number) == p.id_number
        assert validation.validate_mobile(p.phone) == p.phone
        assert identity.birth_of(p.id_number) == p.birth_date
        assert identity.gender_of(p.id_number) == p.gender
        assert p.id_number_hash == keyed_hash(p.id_number) and p.phone_hash == keyed_hash(p.phone)
        assert re.fullmatch(r"1\d{10}", p.phone)
        assert 24 <= (2021 - p.birth_date.year) <= 63
    assert len({p.id_number for p in people}) == len(people)
    # stored sealed, not in clear
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone FROM deputies_person LIMIT 5")
        assert all(row[0].startswith("v1:") and row[1].startswith("v1:") for row in cur.fetchall())
    shares = Counter(p.gender for p in people)
    assert 0.2 < shares["female"] / len(people) < 0.45


def test_named_logins_have_their_roles_regions_and_the_demo_password(demo):
    users = {u.username: u for u in User.objects.select_related("region", "unit", "person")}
    expected = {"admin": Role.SYSTEM_ADMIN, "security": Role.SECURITY_ADMIN, "auditor": Role.AUDIT_ADMIN,
                "county": Role.COUNTY_STAFF, "township": Role.TOWNSHIP_STAFF, "township2": Role.TOWNSHIP_STAFF,
                "deputy": Role.DEPUTY, "unit": Role.UNIT_USER}
    for username, role in expected.items():
        assert users[username].role == role
        assert users[username].check_password(DEMO_PASSWORD), username
    assert users["county"].region == county()
    t1, t2 = users["township"].region, users["township2"].region
    assert t1.level == t2.level == RegionLevel.TOWNSHIP and t1 != t2
    unit = users["unit"].unit
    assert unit.kind == UnitKind.GOVERNMENT_DEPARTMENT and unit.region == county()


def test_deputy_login_holds_a_township_mandate_there_and_a_county_mandate(demo):
    deputy = User.objects.get(username="deputy")
    township = User.objects.get(username="township").region
    mandates = Mandate.objects.filter(person=deputy.person, status=MandateStatus.ACTIVE)
    assert set(mandates.values_list("congress__region", flat=True)) == {township.pk, county().pk}


def test_every_deputy_has_an_account_and_county_staff_see_usernames_in_the_api(demo):
    deputies = Person.objects.filter(mandates__isnull=False).distinct()
    accounts = User.objects.filter(person__in=deputies, role=Role.DEPUTY)
    assert accounts.count() == deputies.count()
    sample = accounts.exclude(username="deputy").order_by("?").first()
    assert re.fullmatch(r"[a-z]+\d*", sample.username)
    assert sample.check_password(DEMO_PASSWORD)
    response = api_client(User.objects.get(username="county")).get("/api/v1/deputies?page_size=50")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == deputies.count()
    assert all(item["username"] for item in body["items"])


def test_administrators_have_a_confirmed_totp_device_derived_from_the_seed(demo):
    for username in ("admin", "security", "auditor"):
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        assert device.key == totp_key(SEED, username)
        assert device.verify_token(totp(device.bin_key))
    from base64 import b32encode

    admin_secret = b32encode(bytes.fromhex(totp_key(SEED, "admin"))).decode()
    assert admin_secret in demo
    assert not TOTPDevice.objects.filter(user__username__in=["county", "township", "deputy"]).exists()


def test_seed_is_audited(demo):
    entry = AuditEntry.objects.get(action="demo.seed")
    assert '"seed":20211015' in entry.after
    assert AuditEntry.objects.filter(action="user.create").count() == User.objects.count()
    assert AuditEntry.objects.filter(action="region.create").count() == Region.objects.count()


def test_second_run_creates_nothing_and_prints_the_logins_again(demo):
    before = {m.__name__: m.objects.count() for m in MODELS}
    out = StringIO()
    with override_settings(DEMO_ALLOWED=True):
        call_command("seed_demo", stdout=out)
    assert {m.__name__: m.objects.count() for m in MODELS} == before
    text = out.getvalue()
    assert "已存在" in text and DEMO_PASSWORD in text
    for username in ("admin", "security", "auditor", "county", "township", "township2", "deputy", "unit"):
        assert re.search(rf"^\s+{username}\s", text, re.M), username
    assert "缺失" not in text
