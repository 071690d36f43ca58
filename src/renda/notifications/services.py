"""Sending notifications (inbox row now, outside channels after commit) and read receipts.

Reading a message is a receipt, not a change to anyone's data: it is stored on the row (read_at), not audited.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django_tasks import task

from renda.notifications.channels import active_channels
from renda.notifications.models import Delivery, DeliveryStatus, Notification

logger = logging.getLogger("renda.notifications")


def notify(*, users: Iterable[Any], kind: str, title: str, body: str = "", link: str = "",
           obj: models.Model | None = None, dedupe_key: str = "") -> list[Notification]:
    """Write one inbox row per user (once per dedupe_key when given) in the caller's transaction; outside
    channels are used only after it commits, so a rolled-back action sends nothing."""
    created: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not getattr(user, "is_active", True):
            continue
        seen.add(user.pk)
        row = Notification(recipient=user, kind=kind, title=title[:200], body=body, link=link[:300],
                           object_type=obj._meta.label_lower if obj is not None else "",
                           object_id=str(obj.pk) if obj is not None else "", dedupe_key=dedupe_key)
        if dedupe_key:
            if Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists():
                continue
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:  # another worker sent the same reminder a moment ago
                continue
        else:
            row.save()
        created.append(row)
    if created:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: deliver.enqueue(ids))
    return created


@task()
def deliver(notification_ids: list[int]) -> dict[str, int]:
    """Carry each notification through every active channel; record each attempt. A failing channel is
    recorded and logged; it never stops the others."""
    counts: dict[str, int] = {}
    channels = active_channels()
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related("recipient"):
        for channel in channels:
            try:
                outcome = channel.send(notification)
                status, detail = outcome.status, outcome.detail
            except Exception as exc:  # a gateway's failure is data, not a crash
                logger.warning("channel %s failed for notification %s: %s", channel.name, notification.pk, exc)
                status, detail = DeliveryStatus.FAILED, str(exc)[:300]
            Delivery.objects.create(notification=notification, channel=channel.name, status=status,
                                    detail=detail[:300])
            counts[status] = counts.get(status, 0) + 1
    return counts


def notification_read(*, user: Any, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionError("a receipt belongs to its recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_read_all(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
