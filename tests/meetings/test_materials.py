"""Documents to read before a meeting and notices with read receipts (issue 5, What to build 1), in the API and
on pages, scoped like the meetings: staff of the region and the meeting's members; others get 404. Every change
is audited — publishing, and a member's first reading of a notice."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from renda.core.errors import Invalid
from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.meetings import services
from renda.meetings.models import Document, Notice, NoticeReceipt
from tests.factories import UserFactory
from tests.helpers import api_client
from tests.meetings.util import deputy_user, hall, make_deputies

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_staff_publish_documents_and_notices_members_read_them_and_outsiders_get_404(tree):
    h = hall(tree, 3, start=False)
    staff = api_client(h.clerk)
    mid = h.meeting.pk
    item = services.agenda_item_add(actor=h.clerk, meeting=h.meeting, kind="budget", title="预算报告")
    r = post(staff, f"/api/v1/meetings/{mid}/documents", {"title": "2026年预算草案", "body": "收入……支出……",
                                                           "agenda_item": item.pk})
    assert r.status_code == 200, r.content
    doc = r.json()
    assert (doc["title"], doc["agenda_item"], doc["file_url"]) == ("2026年预算草案", item.pk, None)
    assert Document.objects.get(pk=doc["id"]).meeting_id == mid
    entry = AuditEntry.objects.get(action="document.add")
    assert json.loads(entry.after)["title"] == "2026年预算草案" and entry.actor_id == h.clerk.pk

    r = post(staff, f"/api/v1/meetings/{mid}/notices", {"title": "开会通知", "body": "3月10日上午9时开会"})
    assert r.status_code == 200, r.content
    notice = r.json()
    assert (notice["read"], notice["read_at"]) == (0, None)
    assert AuditEntry.objects.filter(action="notice.publish", object_id=str(notice["id"])).exists()

    member = api_client(h.user(h.deputies[0]))
    assert [d["id"] for d in member.get(f"/api/v1/meetings/{mid}/documents").json()["items"]] == [doc["id"]]
    assert member.get(f"/api/v1/documents/{doc['id']}").json()["body"] == "收入……支出……"
    assert member.get(f"/api/v1/meetings/{mid}/notices").json()["count"] == 1
    assert post(member, f"/api/v1/meetings/{mid}/notices", {"title": "x", "body": "y"}).status_code == 403

    other_town = make_deputies(tree.term_b, 1, prefix="乙镇代表")[0]
    outsider = api_client(deputy_user(other_town))
    other_clerk = api_client(UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b))
    for client in (outsider, other_clerk):
        assert client.get(f"/api/v1/meetings/{mid}/documents").status_code == 404
        assert client.get(f"/api/v1/documents/{doc['id']}").status_code == 404
        assert client.get(f"/api/v1/notices/{notice['id']}").status_code == 404
    assert post(outsider, f"/api/v1/notices/{notice['id']}/read").status_code == 404
    assert post(other_clerk, f"/api/v1/meetings/{mid}/documents", {"title": "x", "body": "y"}).status_code == 404
    assert not NoticeReceipt.objects.exists()


def test_a_read_receipt_is_written_once_audited_and_listed_for_the_clerk(tree):
    h = hall(tree, 3, start=False)
    notice = services.notice_publish(actor=h.clerk, meeting=h.meeting, title="开会通知", body="请准时参加")
    reader = api_client(h.user(h.deputies[1]))
    assert reader.get(f"/api/v1/notices/{notice.pk}").json()["read_at"] is None, "reading the text is not a receipt"
    first = post(reader, f"/api/v1/notices/{notice.pk}/read")
    assert first.status_code == 200, first.content
    again = post(reader, f"/api/v1/notices/{notice.pk}/read")
    assert again.json()["read_at"] == first.json()["read_at"], "the first reading's time stands"
    assert NoticeReceipt.objects.filter(notice=notice).count() == 1
    entries = AuditEntry.objects.filter(action="notice.read")
    assert entries.count() == 1 and json.loads(entries[0].after)["person"] == h.deputies[1].pk
    assert reader.get(f"/api/v1/notices/{notice.pk}").json()["read_at"] == first.json()["read_at"]
    assert reader.get(f"/api/v1/meetings/{h.meeting.pk}/notices").json()["items"][0]["read_at"] == \
        first.json()["read_at"]
    other_member = api_client(h.user(h.deputies[0]))
    assert other_member.get(f"/api/v1/meetings/{h.meeting.pk}/notices").json()["items"][0]["read_at"] is None

    staff = api_client(h.clerk)
    listing = staff.get(f"/api/v1/notices/{notice.pk}/receipts").json()
    assert (listing["members"], listing["read"]) == (3, 1)
    assert [r["read_at"] is None for r in listing["receipts"]] == [True, True, False], "unread first"
    assert staff.get(f"/api/v1/meetings/{h.meeting.pk}/notices").json()["items"][0]["read"] == 1
    assert reader.get(f"/api/v1/notices/{notice.pk}/receipts").status_code == 403

    page = Client()
    page.force_login(h.clerk)
    text = page.get(f"/meetings/notices/{notice.pk}/receipts/").content.decode()
    assert "已读 1 / 3 人" in text and h.deputies[1].name in text


def test_only_members_leave_a_receipt_and_a_cancelled_meeting_takes_no_more_notices(tree):
    h = hall(tree, 3, start=False)
    notice = services.notice_publish(actor=h.clerk, meeting=h.meeting, title="开会通知", body="请准时参加")
    stranger = make_deputies(tree.term_b, 1, prefix="乙镇代表")[0]
    with pytest.raises(Invalid) as err:
        services.notice_read(notice=notice, person=stranger)
    assert err.value.code == "not_a_member" and not NoticeReceipt.objects.exists()
    services.meeting_cancel(actor=h.clerk, meeting=h.meeting)
    with pytest.raises(Invalid) as err:
        services.notice_publish(actor=h.clerk, meeting=h.meeting, title="补充通知", body="……")
    assert err.value.code == "meeting_cancelled" and Notice.objects.count() == 1
    with pytest.raises(Invalid):
        services.document_add(actor=h.clerk, meeting=h.meeting, title="空材料", body="")


def test_an_attachment_is_served_only_to_those_who_see_the_meeting(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    h = hall(tree, 3, start=False)
    content = b"%PDF-1.4 " + "预算内容".encode()
    upload = SimpleUploadedFile("预算草案.pdf", content, content_type="application/pdf")
    doc = services.document_add(actor=h.clerk, meeting=h.meeting, title="预算草案", file=upload)
    assert json.loads(AuditEntry.objects.get(action="document.add").after)["file"] == doc.file.name
    member = Client()
    member.force_login(h.user(h.deputies[0]))
    response = member.get(f"/meetings/documents/{doc.pk}/file/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == content
    assert api_client(h.user(h.deputies[0])).get(f"/api/v1/documents/{doc.pk}").json()["file_url"] == \
        f"/meetings/documents/{doc.pk}/file/"
    outsider = Client()
    outsider.force_login(deputy_user(make_deputies(tree.term_b, 1, prefix="乙镇代表")[0]))
    assert outsider.get(f"/meetings/documents/{doc.pk}/file/").status_code == 404


def test_staff_upload_an_attachment_by_the_api_and_a_wrong_or_disguised_file_is_refused(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    h = hall(tree, 3, start=False)
    staff = api_client(h.clerk)
    url = f"/api/v1/meetings/{h.meeting.pk}/documents/upload"
    item = services.agenda_item_add(actor=h.clerk, meeting=h.meeting, kind="budget", title="预算报告")
    table = b"PK\x03\x04" + b"xlsx body"
    r = staff.post(url, {"title": "2026年预算表", "agenda_item": item.pk,
                         "file": SimpleUploadedFile("预算表.xlsx", table)})
    assert r.status_code == 200, r.content
    doc = r.json()
    assert (doc["title"], doc["agenda_item"], doc["body"]) == ("2026年预算表", item.pk, "")
    member = Client()
    member.force_login(h.user(h.deputies[0]))
    assert b"".join(member.get(doc["file_url"]).streaming_content) == table

    for name, content, reason in [("议程.txt", b"text", "仅支持 .pdf 和 .docx 和 .xlsx"),
                                  ("报告.pdf", b"MZ not a pdf", "文件已损坏或类型不符")]:
        refused = staff.post(url, {"title": "材料", "file": SimpleUploadedFile(name, content)})
        assert refused.status_code == 422, refused.content
        assert refused.json()["fields"]["file"][0].startswith(reason)
    assert staff.post(url, {"title": "材料"}).status_code == 422  # no file
    deputy = api_client(h.user(h.deputies[0]))
    assert deputy.post(url, {"title": "材料", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}).status_code == 403
    assert Document.objects.count() == 1
