"""The demo county (manage.py seed_demo), loaded once for this module and rolled back at its end: first its
organisation, then its year 2026 (suggestions, sessions and votes, stations and opinions)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
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
from renda.liaison.models import Opinion, Reception, Station
from renda.meetings.models import Meeting, Session, Vote, VoteResult
from renda.notifications.models import Notification
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
from renda.suggestions.models import Reply, Suggestion
from renda.workdays.models import CalendarYear
from tests.helpers import api_client

MODELS = [Region, Congress, ElectoralDistrict, Person, Mandate, Body, BodyMember, HandlingUnit, User, TOTPDevice,
          AuditEntry, Suggestion, Reply, Session, Meeting, Vote, VoteResult, Station, Reception, Opinion, Notification,
          CalendarYear]


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


def test_seed_is_audited_and_the_chain_holds(demo):
    entry = AuditEntry.objects.get(action="demo.seed")
    assert '"seed":20211015' in entry.after and '"suggestions":' in entry.after
    assert AuditEntry.objects.filter(action="user.create").count() == User.objects.count()
    assert AuditEntry.objects.filter(action="region.create").count() == Region.objects.count()
    from renda.core.audit import verify_chain

    assert verify_chain().ok


def test_second_run_creates_nothing_and_prints_the_logins_again(demo):
    before = {m.__name__: m.objects.count() for m in MODELS}
    out = StringIO()
    with override_settings(DEMO_ALLOWED=True):
        call_command("seed_demo", stdout=out)
    assert {m.__name__: m.objects.count() for m in MODELS} == before
    assert all(before[m.__name__] for m in (Suggestion, Vote, Opinion, Station))
    text = out.getvalue()
    assert "已存在" in text and DEMO_PASSWORD in text
    for username in ("admin", "security", "auditor", "county", "township", "township2", "deputy", "unit"):
        assert re.search(rf"^\s+{username}\s", text, re.M), username
    assert "缺失" not in text
    assert "/portal/" in text and "查询码" in text



# --- the year 2026: suggestions --------------------------------------------------------------------------------

def demo_suggestions() -> Any:
    return Suggestion.objects.filter(region_path__startswith=county().path)


def test_every_state_of_the_suggestion_workflow_is_present_and_every_reply_class_awaits_judgment(demo):
    from renda.suggestions.workflow import BILL_TABLE, SUGGESTION_TABLE

    states = set(demo_suggestions().values_list("status", flat=True))
    assert states == set(SUGGESTION_TABLE) | set(BILL_TABLE)
    replied = set(demo_suggestions().filter(status="replied").values_list("result_class", flat=True))
    assert replied == {"A", "B", "C", "D"}
    county_count = demo_suggestions().filter(congress__region=county()).count()
    home_count = demo_suggestions().filter(congress__region__name="青山镇").count()
    assert 55 <= county_count <= 65 and 18 <= home_count <= 22
    assert set(demo_suggestions().values_list("channel", flat=True)) == {"session", "recess", "activity"}
    assert set(demo_suggestions().exclude(category="").values_list("category", flat=True)) == {
        "工业经济", "营商环境", "民生事业", "城建交通", "教科文卫", "农业农村", "环境保护", "社会保障", "扶贫脱贫"}


def test_bills_reached_the_signature_threshold_of_their_level_and_were_decided_at_the_session(demo):
    from renda.suggestions.services import signer_count

    on_agenda = list(demo_suggestions().filter(status="on_agenda").select_related("congress__region"))
    assert {s.congress.region.level for s in on_agenda} == {RegionLevel.COUNTY, RegionLevel.TOWNSHIP}
    for bill in on_agenda:
        assert bill.kind == "bill" and bill.bill_decided_by == "presidium" and bill.bill_decision == "agenda"
        assert signer_count(bill) >= (10 if bill.congress.region.level == RegionLevel.COUNTY else 5)
        assert AuditEntry.objects.filter(action="suggestion.decide", object_id=str(bill.pk)).exists()
    converted = demo_suggestions().get(converted_from_bill=True)
    assert converted.kind == "suggestion" and converted.status == "closed" and signer_count(converted) >= 10


def test_each_event_was_taken_by_its_actor_through_the_services_on_dates_spread_over_2026(demo):
    roles = dict(AuditEntry.objects.filter(action__startswith="suggestion.").values_list("action", "actor_role")
                 .distinct())
    assert roles["suggestion.submit"] == roles["suggestion.evaluate"] == Role.DEPUTY
    assert roles["suggestion.review"] in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
    assert roles["suggestion.reply"] == roles["suggestion.accept"] == Role.UNIT_USER
    months = {d.month for d in demo_suggestions().exclude(submitted_at=None).values_list("submitted_at", flat=True)}
    assert len(months) >= 8 and all(d.year == 2026 for d in demo_suggestions().exclude(
        submitted_at=None).values_list("submitted_at", flat=True))
    closed = demo_suggestions().filter(status="closed").first()
    events = list(closed.events.order_by("id").values_list("event", "at"))
    times = [at for _, at in events]
    assert events[0][0] in ("cosign", "submit") and events[-1][0] == "close"
    assert times == sorted(times) and (times[-1] - times[0]).days >= 14  # the story's own dates, not one instant
    assert CalendarYear.objects.filter(year=2026).exists()
    assert not demo_suggestions().exclude(assigned_on=None).exclude(deadline_warning="").exists()


def test_key_supervision_overdue_and_misrouted_suggestions_are_there(demo):
    from renda.suggestions.models import AssignmentMeeting, SupervisionCard

    cards = SupervisionCard.objects.filter(suggestion__in=demo_suggestions())
    assert cards.count() >= 3 and all(c.entries.exists() for c in cards)
    assert AssignmentMeeting.objects.filter(cards__in=cards).distinct().count() == 1
    today = date.today()
    assert demo_suggestions().filter(status__in=["assigned", "handling", "rehandling"], deadline__lt=today).exists()
    assert demo_suggestions().exclude(escalated_on=None).exists()
    assert Reply.objects.filter(suggestion__in=demo_suggestions(), late=True).exists()
    assert AuditEntry.objects.filter(action="suggestion.return").exists()
    assert demo_suggestions().exclude(merged_into=None).count() >= 2


def test_the_unit_login_sees_its_assigned_suggestions_through_the_selectors_and_has_work(demo):
    from renda.suggestions.selectors import actions_for, visible, with_details

    unit = User.objects.get(username="unit")
    mine = list(with_details(visible(user=unit)))
    assert len(mine) >= 8
    assert {"assigned", "handling", "replied", "closed"} <= {s.status for s in mine}
    todo = {event for s in mine for event in actions_for(unit, s)}
    assert {"accept", "reply", "opinion"} <= todo
    assert not visible(user=unit).exclude(assignments__unit=unit.unit).exists()
    page = Client()
    page.force_login(unit)
    response = page.get("/suggestions/")
    assert response.status_code == 200 and mine[0].title in response.content.decode()


def test_the_deputy_login_leads_suggestions_in_several_states_at_both_levels(demo):
    from renda.suggestions.selectors import actions_for, visible, with_details

    deputy = User.objects.get(username="deputy")
    led = demo_suggestions().filter(lead_deputy=deputy.person)
    assert led.values("status").distinct().count() >= 4
    assert set(led.values_list("congress__region__level", flat=True)) == {RegionLevel.COUNTY, RegionLevel.TOWNSHIP}
    todo = {event for s in with_details(visible(user=deputy)) for event in actions_for(deputy, s)}
    assert {"evaluate", "cosign", "submit"} <= todo


# --- the year 2026: sessions, votes, elections ----------------------------------------------------------------

def test_the_county_session_has_a_passed_named_vote_with_a_sealed_result_and_a_closed_secret_vote(demo):
    import hashlib

    from renda.meetings.models import NamedBallot, SecretBallot
    from renda.meetings.services import vote_verify

    session = Session.objects.get(congress__region=county(), number=6)
    assert session.title == "示范县第十九届人民代表大会第六次会议" and session.starts_on.year == 2026
    votes = Vote.objects.filter(meeting__session=session, kind="resolution", status="closed")
    named = votes.filter(secret=False).first()
    assert named.result.passed and named.result.seal == hashlib.sha256(named.result.payload.encode()).hexdigest()
    assert vote_verify(named).ok
    assert NamedBallot.objects.filter(vote=named).count() == named.result.voted
    secret = votes.get(secret=True)
    assert secret.result.passed and vote_verify(secret).ok and not NamedBallot.objects.filter(vote=secret).exists()
    assert SecretBallot.objects.filter(vote=secret).count() == secret.result.voted
    plenary = Meeting.objects.filter(session=session, kind="plenary").first()
    assert plenary.status == "closed" and plenary.present_at_start >= 0.9 * plenary.members_at_start
    assert plenary.agenda_items.count() >= 4 and plenary.documents.exists()


def test_the_county_met_once_more_on_its_standing_committees_decision_after_the_floods(demo):
    session = Session.objects.get(congress__region=county(), kind="extraordinary")
    assert session.number == 7 and session.convened_by == "standing_committee" and "常委会" in session.basis
    assert session.starts_on == session.ends_on == date(2026, 7, 16)
    vote = Vote.objects.get(meeting__session=session)
    assert vote.status == "closed" and VoteResult.objects.get(vote=vote).passed


def test_the_election_elected_its_candidate_with_more_than_half_of_all_deputies_and_the_oath_is_recorded(demo):
    from renda.meetings.models import Candidate, Election

    election = Election.objects.get(meeting__congress__region=county())
    assert election.status == "completed"
    elected = Candidate.objects.get(election=election, status="elected")
    result = VoteResult.objects.get(vote=elected.elected_in)
    row = next(r for r in result.counts["candidates"] if r["id"] == elected.pk)
    assert row["yes"] > result.eligible // 2 and elected.oath.taken_on == date(2026, 1, 15)
    assert Candidate.objects.filter(election=election).count() == 2


def test_qingshan_met_twice_this_year_and_its_open_vote_can_be_cast_by_the_deputy_login(demo):
    from renda.meetings import services as meeting_services
    from renda.meetings.compliance import township_compliance

    rows = {r.congress.region.name: r for r in township_compliance(user=User.objects.get(username="county"),
                                                                  year=2026, today=date(2026, 11, 20))}
    assert rows["青山镇"].checks["sessions"].status == "ok" and rows["青山镇"].ok
    assert {r.checks["sessions"].status for r in rows.values()} == {"ok", "pending"}
    deputy = User.objects.get(username="deputy")
    vote = Vote.objects.get(meeting__congress__region__name="青山镇", status="open")
    assert vote.meeting.status == "in_progress" and vote.eligible.filter(person=deputy.person).exists()
    assert not vote.participations.filter(person=deputy.person).exists()
    with transaction.atomic():
        meeting_services.sign_in(actor=deputy, meeting=vote.meeting, person=deputy.person, method="self")
        receipt = meeting_services.ballot_cast(actor=deputy, vote=vote, person=deputy.person, choice="yes")
        assert receipt.code and vote.participations.filter(person=deputy.person).exists()
        transaction.set_rollback(True)


# --- the year 2026: stations and constituents -------------------------------------------------------------------

def test_stations_cover_every_township_with_schedules_deputies_and_receptions(demo):
    from renda.liaison.models import ScheduleException, StationDeputy

    central = Station.objects.filter(kind="central")
    assert set(central.values_list("region__name", flat=True)) == set(
        county().children.values_list("name", flat=True))
    assert Station.objects.filter(kind="village").count() >= 3
    home = central.get(region__name="青山镇")
    assert home.schedules.get().rule == "FREQ=MONTHLY;BYMONTHDAY=1,11,21"
    assert central.exclude(schedules__rule="FREQ=MONTHLY;BYMONTHDAY=1,11,21").exists()
    assert ScheduleException.objects.filter(schedule__station=home, date=date(2026, 10, 1)).exists()
    active = set(Mandate.objects.filter(status=MandateStatus.ACTIVE).values_list("person_id", flat=True))
    assert set(StationDeputy.objects.values_list("person_id", flat=True)) == active
    receptions = Reception.objects.filter(station=home)
    assert receptions.count() >= 20 and receptions.filter(opinions__isnull=False).exists()
    assert receptions.filter(deputies_present__isnull=False).exists()


def test_opinions_are_in_several_states_each_with_a_tracking_code_and_one_answered_through_a_suggestion(demo):
    from renda.liaison.codes import is_code

    opinions = Opinion.objects.all()
    assert {"received", "accepted", "assigned", "replied", "closed", "reopened", "not_accepted"} <= set(
        opinions.values_list("status", flat=True))
    assert all(is_code(code) for code in opinions.values_list("tracking_code", flat=True))
    assert opinions.exclude(escalated_at=None).exists()  # past the one-month deadline without a reply
    assert opinions.filter(unit__name="县交通运输局", status="assigned").exists()
    linked = opinions.filter(suggestion__isnull=False)
    assert linked.count() == 3 and linked.filter(status="closed").exists()
    assert all("代表建议" in o.reply_text for o in linked)
    assert AuditEntry.objects.filter(action="opinion.reply_from_suggestion").count() == 3


def test_a_repeated_complaint_was_merged_and_answered_with_its_neighbours_opinion(demo):
    merged = Opinion.objects.get(merged_into__isnull=False)
    primary = merged.merged_into
    assert merged.station_id == primary.station_id and merged.channel == "phone"
    assert merged.content.startswith(primary.content) and merged.tracking_code != primary.tracking_code
    assert AuditEntry.objects.filter(action="opinion.merge", object_id=str(merged.pk)).exists()
    if primary.replied_at is not None:  # answered before the story stopped: the reply reached both
        assert merged.status == "replied" and merged.reply_text == primary.reply_text
    else:
        assert merged.status == "merged"


def test_an_absence_excused_on_paper_no_longer_counts(demo):
    from renda.meetings import absences
    from renda.meetings.models import ExcusedAbsence

    excused = ExcusedAbsence.objects.select_related("session", "person").get()
    assert excused.approved_on <= excused.session.ends_on and "主席团" in excused.approved_by
    missed = absences.missed_sessions(term=excused.session.term, person_ids=[excused.person_id])
    assert excused.session not in missed.get(excused.person_id, [])
    assert AuditEntry.objects.filter(action="absence.excuse").count() == 1


def test_the_printed_tracking_codes_open_on_the_public_portal(demo):
    from renda.liaison.codes import format_code

    codes = re.findall(r"([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})（", demo)
    assert len(codes) == 2
    for code in codes:
        opinion = Opinion.objects.get(tracking_code=code.replace("-", ""))
        assert format_code(opinion.tracking_code) == code
        response = Client().get(f"/portal/track/{code.replace('-', '')}/")
        assert response.status_code == 200
        assert opinion.get_status_display() in response.content.decode()
    # the code to be judged comes with the digits judging asks for (its constituent left a phone)
    judged = re.search(r"([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})（[^）]*可评价，评价时填联系电话 (\d{11})）", demo)
    assert judged, "the printed judgeable code gives the phone judging asks for"
    opinion = Opinion.objects.get(tracking_code=judged[1].replace("-", ""))
    assert opinion.constituent_phone == judged[2] and opinion.status == "replied"
    assert 'data-testid="evaluate-phone"' in Client().get(f"/portal/track/{judged[1]}/").content.decode()


def test_the_county_finds_this_months_hot_issue_at_the_middle_school_gate(demo):
    """The story's last month has a hot issue: five parents of 青山镇 about the traffic at the middle school's gate.
    The county sees it on the 热点问题 page of November, ready to be handed to a deputy as one suggestion."""
    county = User.objects.get(username="county")
    page = Client()
    page.force_login(county)
    html = page.get("/insights/hot/", {"month": "2026-11"}).content.decode()
    issues = html.split('data-testid="hot-issue"')[1:]
    school = [i for i in issues if "青山镇中学" in i.split("</h3>")[0]]
    assert school, html
    assert "5 人反映，共 5 条" in school[0] and 'data-testid="hot-new-suggestion"' in school[0]
    gate = Opinion.objects.filter(content__startswith="青山镇中学门口")
    assert gate.count() >= 3 and set(gate.values_list("status", flat=True)) == {"accepted"}


def test_the_ledgers_of_past_years_give_the_county_and_qingshan_unit_proposals(demo, settings, tmp_path):
    """On the first working day the clerks import the 2022–2025 ledgers: enough unit history for the unit models,
    which propose 县交通运输局 for a bus route; the county's clerk sees the past cases with their replies."""
    from renda.demo.org import UNIT_OTHER_NAMES
    from renda.insights import history, jobs, services
    from renda.insights.models import ArchivedCase, ArchiveImport

    settings.DATA_DIR = tmp_path
    history.clear_caches()
    imports = ArchiveImport.objects.select_related("congress", "imported_by").order_by("pk")
    assert [(b.congress.name, b.imported_by.username, b.skipped) for b in imports] == [
        ("示范县人民代表大会", "county", 0), ("青山镇人民代表大会", "township", 0)]
    assert all(timezone.localdate(b.imported_at) == date(2026, 1, 5) for b in imports)
    county_congress = imports[0].congress
    assert 120 <= ArchivedCase.objects.filter(congress=county_congress).count() <= 180
    assert set(ArchivedCase.objects.values_list("year", flat=True)) == {2022, 2023, 2024, 2025}
    # the 2022 ledger names units by their full or former names, which the import finds by the units' 曾用名、简称
    entry = AuditEntry.objects.get(action="insights.archive_import", object_id=str(imports[0].pk))
    mapped = json.loads(entry.after)["other_names"]
    assert len(mapped) >= 3 and all(UNIT_OTHER_NAMES[unit].split("、")[0] == name for name, unit in mapped.items())
    bus = "关于增开城乡公交班次的建议：偏远村组每天只有两班城乡客车，群众进城很不方便"
    # the same with schoolchildren in it touches 县教育局's duties too: the county's model is then less sure
    schoolchildren = "关于增开城乡公交班次的建议：偏远村组每天只有两班城乡客车，学生上学、老人就医很不方便"
    transport = HandlingUnit.objects.get(name="县交通运输局")
    for b in imports:
        assert jobs.retrain_congress.call(b.congress.pk, "unit") is True
        proposal = services.suggest(congress=b.congress, kind="unit", text=bus)
        assert proposal is not None and proposal.label == str(transport.pk), (b.congress.name, proposal)
        either = services.suggest(congress=b.congress, kind="unit", text=schoolchildren)
        assert either is not None and either.best == str(transport.pk), (b.congress.name, either)
    found = services.similar_in_scope(user=User.objects.get(username="county"), congress=county_congress, text=bus)
    assert any(c.source == "archive" and c.match.reply for c in found)
    history.clear_caches()
