"""A reply published on the public portal: the text a staff member checked, with personal data removed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "待核对"
    PUBLISHED = "published", "已公开"
    WITHDRAWN = "withdrawn", "已撤下"


class Publication(models.Model):
    reply = models.OneToOneField("suggestions.Reply", on_delete=models.CASCADE, related_name="publication")
    status = models.CharField("状态", max_length=16, choices=PublicationStatus.choices,
                              default=PublicationStatus.DRAFT)
    title = models.CharField("公开标题", max_length=200)
    text = models.TextField("公开文本")
    due = models.DateField("应公开日期", null=True, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="核对人")
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    withdrawn_reason = models.CharField("撤下理由", max_length=300, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "答复公开"
        verbose_name_plural = "答复公开"
        indexes = [models.Index(fields=["status", "published_at"], name="publication_public_idx")]

    def __str__(self) -> str:
        return self.title
