"""The rules of DOMAIN.md §3 as the services enforce them: bill thresholds [law], deadlines [setting] over the
official calendar, the re-handling loop, follow-up of B/C replies, versions, audit entries and who is told."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from renda.core.errors import Forbidden, Invalid, StaleVersion
from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.notifications.models import Notification
from renda.organizations.services import congress_setting_set
from renda.suggestions import services
from renda.suggestions.models import Evaluation, Reply, Status, Suggestion, SuggestionEvent
from tests.factories import DistrictFactory, MandateFactory, PersonFactory, UserFactory
from tests.helpers import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_day(monkeypatch):
    """Move the services' clock to a given local date."""
    def move(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return move


def _audit(s: Suggestion, action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action, object_type="suggestions.suggestion",
                                     object_id=str(s.pk)).last()


# --- bills: co-signature thresholds by level [law] ---------------------------------------------------------

def _county_deputies(tree, n):
    district = DistrictFactory(congress=tree.county_congress, region=tree.town_a)
    accounts = []
    for i in range(n):
        person = PersonFactory(region=tree.village_a, name=f"县代表{i}")
        MandateFactory(person=person, term=tree.county_term, district=district)
        accounts.append(UserFactory(username=f"county_deputy{i}", role=Role.DEPUTY, region=tree.town_a,
                                    person=person))
    return accounts


def _bill(lead, congress, cosigners):
    s = services.suggestion_create(actor=lead, congress=congress, kind="bill", channel="session",
                                   title="关于制定村庄规划的议案", content="……",
                                   co_signers=[u.person for u in cosigners])
    for user in cosigners:
        services.suggestion_cosign(actor=user, suggestion=s)
    return s


@pytest.mark.parametrize(("signers", "passes"), [(9, False), (10, True)])
def test_a_county_bill_needs_ten_deputies_jointly(tree, signers, passes):
    accounts = _county_deputies(tree, signers)
    s = _bill(accounts[0], tree.county_congress, accounts[1:])
    if passes:
        assert services.suggestion_submit(actor=accounts[0], suggestion=s).status == Status.SUBMITTED
        assert s.township_id == tree.town_a.pk, "a county deputy's bill counts for the township they were elected in"
    else:
        with pytest.raises(Invalid) as exc:
            services.suggestion_submit(actor=accounts[0], suggestion=s)
        assert exc.value.code == "bill_signers_below_threshold" and exc.value.extra["needed"] == 10
        s.refresh_from_db()
        assert s.status == Status.DRAFT


@pytest.mark.parametrize(("signers", "status"), [(4, 422), (5, 200)])
def test_a_township_bill_needs_five_deputies_jointly(world, signers, status):
    co = world.deputies[:signers - 1]
    s = world.create(kind="bill", channel="session", co_signers=co)
    from renda.accounts.models import User

    for user in User.objects.filter(person__in=co):
        services.suggestion_cosign(actor=user, suggestion=s)
    response = api_client(world.lead).post(f"/api/v1/suggestions/{s.pk}/submit", {},
                                           content_type="application/json")
    assert response.status_code == status
    if status == 422:
        assert response.json()["code"] == "bill_signers_below_threshold"


def test_an_invited_co_signer_counts_for_a_bill_only_after_confirming(world):
    s = world.create(kind="bill", channel="session", co_signers=world.deputies[:4])
    assert services.signer_count(s) == 1
    with pytest.raises(Invalid):
        services.suggestion_submit(actor=world.lead, suggestion=s)


def test_a_bill_outside_a_session_is_refused(world):
    with pytest.raises(Invalid) as exc:
        world.create(kind="bill", channel="recess")
    assert "channel" in exc.value.fields


def test_the_presidium_decision_on_a_bill_is_recorded_with_its_reason(world):
    s = world.build(Status.SUBMITTED, kind="bill")
    services.bill_decide(actor=world.clerk_a, suggestion=s, decision="as_suggestion", decided_by="presidium",
                         reason="涉及事项属于政府日常工作，宜作为建议办理")
    s.refresh_from_db()
    assert (s.kind, s.status, s.converted_from_bill, s.bill_decided_by) == ("suggestion", Status.ACCEPTED, True,
                                                                            "presidium")
    assert "宜作为建议办理" in s.bill_decision_reason
    entry = _audit(s, "suggestion.decide")
    assert '"kind":"bill"' in entry.before and '"status":"submitted"' in entry.before
    assert '"status":"accepted"' in entry.after and '"bill_decision":"as_suggestion"' in entry.after


# --- deadlines across National Day, with the calendar ----------------------------------------------------

def test_misroute_return_period_and_reply_deadline_across_national_day_2025(world, on_day):
    on_day(date(2025, 9, 30))
    s = world.build(Status.ASSIGNED)
    lead = s.assignments.get(role="lead")
    assert lead.accept_due == date(2025, 10, 16), "7 working days: Oct 1–8 off, Sat 11 Oct a make-up day"
    assert s.deadline == date(2025, 12, 30), "3 months after assignment"
    assert s.assignments.get(role="co").opinion_due == date(2025, 10, 30), "co-units: 1 month"
    assert s.deadline_warning == ""
    on_day(date(2025, 10, 17))
    with pytest.raises(Invalid) as exc:
        services.suggestion_return(actor=world.unit_lead, suggestion=s, reason="不属本局职责")
    assert exc.value.code == "return_period_over"
    on_day(date(2025, 10, 16))
    services.suggestion_return(actor=world.unit_lead, suggestion=s, reason="不属本局职责")
    s.refresh_from_db()
    assert s.status == Status.ACCEPTED and s.lead_unit is None and s.deadline is None


def test_a_recess_suggestion_is_due_for_assignment_five_working_days_after_national_day_2026(world, on_day):
    on_day(date(2026, 9, 30))
    s = world.build(Status.ACCEPTED)
    # Oct 1–7 off; Thu 8, Fri 9, Sat 10 (make-up), Mon 12, Tue 13.
    assert s.assign_due == date(2026, 10, 13)


def test_a_deadline_in_a_year_without_a_calendar_is_computed_and_carries_a_warning(world, on_day):
    on_day(date(2026, 12, 28))
    s = world.build(Status.ASSIGNED)
    assert s.assignments.get(role="lead").accept_due.year == 2027
    assert "2027年" in s.deadline_warning
    detail = api_client(world.clerk_a).get(f"/api/v1/suggestions/{s.pk}").json()
    assert "2027年" in detail["deadline_warning"]


def test_deadline_settings_are_read_from_the_congress(world, on_day):
    on_day(date(2025, 9, 30))
    congress_setting_set(actor=world.clerk_a, congress=world.tree.congress_a, key="suggestions.reply_months",
                         raw="2")
    congress_setting_set(actor=world.clerk_a, congress=world.tree.congress_a, key="workdays.day_counting",
                         raw="calendar")
    s = world.build(Status.ASSIGNED)
    assert s.deadline == date(2025, 11, 30)
    assert s.assignments.get(role="lead").accept_due == date(2025, 10, 7)


def test_a_longer_deadline_needs_a_reason_and_at_most_six_months(world, on_day):
    on_day(date(2026, 3, 2))
    s = world.build(Status.ACCEPTED)
    unit = world.tree.unit_county
    with pytest.raises(Invalid) as exc:
        services.suggestion_assign(actor=world.clerk_a, suggestion=s, lead_unit=unit, deadline=date(2026, 8, 1))
    assert "deadline_reason" in exc.value.fields
    with pytest.raises(Invalid):
        services.suggestion_assign(actor=world.clerk_a, suggestion=s, lead_unit=unit, deadline=date(2026, 9, 3),
                                   deadline_reason="涉及跨部门")
    services.suggestion_assign(actor=world.clerk_a, suggestion=s, lead_unit=unit, deadline=date(2026, 9, 2),
                               deadline_reason="涉及跨部门资金安排")
    s.refresh_from_db()
    assert s.deadline == date(2026, 9, 2) and s.extension_reason == "涉及跨部门资金安排"
    with pytest.raises(Invalid):
        services.suggestion_extend(actor=world.clerk_a, suggestion=s, deadline=date(2026, 9, 3), reason="再延")


def test_a_late_reply_is_marked_and_the_suggestion_counts_as_overdue(world, on_day):
    on_day(date(2025, 9, 30))
    s = world.build(Status.HANDLING)
    on_day(date(2026, 1, 5))
    listed = api_client(world.clerk_a).get("/api/v1/suggestions?overdue=true").json()["items"]
    assert [i["id"] for i in listed] == [s.pk] and listed[0]["overdue"] is True
    services.suggestion_reply(actor=world.unit_lead, suggestion=s, result_class="A", text="已完成")
    s.refresh_from_db()
    assert s.replies.get().late and s.overdue_since == date(2025, 12, 31)


# --- the handling loop ---------------------------------------------------------------------------------------

def test_re_handling_loops_until_the_deputy_is_satisfied(world, on_day):
    on_day(date(2026, 3, 2))
    s = world.build(Status.HANDLING)
    services.suggestion_contact(actor=world.unit_lead, suggestion=s, method="meeting", note="现场查看")
    for round_no, day in ((1, date(2026, 4, 1)), (2, date(2026, 4, 20))):
        on_day(day)
        services.suggestion_reply(actor=world.unit_lead, suggestion=s, result_class="A", text=f"第{round_no}次答复")
        services.suggestion_evaluate(actor=world.lead, suggestion=s, satisfaction="unsatisfied",
                                     comment="问题仍未解决")
        s.refresh_from_db()
        assert s.status == Status.REHANDLING
        assert s.deadline == date(day.year, day.month + 1, day.day), "re-handling: its own 1-month deadline"
    on_day(date(2026, 5, 10))
    services.suggestion_reply(actor=world.unit_lead, suggestion=s, result_class="A", text="第3次答复：已修好")
    services.suggestion_evaluate(actor=world.lead, suggestion=s, satisfaction="satisfied")
    services.suggestion_close(actor=world.clerk_a, suggestion=s)
    s.refresh_from_db()
    assert (s.status, s.satisfaction, s.met_in_person, s.closed_on) == (Status.CLOSED, "satisfied", True,
                                                                         date(2026, 5, 10))
    assert list(Reply.objects.filter(suggestion=s).values_list("round", "kind")) == [
        (1, "first"), (2, "rehandling"), (3, "rehandling")]
    assert list(Evaluation.objects.filter(suggestion=s).values_list("satisfaction", flat=True)) == [
        "unsatisfied", "unsatisfied", "satisfied"]
    assert AuditEntry.objects.filter(action="suggestion.evaluate", object_id=str(s.pk)).count() == 3
    assert s.first_replied_on == date(2026, 4, 1)


def test_b_and_c_replies_stay_under_follow_up_and_get_a_second_reply(world):
    s = world.build(Status.FOLLOW_UP)
    assert s.result_class == "B"
    services.suggestion_reply(actor=world.unit_lead, suggestion=s, result_class="A", text="已全部完成")
    services.suggestion_evaluate(actor=world.lead, suggestion=s, satisfaction="satisfied")
    s.refresh_from_db()
    assert s.status == Status.EVALUATED and s.result_class == "A"
    assert list(s.replies.values_list("kind", flat=True)) == ["first", "follow_up"]


def test_unsatisfied_needs_a_comment(world):
    s = world.build(Status.REPLIED)
    with pytest.raises(Invalid) as exc:
        services.suggestion_evaluate(actor=world.lead, suggestion=s, satisfaction="unsatisfied")
    assert "comment" in exc.value.fields


def test_the_result_class_follows_the_congress_scheme(world):
    congress_setting_set(actor=world.clerk_a, congress=world.tree.congress_a, key="suggestions.result_scheme",
                         raw="ABC")
    s = world.build(Status.HANDLING)
    response = api_client(world.unit_lead).post(f"/api/v1/suggestions/{s.pk}/reply",
                                                {"result_class": "D", "text": "留作参考"},
                                                content_type="application/json")
    assert response.status_code == 422 and "result_class" in response.json()["fields"]


def test_every_signer_sees_the_reply_and_is_told(world):
    s = world.build(Status.HANDLING)
    services.suggestion_reply(actor=world.unit_lead, suggestion=s, result_class="A", text="道路已于五月修缮完毕")
    told = set(Notification.objects.filter(kind="suggestion.replied", object_id=str(s.pk))
               .values_list("recipient__username", flat=True))
    assert told == {"lead", "cosigner"}
    replies = api_client(world.cosigner).get(f"/api/v1/suggestions/{s.pk}").json()["replies"]
    assert replies[0]["text"] == "道路已于五月修缮完毕"


def test_the_reply_letter_must_be_a_real_pdf_or_docx(world):
    s = world.build(Status.HANDLING)
    fake = SimpleUploadedFile("答复函.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(Invalid) as exc:
        services.suggestion_reply(actor=world.unit_lead, suggestion=s, result_class="A", text="x", letter=fake)
    assert "letter" in exc.value.fields
    real = SimpleUploadedFile("答复函.pdf", b"%PDF-1.4\n%...", content_type="application/pdf")
    services.suggestion_reply(actor=world.unit_lead, suggestion=s, result_class="A", text="x", letter=real)
    reply = s.replies.get()
    assert reply.letter.name.endswith(".pdf")
    reply.letter.delete(save=False)


# --- versions, audit, merging ----------------------------------------------------------------------------

def test_a_stale_version_is_refused_and_changes_nothing(world):
    s = world.build(Status.SUBMITTED)
    old = s.version
    services.suggestion_review(actor=world.clerk_a, suggestion=s, decision="accept", version=old)
    s.refresh_from_db()
    response = api_client(world.lead).post(f"/api/v1/suggestions/{s.pk}/withdraw", {"version": old},
                                           content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "stale_version"
    assert response.json()["current_version"] == s.version
    s.refresh_from_db()
    assert s.status == Status.ACCEPTED
    with pytest.raises(StaleVersion):
        services.suggestion_assign(actor=world.clerk_a, suggestion=s, lead_unit=world.tree.unit_county,
                                   version=old)


def test_each_event_writes_the_audit_entry_and_the_timeline(world):
    s = world.build(Status.SUBMITTED)
    entry = _audit(s, "suggestion.submit")
    assert entry.actor_username == "lead"
    assert '"status":"draft"' in entry.before and '"status":"submitted"' in entry.after
    assert '"number":"' in entry.after
    assert list(SuggestionEvent.objects.filter(suggestion=s).values_list("event", "from_status", "to_status")) == [
        ("submit", "draft", "submitted")]
    assert Notification.objects.filter(kind="suggestion.submitted", recipient=world.clerk_a).exists()
    assert not Notification.objects.filter(kind="suggestion.submitted", recipient=world.clerk_b).exists()


def test_submitted_suggestions_are_numbered_per_congress_and_year(world):
    first = world.build(Status.SUBMITTED)
    second = world.build(Status.SUBMITTED)
    year = services.today().year
    assert (first.number, second.number) == (f"{year}-0001", f"{year}-0002")


def test_merged_suggestions_are_assigned_with_the_primary_and_each_is_answered(world):
    primary = world.build(Status.ACCEPTED)
    member = world.build(Status.ACCEPTED)
    services.suggestion_merge(actor=world.clerk_a, primary=primary, members=[member])
    services.suggestion_assign(actor=world.clerk_a, suggestion=primary, lead_unit=world.tree.unit_county)
    member.refresh_from_db()
    assert member.status == Status.ASSIGNED and member.lead_unit == world.tree.unit_county
    assert member.merged_into == primary
    for s in (primary, member):
        services.suggestion_accept(actor=world.unit_lead, suggestion=s)
        services.suggestion_reply(actor=world.unit_lead, suggestion=s, result_class="A", text="并案办理答复")
        s.refresh_from_db()
        assert s.status == Status.REPLIED


def test_only_a_deputy_in_office_in_that_congress_writes_a_suggestion(world):
    with pytest.raises(Invalid):
        services.suggestion_create(actor=world.lead, congress=world.tree.congress_b, kind="suggestion",
                                   channel="recess", title="x", content="y")
    with pytest.raises(Forbidden):
        services.suggestion_create(actor=world.clerk_a, congress=world.tree.congress_a, kind="suggestion",
                                   channel="recess", title="x", content="y")
    response = api_client(world.lead).post("/api/v1/suggestions", {
        "channel": "recess", "congress": world.tree.congress_a.pk, "title": "增设公交站点",
        "content": "甲村群众出行不便。", "category": "城建交通", "co_signers": [world.cosigner.person.pk]},
        content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft" and body["co_signers"] == [
        {"id": world.cosigner.person.pk, "name": "王附议", "confirmed": False}]
    assert body["lead_deputy"]["name"] == "李领衔" and body["actions"] == ["submit", "withdraw"]
    bad = api_client(world.lead).post("/api/v1/suggestions", {
        "channel": "recess", "congress": world.tree.congress_a.pk, "title": "x", "content": "y",
        "category": "不存在的分类"}, content_type="application/json")
    assert bad.status_code == 422 and "category" in bad.json()["fields"]
