"""Key supervised suggestions (重点督办): chosen by people with the congress's share [setting] as a guide, each with
a supervising leader from the presidium and a supervision card; the card and the assignment letter as .docx in the
official document format (GB/T 9704)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from renda.core.errors import Forbidden, Invalid
from renda.core.models import AuditEntry
from renda.notifications.models import Notification
from renda.organizations.models import BodyKind, MemberPost
from renda.suggestions.documents import assignment_letter_docx, supervision_card_docx
from renda.suggestions.models import Status
from renda.suggestions.selectors import visible
from renda.suggestions.services import supervision as sup
from renda.suggestions.stats import admitted
from tests.factories import BodyFactory, BodyMemberFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(world):
    presidium = BodyFactory(kind=BodyKind.PRESIDIUM, name="甲镇人大主席团", region=world.tree.town_a,
                            congress=world.tree.congress_a)
    person = PersonFactory(region=world.tree.town_a, name="张主席")
    BodyMemberFactory(body=presidium, person=person, post=MemberPost.CHAIR)
    return person


@pytest.fixture
def card(world, leader):
    s = world.build(Status.HANDLING)
    return sup.key_supervision_select(actor=world.clerk_a, suggestion=s, leader=leader,
                                      responsibility="督促县交通运输局年内完成修缮", requirements="每月报送进展")


def test_selecting_a_key_suggestion_makes_its_card_and_tells_the_unit(world, card, leader):
    s = card.suggestion
    s.refresh_from_db()
    assert s.key_supervised and card.deadline == s.deadline and card.leader_post == "甲镇人大主席团主任/主席"
    assert Notification.objects.filter(kind="suggestion.key_supervised", recipient=world.unit_lead).exists()
    entry = AuditEntry.objects.get(action="suggestion.key_select", object_id=str(s.pk))
    assert '"key_supervised":false' in entry.before and '"key_supervised":true' in entry.after


def test_the_leader_must_sit_on_the_presidium_and_the_suggestion_be_admitted(world, leader):
    outsider = PersonFactory(region=world.tree.town_a, name="普通代表")
    s = world.build(Status.HANDLING)
    with pytest.raises(Invalid) as exc:
        sup.key_supervision_select(actor=world.clerk_a, suggestion=s, leader=outsider, responsibility="x")
    assert "leader" in exc.value.fields
    draft = world.build(Status.SUBMITTED)
    with pytest.raises(Invalid) as exc:
        sup.key_supervision_select(actor=world.clerk_a, suggestion=draft, leader=leader, responsibility="x",
                                   deadline=date(2026, 12, 31))
    assert "suggestion" in exc.value.fields
    with pytest.raises(Forbidden):
        sup.key_supervision_select(actor=world.unit_lead, suggestion=s, leader=leader, responsibility="x")


def test_the_share_is_a_guide_beside_the_count_chosen(world, card):
    for _ in range(4):
        world.build(Status.ACCEPTED)
    share = sup.key_share(admitted=admitted(visible(user=world.clerk_a), None), congress=world.tree.congress_a,
                          year=card.year)
    assert (share["admitted"], share["selected"], share["share"]) == (5, 1, 20.0)
    assert (share["min_pct"], share["max_pct"], share["suggested_min"], share["suggested_max"]) == (15, 20, 1, 1)
    assert share["within"] is True


def test_progress_and_feedback_come_from_the_lead_unit_and_staff_only(world, card):
    sup.supervision_progress_add(actor=world.unit_lead, card=card, kind="progress", text="已完成招标")
    sup.supervision_progress_add(actor=world.clerk_a, card=card, kind="supervision", text="张主席现场督办")
    with pytest.raises(Forbidden):
        sup.supervision_progress_add(actor=world.unit_lead, card=card, kind="supervision", text="x")
    with pytest.raises(Forbidden):
        sup.supervision_progress_add(actor=world.unit_co, card=card, kind="progress", text="x")
    assert list(card.entries.values_list("kind", flat=True)) == ["progress", "supervision"]


def test_the_assignment_meeting_is_recorded_with_its_cards(world, card):
    meeting = sup.assignment_meeting_record(actor=world.clerk_a, congress=world.tree.congress_a,
                                            held_on=date(2026, 3, 10), cards=[card], place="镇政府三楼会议室",
                                            chaired_by="张主席", attendees="县交通运输局局长")
    card.refresh_from_db()
    assert card.meeting == meeting
    assert AuditEntry.objects.filter(action="supervision.meeting", object_id=str(meeting.pk)).exists()


def _fonts(paragraph):
    return {r.element.rPr.rFonts.get(qn("w:eastAsia")) for r in paragraph.runs if r.element.rPr is not None}


def test_the_card_docx_opens_in_the_official_format_with_the_right_fields(world, card):
    sup.supervision_progress_add(actor=world.unit_lead, card=card, kind="feedback", text="道路已修缮完毕")
    doc = Document(BytesIO(supervision_card_docx(card)))
    section = doc.sections[0]
    def mm(length):  # stored in twips: a fraction of a millimetre off
        return round(length.mm)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297), "A4"
    assert (mm(section.top_margin), mm(section.bottom_margin), mm(section.left_margin),
            mm(section.right_margin)) == (37, 35, 28, 26), "GB/T 9704: 156 × 225 mm text block"
    title = doc.paragraphs[0]
    assert title.text == f"{card.year}年重点督办建议督办卡"
    assert title.runs[0].font.size == Pt(22) and _fonts(title) == {"方正小标宋简体"}
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    cells = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert cells["建议标题"] == "修缮甲村道路" and cells["领衔代表"] == "李领衔"
    assert cells["主办单位"] == "县交通运输局" and cells["协办单位"] == "县教育局"
    assert cells["督办领导"] == "张主席（甲镇人大主席团主任/主席）"
    assert cells["办结时限"] == f"{card.deadline.year}年{card.deadline.month}月{card.deadline.day}日"
    assert "道路已修缮完毕" in cells["办结反馈"]
    assert doc.paragraphs[-1].text == "甲镇人民代表大会主席团制"
    assert 'w:instr="PAGE"' in section.footer.paragraphs[0]._p.xml


def test_the_assignment_letter_docx_addresses_the_lead_unit(world, card):
    doc = Document(BytesIO(assignment_letter_docx(card, issued_on=date(2026, 3, 10))))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "关于交办重点督办建议的函"
    assert "县交通运输局：" in texts
    body = "".join(texts)
    assert "李领衔代表领衔提出的《修缮甲村道路》" in body and "县教育局协办" in body and "张主席同志督办" in body
    assert texts[-1] == "2026年3月10日" and texts[-2] == "甲镇人民代表大会主席团"


def test_supervision_pages_and_downloads(client, world, card, leader):
    client.force_login(world.clerk_a)
    html = client.get(f"/suggestions/supervision/?year={card.year}").content.decode()
    assert "修缮甲村道路" in html and "参考比例：15%–20%" in html
    other = world.build(Status.ACCEPTED)
    response = client.post(f"/suggestions/supervision/?year={card.year}", {
        "select": "1", "suggestion": other.pk, "leader": leader.pk, "responsibility": "督促尽快交办",
        "deadline": "2026-12-31"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.key_supervised
    download = client.get(f"/suggestions/supervision/{card.pk}/card.docx")
    assert download.status_code == 200 and download["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert Document(BytesIO(download.content)).paragraphs[0].text.endswith("督办卡")
    client.force_login(world.unit_lead)
    assert client.get(f"/suggestions/supervision/{card.pk}/").status_code == 200
    assert client.get(f"/suggestions/supervision/{card.pk}/letter.docx").status_code == 200
    client.force_login(world.unit_third)
    assert client.get(f"/suggestions/supervision/{card.pk}/").status_code == 404
    client.force_login(world.clerk_b)
    assert client.get(f"/suggestions/supervision/{card.pk}/card.docx").status_code == 404


# --- the same through the API ---------------------------------------------------------------------------------

def test_the_supervision_api_mirrors_the_pages(world, leader):
    from tests.helpers import api_client

    s = world.build(Status.HANDLING)
    staff, unit = api_client(world.clerk_a), api_client(world.unit_lead)
    chosen = staff.post(f"/api/v1/suggestions/{s.pk}/key_supervision",
                        {"leader": leader.pk, "responsibility": "督促年内修缮", "requirements": "每月报送"},
                        content_type="application/json")
    assert chosen.status_code == 201, chosen.json()
    card_id = chosen.json()["id"]
    assert chosen.json()["leader"] == "张主席" and chosen.json()["deadline"] == str(s.deadline)
    assert AuditEntry.objects.filter(action="suggestion.key_select", object_id=str(s.pk)).exists()
    listing = staff.get(f"/api/v1/suggestions/supervision/cards?year={s.year}").json()
    assert [c["id"] for c in listing["cards"]] == [card_id] and listing["share"]["selected"] == 1
    assert unit.get("/api/v1/suggestions/supervision/cards").status_code == 403

    progress = unit.post(f"/api/v1/suggestions/supervision/cards/{card_id}/progress",
                         {"kind": "progress", "text": "已完成设计"}, content_type="application/json")
    assert progress.status_code == 200 and progress.json()["entries"][0]["text"] == "已完成设计"
    refused = unit.post(f"/api/v1/suggestions/supervision/cards/{card_id}/progress",
                        {"kind": "supervision", "text": "督办"}, content_type="application/json")
    assert refused.status_code == 403
    assert api_client(world.unit_third).get(f"/api/v1/suggestions/supervision/cards/{card_id}").status_code == 404

    meeting = staff.post("/api/v1/suggestions/supervision/meetings",
                         {"held_on": "2026-03-10", "cards": [card_id], "place": "镇政府会议室"},
                         content_type="application/json")
    assert meeting.status_code == 201 and meeting.json()["cards"] == [card_id]
    assert staff.get("/api/v1/suggestions/supervision/meetings").json()[0]["place"] == "镇政府会议室"
    docx = unit.get(f"/api/v1/suggestions/supervision/cards/{card_id}/card.docx")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(BytesIO(docx.content)).paragraphs)
    assert "督促年内修缮" in text or "督促年内修缮" in str([c.text for t in Document(BytesIO(docx.content)).tables
                                                      for r in t.rows for c in r.cells])
    assert unit.get(f"/api/v1/suggestions/supervision/cards/{card_id}/letter.docx").status_code == 200

    cancelled = staff.post(f"/api/v1/suggestions/supervision/cards/{card_id}/cancel", {"reason": "已列入专项督办"},
                           content_type="application/json")
    assert cancelled.status_code == 204
    s.refresh_from_db()
    assert not s.key_supervised and AuditEntry.objects.filter(action="suggestion.key_cancel").exists()
