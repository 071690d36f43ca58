"""Outside channels a notification is carried through, besides the inbox.

A channel is any class with a `name`, a Chinese `label` and `send(notification) -> DeliveryOutcome`; the list
in use is settings.NOTIFICATION_CHANNELS (dotted paths), by default email alone. An SMS gateway or WeCom
(企业微信) adapter is one more class of this shape, added to that list: nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from renda.notifications.models import DeliveryStatus, Notification

DEFAULT_CHANNELS = ("renda.notifications.channels.EmailChannel",)


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str
    detail: str = ""


@runtime_checkable
class Channel(Protocol):
    name: str
    label: str

    def send(self, notification: Notification) -> DeliveryOutcome:
        """Deliver or say why not; raising counts as a failure and is recorded, never propagated."""
        ...


class EmailChannel:
    name = "email"
    label = "电子邮件"

    def send(self, notification: Notification) -> DeliveryOutcome:
        address = getattr(notification.recipient, "email", "")
        if not address:
            return DeliveryOutcome(DeliveryStatus.SKIPPED, "接收人未登记电子邮箱")
        body = notification.body
        if notification.link:
            body = f"{body}\n\n请登录人大履职服务平台查看：{notification.link}".strip()
        send_mail(f"【人大履职服务平台】{notification.title}", body, settings.DEFAULT_FROM_EMAIL, [address])
        return DeliveryOutcome(DeliveryStatus.SENT, address)


@cache
def _load(paths: tuple[str, ...]) -> tuple[Channel, ...]:
    loaded = []
    for path in paths:
        channel = import_string(path)()
        if not isinstance(channel, Channel):
            raise TypeError(f"{path} is not a notification channel")
        loaded.append(channel)
    return tuple(loaded)


def active_channels() -> tuple[Channel, ...]:
    return _load(tuple(getattr(settings, "NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)))
