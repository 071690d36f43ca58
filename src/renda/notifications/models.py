"""The platform inbox: one row per recipient, with its read receipt, and the record of each outside delivery."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", verbose_name="接收人")
    kind = models.CharField("类型", max_length=64)  # a stable code, e.g. "suggestion.assigned"
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    # The object the message is about, so its page can show who has read it (read receipts).
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # A reminder is sent once per recipient and purpose ("suggestion:12:reminder:15:2026-06-01").
    dedupe_key = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "通知"
        verbose_name_plural = "通知"
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""),
                                    name="uniq_notification_dedupe"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx"),
            models.Index(fields=["object_type", "object_id"], name="notification_object_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class DeliveryStatus(models.TextChoices):
    SENT = "sent", "已发送"
    SKIPPED = "skipped", "未发送（无联系方式）"
    FAILED = "failed", "发送失败"


class Delivery(models.Model):
    """One attempt to carry a notification through an outside channel (email now; SMS or WeCom later)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("渠道", max_length=32)
    status = models.CharField("结果", max_length=16, choices=DeliveryStatus.choices)
    detail = models.CharField("说明", max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "通知发送记录"
        verbose_name_plural = "通知发送记录"
