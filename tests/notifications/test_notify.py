"""Notifications: an inbox row per recipient in the action's transaction, outside channels only after commit,
reminders once, read receipts by their recipient only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings

from renda.core.roles import Role
from renda.notifications import selectors
from renda.notifications.channels import DeliveryOutcome, _load
from renda.notifications.models import Delivery, Notification
from renda.notifications.services import notification_read, notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SENT: list[str] = []


class FakeSms:
    name = "sms"
    label = "短信"

    def send(self, notification):
        SENT.append(notification.title)
        return DeliveryOutcome("sent", "138****0000")


class BrokenGateway:
    name = "wecom"
    label = "企业微信"

    def send(self, notification):
        raise ConnectionError("gateway down")


@pytest.fixture
def people(tree):
    a = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a, email="a@example.cn")
    b = UserFactory(role=Role.COUNTY_STAFF, region=tree.county, email="")
    return a, b


def test_inbox_rows_are_written_and_email_goes_out_only_after_commit(people, django_capture_on_commit_callbacks):
    a, b = people
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notify(users=[a, b, a], kind="test.hello", title="交办通知", body="请办理", link="/inbox/")
    assert len(rows) == 2, "each recipient once"
    assert mail.outbox == [], "nothing leaves before the commit"
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["a@example.cn"]]
    assert "交办通知" in mail.outbox[0].subject and "/inbox/" in mail.outbox[0].body
    statuses = dict(Delivery.objects.values_list("notification__recipient_id", "status"))
    assert statuses == {a.pk: "sent", b.pk: "skipped"}, "no address: recorded as skipped"


def test_a_rolled_back_action_sends_nothing(people, django_capture_on_commit_callbacks):
    a, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(users=[a], kind="test.hello", title="不会发出")
                raise RuntimeError("the action failed")
        except RuntimeError:
            pass
    assert not Notification.objects.exists() and mail.outbox == []


def test_a_reminder_with_a_dedupe_key_is_sent_once(people, django_capture_on_commit_callbacks):
    a, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        assert len(notify(users=[a], kind="r", title="提醒", dedupe_key="s:1:due:15")) == 1
        assert notify(users=[a], kind="r", title="提醒", dedupe_key="s:1:due:15") == []
    assert Notification.objects.filter(recipient=a).count() == 1 and len(mail.outbox) == 1


@override_settings(NOTIFICATION_CHANNELS=["tests.notifications.test_notify.FakeSms",
                                          "tests.notifications.test_notify.BrokenGateway",
                                          "renda.notifications.channels.EmailChannel"])
def test_channels_are_pluggable_and_a_failing_one_does_not_stop_the_others(people,
                                                                          django_capture_on_commit_callbacks):
    _load.cache_clear()
    SENT.clear()
    a, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[a], kind="test.hello", title="三个渠道")
    _load.cache_clear()
    assert SENT == ["三个渠道"] and len(mail.outbox) == 1
    rows = dict(Delivery.objects.values_list("channel", "status"))
    assert rows == {"sms": "sent", "wecom": "failed", "email": "sent"}
    assert "gateway down" in Delivery.objects.get(channel="wecom").detail


def test_read_receipt_is_kept_and_only_the_recipient_can_open_a_message(client, people):
    a, b = people
    note = notify(users=[a], kind="test.hello", title="会议通知", link="/inbox/", obj=a)[0]
    client.force_login(b)
    assert client.get(f"/inbox/{note.pk}/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    client.force_login(a)
    page = client.get("/inbox/").content.decode()
    assert "会议通知" in page and 'data-testid="unread-count">1 条未读' in page
    response = client.get(f"/inbox/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    note.refresh_from_db()
    assert note.read_at is not None
    first_read = note.read_at
    notification_read(user=a, notification=note)
    note.refresh_from_db()
    assert note.read_at == first_read, "the first reading is the receipt"
    assert [n.read_at for n in selectors.receipts_for(a)] == [first_read]


def test_read_all_marks_every_unread_message(client, people):
    a, _ = people
    notify(users=[a], kind="k", title="一")
    notify(users=[a], kind="k", title="二")
    client.force_login(a)
    assert client.post("/inbox/read-all/").status_code == 302
    assert selectors.unread_count(user=a) == 0


def test_an_outside_link_is_not_followed(client, people):
    a, _ = people
    note = notify(users=[a], kind="k", title="外链", link="https://evil.example/")[0]
    client.force_login(a)
    response = client.get(f"/inbox/{note.pk}/")
    assert response.status_code == 200 and "外链" in response.content.decode()
