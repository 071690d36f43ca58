"""A reply is published on the public portal only after a staff check, with personal data removed
(DOMAIN.md §3 [setting]); the public sees nothing personal."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from renda.core.errors import Forbidden, Invalid
from renda.core.models import AuditEntry
from renda.organizations.services import congress_setting_set
from renda.suggestions.models import PublicationStatus, Status
from renda.suggestions.services import publication as pub
from renda.suggestions.services import suggestion_reply

pytestmark = pytest.mark.django_db

TEXT = ("李领衔代表：您提出的建议收悉。经办人王科长，电话 13812345678，座机 0571-87654321，"
        "邮箱 wang@example.cn。道路已修缮。")


@pytest.fixture
def reply(world, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2025, 9, 26))
    s = world.build(Status.HANDLING)
    suggestion_reply(actor=world.unit_lead, suggestion=s, result_class="A", text=TEXT)
    monkeypatch.undo()
    return s.replies.get()


def test_the_prepared_text_masks_phones_and_addresses_and_is_due_in_working_days(world, reply):
    p = pub.publication_prepare(actor=world.clerk_a, reply=reply)
    assert "13812345678" not in p.text and "0571-87654321" not in p.text and "wang@example.cn" not in p.text
    assert "道路已修缮" in p.text and p.status == PublicationStatus.DRAFT
    # 20 working days after Fri 26 Sep 2025: Sun 28 (make-up), 29, 30; Oct 1–8 off; 9, 10, Sat 11 (make-up),
    # 13–17, 20–24, 27–30 → the 20th is Thu 30 Oct.
    assert p.due == date(2025, 10, 30)


def test_publishing_needs_the_check_and_a_text_without_personal_data(world, reply):
    p = pub.publication_prepare(actor=world.clerk_a, reply=reply)
    with pytest.raises(Invalid) as exc:
        pub.publication_publish(actor=world.clerk_a, publication=p, title=p.title, text=p.text, checked=False)
    assert "checked" in exc.value.fields
    with pytest.raises(Invalid) as exc:
        pub.publication_publish(actor=world.clerk_a, publication=p, title=p.title, text=TEXT, checked=True)
    assert "手机号码" in exc.value.fields["text"][0]
    pub.publication_publish(actor=world.clerk_a, publication=p, title=p.title,
                            text=p.text.replace("经办人王科长，", ""), checked=True)
    p.refresh_from_db()
    assert p.status == PublicationStatus.PUBLISHED and p.checked_by == world.clerk_a
    assert AuditEntry.objects.filter(action="publication.publish", object_id=str(p.pk)).exists()


def test_only_the_congresss_staff_publish_and_a_congress_may_turn_it_off(world, reply):
    with pytest.raises(Forbidden):
        pub.publication_prepare(actor=world.clerk_b, reply=reply)
    with pytest.raises(Forbidden):
        pub.publication_prepare(actor=world.unit_lead, reply=reply)
    congress_setting_set(actor=world.clerk_a, congress=world.tree.congress_a,
                         key="suggestions.publication_enabled", raw=False)
    with pytest.raises(Invalid) as exc:
        pub.publication_prepare(actor=world.clerk_a, reply=reply)
    assert exc.value.code == "publication_disabled"


def test_the_public_sees_published_replies_only_and_nothing_personal(world, reply):
    p = pub.publication_prepare(actor=world.clerk_a, reply=reply)
    anonymous = Client()
    assert anonymous.get("/api/v1/public/suggestion_replies").json()["count"] == 0
    assert anonymous.get(f"/api/v1/public/suggestion_replies/{p.pk}").status_code == 404
    pub.publication_publish(actor=world.clerk_a, publication=p, title=p.title, text=p.text, checked=True)
    body = anonymous.get("/api/v1/public/suggestion_replies").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert set(item) == {"id", "title", "text", "congress", "unit", "category", "result_class", "replied_on",
                         "published_at"}
    assert "13812345678" not in item["text"] and item["unit"] == "县交通运输局"
    html = anonymous.get(f"/suggestions/public/{p.pk}/").content.decode()
    assert "道路已修缮" in html and "13812345678" not in html
    pub.publication_withdraw(actor=world.clerk_a, publication=p, reason="内容需更正")
    assert anonymous.get("/api/v1/public/suggestion_replies").json()["count"] == 0


def test_staff_publish_from_the_page(client, world, reply):
    client.force_login(world.clerk_a)
    url = f"/suggestions/{reply.suggestion_id}/publication/1/"
    client.post(url, {"prepare": "1"})
    page = client.get(url).content.decode()
    assert "待核对" in page and "*" * 11 in page
    response = client.post(url, {"publish": "1", "title": "关于《修缮甲村道路》的答复",
                                 "text": "道路已修缮。", "checked": "on"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.publication.status == PublicationStatus.PUBLISHED
    client.force_login(world.unit_lead)
    assert client.get(url).status_code == 403


def test_a_deputy_writing_a_suggestion_sees_published_replies_of_other_deputies_as_similar_cases(world, reply):
    """Deputies see their own suggestions only; a reply published on the portal is for anyone, so the deputy's
    form shows it (with a link to the portal page) — not before publication, not after withdrawal, and staff, who
    see the suggestion itself, do not get it twice."""
    from renda.insights import history
    from renda.insights.services import similar_in_scope

    history.clear_caches()
    congress, text = world.tree.congress_a, "修缮甲村道路：甲村至镇道路破损严重，请予修缮"

    def sources(user) -> list[str]:
        return [c.source for c in similar_in_scope(user=user, congress=congress, text=text)]

    assert "published" not in sources(world.other_deputy)
    p = pub.publication_prepare(actor=world.clerk_a, reply=reply)
    assert "published" not in sources(world.other_deputy)  # a draft is not public
    p = pub.publication_publish(actor=world.clerk_a, publication=p, title=p.title, text=p.text, checked=True)
    found = similar_in_scope(user=world.other_deputy, congress=congress, text=text)
    assert [(c.source, c.pk) for c in found] == [("published", p.pk)]
    assert found[0].match.reply == p.text and "13812345678" not in found[0].match.reply
    assert found[0].match.text == "修缮甲村道路"  # the suggestion's title, without 关于《…》的答复 round it
    html = Client()
    html.force_login(world.other_deputy)
    panel = html.post("/insights/assist/", {"title": "修缮甲村道路", "content": text, "congress": congress.pk})
    assert f"/suggestions/public/{p.pk}/" in panel.content.decode()
    assert sources(world.lead) == ["suggestion"]  # the lead sees the suggestion itself, once
    assert "published" not in sources(world.clerk_a)
    pub.publication_withdraw(actor=world.clerk_a, publication=p, reason="内容有误")
    assert "published" not in sources(world.other_deputy)
    history.clear_caches()


def test_the_title_is_prepared_and_checked_for_personal_data_as_the_text_is(world, reply):
    """The published title is public too: a suggestion titled with a phone number is drafted masked, and a title
    typed back with one is refused by name of field and kind."""
    from renda.suggestions.models import Reply, Suggestion

    Suggestion.objects.filter(pk=reply.suggestion_id).update(title="关于13912345678反映的甲村道路问题")
    p = pub.publication_prepare(actor=world.clerk_a, reply=Reply.objects.get(pk=reply.pk))
    assert "13912345678" not in p.title and "*" * 11 in p.title and "甲村道路问题" in p.title
    with pytest.raises(Invalid) as exc:
        pub.publication_publish(actor=world.clerk_a, publication=p, title="关于13912345678反映的甲村道路问题",
                                text=p.text, checked=True)
    assert exc.value.fields["title"] == ["标题中仍有手机号码，请删除"] and "text" not in exc.value.fields
    p.refresh_from_db()
    assert p.status == PublicationStatus.DRAFT


@pytest.mark.parametrize("written, kind", [
    ("联系电话 +86 139 1234 5678", "手机号码"),
    ("联系电话 １３９１２３４５６７８", "手机号码"),  # typed with a Chinese input method
    ("身份证 430102800101123", "身份证号"),  # the old 15-digit number
    ("座机 0731 8888 6666", "固定电话"),
])
def test_the_check_knows_personal_data_as_lists_mask_it(world, reply, written, kind):
    """Publication reads personal data as core.masking does for lists and the portal: before, a mobile number
    written with spaces or in full-width digits, or a 15-digit ID number, passed the check."""
    p = pub.publication_prepare(actor=world.clerk_a, reply=reply)
    with pytest.raises(Invalid) as exc:
        pub.publication_publish(actor=world.clerk_a, publication=p, title=p.title, text=f"道路已修缮。{written}",
                                checked=True)
    assert exc.value.fields["text"] == [f"公开文本中仍有{kind}，请删除"]
    assert pub.personal_data_found(pub.redact(written)) == [] and "*" * 11 in pub.redact(written)


def test_numbers_that_are_no_personal_data_do_not_block_publication_and_the_draft_keeps_its_writing(world, reply):
    """A work order or an old registration number of 15 digits is no ID number (no province code and date of birth
    in it), so the check lets it through; the draft masks what it must and leaves full-width dates as written."""
    text = "１２３４５热线工单号202605031234567已办结，该公司（注册号430100000012345）已于２０２６年５月３日整改。"
    assert pub.personal_data_found(text) == []
    assert pub.redact(text) == text
    assert pub.redact("２０２６年５月３日，电话１３９１２３４５６７８") == "２０２６年５月３日，电话" + "*" * 11
    p = pub.publication_prepare(actor=world.clerk_a, reply=reply)
    p = pub.publication_publish(actor=world.clerk_a, publication=p, title=p.title, text=text, checked=True)
    assert p.status == PublicationStatus.PUBLISHED
