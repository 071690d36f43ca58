"""What the clerk and the units record besides the plain state moves (DOMAIN.md §3, issue 7): merging similar
suggestions for handling (each still answered, every signer sees the reply), a paper suggestion entered on the
deputy's behalf (代录), the clerk's manual reminder (催办), and the reply letter uploaded through the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from renda.core.errors import Forbidden, Invalid, InvalidTransition
from renda.core.models import AuditEntry
from renda.notifications.models import Notification
from renda.suggestions import services
from renda.suggestions.models import CoSigner, Status, Suggestion, SuggestionEvent
from renda.suggestions.services import handling
from tests.helpers import api_client

pytestmark = pytest.mark.django_db


def _audit(s: Suggestion, action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action, object_type="suggestions.suggestion",
                                     object_id=str(s.pk)).last()


def _post(user, path, body=None):
    return api_client(user).post(path, body or {}, content_type="application/json")


# --- merging for handling (并案办理) -------------------------------------------------------------------------

def test_merge_from_the_api_assigns_members_with_the_primary_and_each_signer_sees_their_own_reply(world):
    primary = world.build(Status.ACCEPTED)
    member = world.create(title="甲村道路也请修缮", co_signers=[world.other_deputy.person])
    for step in ("submit", "review_accept"):
        member = world.step(member, step)
    response = _post(world.clerk_a, f"/api/v1/suggestions/{primary.pk}/merge", {"members": [member.pk]})
    assert response.status_code == 200, response.json()
    assert response.json()["merged_members"] == [member.pk]
    member.refresh_from_db()
    assert member.merged_into_id == primary.pk and member.status == Status.ACCEPTED
    assert '"merged_into":' in _audit(member, "suggestion.merge").after
    assert f'"members":[{member.pk}]' in _audit(primary, "suggestion.merge").after
    assert Notification.objects.filter(kind="suggestion.merged", recipient=world.other_deputy).exists()

    services.suggestion_assign(actor=world.clerk_a, suggestion=primary, lead_unit=world.tree.unit_county)
    for s, text in ((primary, "主件答复"), (member, "并入件答复")):
        services.suggestion_accept(actor=world.unit_lead, suggestion=s)
        services.suggestion_reply(actor=world.unit_lead, suggestion=s, result_class="A", text=text)
    # the member's own signer sees the member's reply; the primary's co-signer does not see the member at all
    body = api_client(world.other_deputy).get(f"/api/v1/suggestions/{member.pk}").json()
    assert body["merged_into"] == primary.pk and [r["text"] for r in body["replies"]] == ["并入件答复"]
    assert api_client(world.cosigner).get(f"/api/v1/suggestions/{member.pk}").status_code == 404


def test_merge_checks_the_state_of_freshly_locked_copies_not_of_the_objects_passed_in(world):
    primary = world.build(Status.ACCEPTED)
    member = world.build(Status.ACCEPTED)
    stale_primary = Suggestion.objects.get(pk=primary.pk)
    services.suggestion_assign(actor=world.clerk_a, suggestion=primary, lead_unit=world.tree.unit_county)
    assert stale_primary.status == Status.ACCEPTED  # the copy in hand still says "accepted"
    with pytest.raises(InvalidTransition):
        services.suggestion_merge(actor=world.clerk_a, primary=stale_primary, members=[member])
    stale_member = Suggestion.objects.get(pk=member.pk)
    other = world.build(Status.ACCEPTED)
    other_version = other.version
    services.suggestion_withdraw(actor=world.lead, suggestion=member)
    with pytest.raises(InvalidTransition):
        services.suggestion_merge(actor=world.clerk_a, primary=other, members=[stale_member])
    other.refresh_from_db()
    assert not Suggestion.objects.filter(merged_into=other).exists() and other.version == other_version


def test_a_member_that_is_itself_a_primary_or_of_another_congress_cannot_be_merged(world):
    primary, member, third = (world.build(Status.ACCEPTED) for _ in range(3))
    services.suggestion_merge(actor=world.clerk_a, primary=primary, members=[member])
    with pytest.raises(Invalid):
        services.suggestion_merge(actor=world.clerk_a, primary=third, members=[primary])
    with pytest.raises(Invalid):  # already merged into another
        services.suggestion_merge(actor=world.clerk_a, primary=third, members=[member])
    response = _post(world.clerk_a, f"/api/v1/suggestions/{third.pk}/merge", {"members": [999999]})
    assert response.status_code == 422 and "members" in response.json()["fields"]


def test_merge_from_the_page(client, world):
    primary, member = world.build(Status.ACCEPTED), world.build(Status.ACCEPTED)
    client.force_login(world.clerk_a)
    page = client.get(f"/suggestions/{primary.pk}/").content.decode()
    assert 'data-testid="form-merge"' in page and member.number in page
    response = client.post(f"/suggestions/{primary.pk}/merge/", {"version": primary.version,
                                                                  "members": [member.pk]})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.merged_into_id == primary.pk
    member_page = client.get(f"/suggestions/{member.pk}/").content.decode()
    assert primary.number in member_page and 'data-testid="form-merge"' not in member_page
    assert 'data-testid="merged-members"' in client.get(f"/suggestions/{primary.pk}/").content.decode()


def test_the_merge_form_flags_the_same_suggestion_sent_twice_among_those_it_offers(client, world):
    """The text engine's near duplicates (insights.near_duplicate_threshold) among the suggestions the merge form
    offers, loaded by htmx after the page; an unrelated one is not flagged, a merged one is no longer offered."""
    from renda.insights import history

    history.clear_caches()
    primary, twin = world.build(Status.ACCEPTED), world.build(Status.ACCEPTED)  # the same text, sent twice
    other = services.suggestion_create(actor=world.lead, congress=world.tree.congress_a, kind="suggestion",
                                       channel="recess", title="关于增开乙村公交班次的建议",
                                       content="乙村每天只有两班公交车，学生上学很不方便，请增开班次。",
                                       category="城建交通", co_signers=[])
    for step in ("submit", "review_accept"):
        other = world.step(other, step)
    client.force_login(world.clerk_a)
    page = client.get(f"/suggestions/{primary.pk}/").content.decode()
    assert f"/suggestions/{primary.pk}/near-duplicates/" in page and other.number in page  # offered, not flagged
    fragment = client.get(f"/suggestions/{primary.pk}/near-duplicates/").content.decode()
    assert twin.number in fragment and other.number not in fragment and "相似度" in fragment
    client.post(f"/suggestions/{primary.pk}/merge/", {"version": primary.version, "members": [twin.pk]})
    after = client.get(f"/suggestions/{primary.pk}/near-duplicates/").content.decode()
    assert twin.number not in after and "未发现与本件疑似重复的待交办建议" in after
    client.force_login(world.lead)
    assert client.get(f"/suggestions/{primary.pk}/near-duplicates/").status_code == 403
    history.clear_caches()


# --- paper entry (代录) -------------------------------------------------------------------------------------

def _paper(world, **kw):
    t = world.tree
    args = {"actor": world.clerk_a, "congress": t.congress_a, "lead_deputy": world.lead.person,
            "kind": "suggestion", "channel": "session", "title": "纸质建议：修缮甲村桥梁", "content": "桥面破损。",
            "category": "城建交通", "co_signers": [world.cosigner.person]}
    args.update(kw)
    return services.suggestion_enter_paper(**args)


def test_a_clerk_enters_a_paper_suggestion_that_the_deputy_and_co_signers_see_as_theirs(world):
    s = _paper(world)
    assert s.status == Status.SUBMITTED and s.entered_by == world.clerk_a and s.lead_deputy == world.lead.person
    assert s.number and CoSigner.objects.get(suggestion=s).confirmed_at is not None  # signed on paper
    created = _audit(s, "suggestion.create")
    assert created.actor_username == "clerk_a" and '"paper":true' in created.after
    assert _audit(s, "suggestion.submit").actor_username == "clerk_a"
    event = SuggestionEvent.objects.get(suggestion=s, event="submit")
    assert event.actor == world.clerk_a and "代录" in event.note
    for deputy in (world.lead, world.cosigner):
        assert Notification.objects.filter(kind="suggestion.entered", recipient=deputy).exists()
        body = api_client(deputy).get(f"/api/v1/suggestions/{s.pk}").json()
        assert body["paper"] is True and body["entered_by"] == str(world.clerk_a)
    assert api_client(world.lead).get("/api/v1/suggestions").json()["items"][0]["id"] == s.pk
    assert "withdraw" in api_client(world.lead).get(f"/api/v1/suggestions/{s.pk}").json()["actions"]


def test_paper_entry_is_the_clerks_of_that_region_only_and_the_deputy_must_be_in_office(world):
    with pytest.raises(Forbidden):
        _paper(world, actor=world.clerk_b)
    with pytest.raises(Forbidden):
        _paper(world, actor=world.lead)
    with pytest.raises(Invalid) as exc:
        _paper(world, lead_deputy=_outsider(world))
    assert "lead_deputy" in exc.value.fields
    assert not Suggestion.objects.exists()


def _outsider(world):
    from tests.factories import PersonFactory

    return PersonFactory(region=world.tree.town_b, name="外镇代表")


def test_a_paper_bill_counts_the_paper_signatures_against_the_threshold(world):
    bill = _paper(world, kind="bill", co_signers=world.deputies[:4])
    assert bill.status == Status.SUBMITTED  # 1 + 4 = 5 at a township
    with pytest.raises(Invalid) as exc:
        _paper(world, kind="bill", co_signers=world.deputies[:3])
    assert exc.value.code == "bill_signers_below_threshold"


def test_paper_entry_through_the_api_and_the_page(client, world):
    response = _post(world.clerk_a, "/api/v1/suggestions/paper", {
        "congress": world.tree.congress_a.pk, "lead_deputy": world.lead.person.pk, "channel": "session",
        "title": "增设路灯", "content": "甲村夜间照明不足。", "category": "城建交通",
        "co_signers": [world.cosigner.person.pk]})
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "submitted" and response.json()["paper"] is True
    assert _post(world.lead, "/api/v1/suggestions/paper", {
        "congress": world.tree.congress_a.pk, "lead_deputy": world.lead.person.pk, "channel": "session",
        "title": "x", "content": "y"}).status_code == 403
    client.force_login(world.clerk_a)
    assert 'data-testid="paper-entry"' in client.get("/suggestions/").content.decode()
    assert client.get("/suggestions/paper/").status_code == 200
    response = client.post("/suggestions/paper/", {
        "congress": world.tree.congress_a.pk, "lead_deputy": world.lead.person.pk, "kind": "suggestion",
        "channel": "recess", "title": "修缮水渠", "content": "水渠淤塞。", "category": "农业农村"})
    assert response.status_code == 302, response.content.decode()[:2000]
    s = Suggestion.objects.get(title="修缮水渠")
    assert s.entered_by == world.clerk_a and s.status == Status.SUBMITTED
    assert "代录" in client.get(f"/suggestions/{s.pk}/").content.decode()


# --- manual reminder (催办) --------------------------------------------------------------------------------

@pytest.mark.parametrize("state", [Status.ASSIGNED, Status.HANDLING, Status.REHANDLING, Status.FOLLOW_UP])
def test_the_clerk_reminds_the_units_of_an_assigned_item_and_it_is_in_the_history(world, state):
    s = world.build(state)
    version = s.version
    response = _post(world.clerk_a, f"/api/v1/suggestions/{s.pk}/remind", {"note": "请于本周内答复"})
    assert response.status_code == 200, response.json()
    s.refresh_from_db()
    assert s.status == state and s.version == version  # nobody's open form goes stale
    lead_note = Notification.objects.get(kind="suggestion.reminded", recipient=world.unit_lead)
    assert "请于本周内答复" in lead_note.body and lead_note.link == f"/suggestions/{s.pk}/"
    co_told = Notification.objects.filter(kind="suggestion.reminded_co", recipient=world.unit_co).exists()
    assert co_told == (state != Status.FOLLOW_UP)  # the co-unit has not given its opinion yet
    event = SuggestionEvent.objects.filter(suggestion=s, event="remind").get()
    assert event.actor == world.clerk_a and event.note == "请于本周内答复"
    assert _audit(s, "suggestion.remind").actor_username == "clerk_a"
    assert any(e["event"] == "remind" for e in response.json()["events"])


def test_a_co_unit_that_gave_its_opinion_is_not_reminded_and_a_unit_may_not_remind(world):
    s = world.build(Status.HANDLING)
    services.suggestion_opinion(actor=world.unit_co, suggestion=s, text="同意")
    services.suggestion_remind(actor=world.clerk_a, suggestion=s)
    assert not Notification.objects.filter(kind="suggestion.reminded_co").exists()
    with pytest.raises(Forbidden):
        services.suggestion_remind(actor=world.unit_lead, suggestion=s)
    with pytest.raises(Forbidden):
        services.suggestion_remind(actor=world.clerk_b, suggestion=s)


def test_remind_from_the_page_shows_in_the_timeline(client, world):
    s = world.build(Status.HANDLING)
    client.force_login(world.clerk_a)
    assert 'data-testid="form-remind"' in client.get(f"/suggestions/{s.pk}/").content.decode()
    client.post(f"/suggestions/{s.pk}/remind/", {"version": s.version, "note": "尽快答复"})
    timeline = client.get(f"/suggestions/{s.pk}/").content.decode()
    assert "催办" in timeline and "尽快答复" in timeline
    assert Notification.objects.filter(kind="suggestion.reminded", recipient=world.unit_lead).exists()


# --- the reply letter through the API ------------------------------------------------------------------------

def _replied(world):
    s = world.build(Status.HANDLING)
    return services.suggestion_reply(actor=world.unit_lead, suggestion=s, result_class="A", text="已修缮")


def _upload(user, s, name, content, round_no=1):
    return api_client(user).post(f"/api/v1/suggestions/{s.pk}/replies/{round_no}/letter",
                                 {"letter": SimpleUploadedFile(name, content)})


def test_the_unit_uploads_the_reply_letter_and_every_signer_downloads_it(world):
    s = _replied(world)
    response = _upload(world.unit_lead, s, "答复函.pdf", b"%PDF-1.4 signed letter")
    assert response.status_code == 200, response.json()
    assert response.json()["replies"][0]["letter"] is True
    assert '"round":1' in _audit(s, "suggestion.reply_letter").after
    for reader in (world.lead, world.cosigner, world.clerk_a):
        download = api_client(reader).get(f"/api/v1/suggestions/{s.pk}/replies/1/letter")
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert api_client(world.clerk_b).get(f"/api/v1/suggestions/{s.pk}/replies/1/letter").status_code == 404


def test_the_letters_type_and_size_are_checked_with_clear_errors(world, monkeypatch):
    s = _replied(world)
    wrong_type = _upload(world.unit_lead, s, "答复函.txt", b"plain text")
    assert wrong_type.status_code == 422 and wrong_type.json()["fields"]["letter"] == ["仅支持 .pdf 和 .docx"]
    disguised = _upload(world.unit_lead, s, "答复函.docx", b"%PDF pretending to be docx")
    assert disguised.status_code == 422 and disguised.json()["fields"]["letter"] == ["文件已损坏或类型不符"]
    monkeypatch.setattr(handling, "LETTER_MAX_BYTES", 16)
    too_big = _upload(world.unit_lead, s, "答复函.pdf", b"%PDF" + b"x" * 32)
    assert too_big.status_code == 422 and too_big.json()["fields"]["letter"] == ["文件过大"]
    assert not s.replies.get().letter
    assert _upload(world.unit_co, s, "答复函.pdf", b"%PDF-1.4").status_code in (403, 404)
    assert _upload(world.unit_lead, s, "答复函.pdf", b"%PDF-1.4", round_no=2).status_code == 404


def test_the_letter_cannot_be_replaced_after_the_deputy_evaluated(world):
    s = _replied(world)
    services.suggestion_evaluate(actor=world.lead, suggestion=s, satisfaction="satisfied")
    response = _upload(world.unit_lead, s, "答复函.pdf", b"%PDF-1.4")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
