"""The pages call the same services as the API: the deputy writes and submits, the clerk reviews and assigns, the
unit accepts and replies with a letter, the deputy evaluates; figures and the ledger for staff."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from renda.core.models import AuditEntry
from renda.suggestions import services
from renda.suggestions.models import Status, Suggestion

pytestmark = pytest.mark.django_db


def test_deputy_writes_a_draft_then_submits_it_from_the_page(client, world):
    client.force_login(world.lead)
    form = client.get("/suggestions/new/").content.decode()
    assert "王附议" in form and "城建交通" in form
    response = client.post("/suggestions/new/", {
        "congress": world.tree.congress_a.pk, "kind": "suggestion", "channel": "recess", "title": "增设路灯",
        "content": "甲村主干道夜间无照明。", "category": "城建交通", "co_signers": [world.cosigner.person.pk],
        "save": "1"})
    s = Suggestion.objects.get(title="增设路灯")
    assert response.status_code == 302 and s.status == Status.DRAFT
    assert list(s.cosigners.values_list("person__name", flat=True)) == ["王附议"]
    detail = client.get(f"/suggestions/{s.pk}/").content.decode()
    assert 'data-testid="form-submit"' in detail
    client.post(f"/suggestions/{s.pk}/submit/", {"version": s.version})
    s.refresh_from_db()
    assert s.status == Status.SUBMITTED
    assert AuditEntry.objects.filter(action="suggestion.submit", object_id=str(s.pk), actor_id=world.lead.pk).exists()


def test_a_bad_draft_shows_the_services_message(client, world):
    client.force_login(world.lead)
    response = client.post("/suggestions/new/", {
        "congress": world.tree.congress_a.pk, "kind": "bill", "channel": "recess", "title": "议案",
        "content": "……", "submit": "1"})
    assert response.status_code == 422
    assert "议案只能在人民代表大会会议期间提出" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_clerk_reviews_and_assigns_then_the_unit_replies_with_a_letter(client, world):
    s = world.build(Status.SUBMITTED)
    client.force_login(world.clerk_a)
    listing = client.get("/suggestions/?status=submitted").content.decode()
    assert s.title in listing
    client.post(f"/suggestions/{s.pk}/review/", {"version": s.version, "decision": "accept"})
    s.refresh_from_db()
    assert s.status == Status.ACCEPTED
    client.post(f"/suggestions/{s.pk}/assign/", {"version": s.version, "lead_unit": world.tree.unit_county.pk,
                                                  "co_units": [world.tree.unit_other.pk]})
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED and s.lead_unit == world.tree.unit_county

    client.force_login(world.unit_lead)
    client.post(f"/suggestions/{s.pk}/accept/", {"version": s.version})
    s.refresh_from_db()
    client.post(f"/suggestions/{s.pk}/contact/", {"version": s.version, "method": "meeting", "note": "到村查看"})
    s.refresh_from_db()
    letter = SimpleUploadedFile("答复函.pdf", b"%PDF-1.4 reply", content_type="application/pdf")
    response = client.post(f"/suggestions/{s.pk}/reply/", {"version": s.version, "result_class": "A",
                                                            "text": "已安排资金修缮。", "letter": letter})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == Status.REPLIED and s.met_in_person
    reply = s.replies.get()
    try:
        client.force_login(world.cosigner)
        download = client.get(f"/suggestions/{s.pk}/letter/1/")
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
        client.force_login(world.unit_third)
        assert client.get(f"/suggestions/{s.pk}/letter/1/").status_code == 404
    finally:
        reply.letter.delete(save=False)


def test_a_refused_action_comes_back_as_a_message_not_an_error_page(client, world):
    s = world.build(Status.ASSIGNED)
    client.force_login(world.unit_lead)
    response = client.post(f"/suggestions/{s.pk}/reply/", {"version": s.version, "result_class": "A",
                                                            "text": "x"}, follow=True)
    # the suggestion's page (422 since the fourteenth session: it carries what was typed, to copy)
    assert response.status_code == 422 and 'data-testid="timeline"' in response.content.decode()
    assert "不能答复" in response.content.decode()
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED


def test_the_reply_form_chooses_no_result_for_the_unit(client, world):
    """A reply saved as A类 by one careless tap overstates the result: the unit must choose it."""
    s = world.build(Status.HANDLING)
    client.force_login(world.unit_lead)
    page = client.get(f"/suggestions/{s.pk}/").content.decode()
    select = page.split('name="result_class"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>（请选择）</option>' in select and "required" in select.split(">", 1)[0]
    response = client.post(f"/suggestions/{s.pk}/reply/", {"version": s.version, "text": "已安排资金修缮。"})
    page = response.content.decode()
    assert response.status_code == 422 and "请选择办理结果" in page
    assert "已安排资金修缮。</textarea>" in page  # the reply typed is on the page again, not lost
    s.refresh_from_db()
    assert s.status == Status.HANDLING and not s.replies.exists()


def test_a_stale_reply_is_refused_and_comes_back_as_typed_on_the_current_version(client, world):
    """A unit writes a long reply while the clerk extends the deadline: the reply is refused (not merged), and the
    page as it now stands shows it again as typed, on the current version, so a second tap sends it. Once the
    suggestion can no longer be answered, the text is on the page to copy. Before, the redirect lost it."""
    s = world.build(Status.HANDLING)
    client.force_login(world.unit_lead)
    letter = "县交通运输局已将该路段列入2027年农村公路提质改造计划，将于2027年6月底前完成路面拓宽和安保设施建设。"
    stale = {"version": s.version - 1, "result_class": "A", "text": letter}
    response = client.post(f"/suggestions/{s.pk}/reply/", stale)
    page = response.content.decode()
    assert response.status_code == 422 and "已被他人修改" in page
    assert f"{letter}</textarea>" in page
    form = page.split('data-testid="form-reply"', 1)[1].split("</form>", 1)[0]
    assert f'name="version" value="{s.version}"' in form
    s.refresh_from_db()
    assert s.status == Status.HANDLING and not s.replies.exists()
    # a colleague of the unit answers it first
    s = services.suggestion_reply(actor=world.unit_lead, suggestion=s, result_class="B", text="已列入计划。" * 8)
    gone = client.post(f"/suggestions/{s.pk}/reply/", {**stale, "version": s.version})
    page = gone.content.decode()
    assert gone.status_code == 422 and 'data-testid="typed-lost"' in page and letter in page
    assert 'data-testid="form-reply"' not in page


def test_stale_form_is_refused(client, world):
    s = world.build(Status.SUBMITTED)
    client.force_login(world.clerk_a)
    response = client.post(f"/suggestions/{s.pk}/review/", {"version": s.version - 1, "decision": "accept"},
                           follow=True)
    assert "已被他人修改" in response.content.decode()
    s.refresh_from_db()
    assert s.status == Status.SUBMITTED


def test_pages_respect_the_scope(client, world):
    s = world.build(Status.HANDLING)
    for user, status in ((world.clerk_b, 404), (world.unit_third, 404), (world.other_deputy, 404),
                         (world.county_clerk, 200), (world.unit_co, 200)):
        client.force_login(user)
        assert client.get(f"/suggestions/{s.pk}/").status_code == status, user.username
    client.force_login(world.clerk_b)
    assert client.post(f"/suggestions/{s.pk}/close/", {"version": s.version}).status_code == 404


def test_stats_page_and_ledger_download_for_staff(client, world):
    world.build(Status.CLOSED)
    client.force_login(world.county_clerk)
    html = client.get("/suggestions/stats/?by=township").content.decode()
    assert 'data-testid="rate-reply_rate">100.0%' in html and "甲镇" in html
    response = client.get("/suggestions/ledger.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 3 and rows[2][1] == "修缮甲村道路"
    assert AuditEntry.objects.filter(action="suggestion.export", actor_id=world.county_clerk.pk).exists()
    client.force_login(world.lead)
    assert client.get("/suggestions/stats/").status_code == 403
