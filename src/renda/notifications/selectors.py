from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet

from renda.core.scope import get_or_404
from renda.notifications.models import Notification


def inbox(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def access_notification_by_id(*, user: Any, notification_id: int) -> Notification:
    """One's own messages only; another's looks missing."""
    return get_or_404(inbox(user=user), pk=notification_id)


def receipts_for(obj: models.Model) -> QuerySet[Notification]:
    """Who was told about an object and when they read it — for the pages of those who may see the object."""
    return (Notification.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
            .select_related("recipient").order_by("-created_at", "-id"))
