"""Deliberation activities (代表议政) and deputy-voter meetings (代表与选民见面会), seed 002: topic → notice to the
stations a month ahead → publication → the meeting → suggestions collected and handed over."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from renda.core.models import VersionedModel


class ActivityKind(models.TextChoices):
    DELIBERATION = "deliberation", "代表议政"
    VOTER_MEETING = "voter_meeting", "代表与选民见面会"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", "筹备中"
    NOTIFIED = "notified", "已通知"
    PUBLISHED = "published", "已公布"
    HELD = "held", "已召开"
    HANDED_OVER = "handed_over", "已交办"


class Activity(VersionedModel):
    congress = models.ForeignKey("organizations.Congress", on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField("类型", max_length=16, choices=ActivityKind.choices)
    topic = models.CharField("议题", max_length=200)
    description = models.TextField("说明", blank=True)
    stations = models.ManyToManyField("liaison.Station", blank=True, related_name="activities",
                                      verbose_name="参加的联络站")
    deputies = models.ManyToManyField("deputies.Person", blank=True, related_name="liaison_activities",
                                      verbose_name="参加代表")
    meeting_date = models.DateField("活动日期")
    place = models.CharField("地点", max_length=200, blank=True)
    status = models.CharField("状态", max_length=16, choices=ActivityStatus.choices,
                              default=ActivityStatus.PLANNED, db_index=True)
    notified_at = models.DateTimeField("通知时间", null=True, blank=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    held_at = models.DateTimeField("召开时间", null=True, blank=True)
    suggestions = models.ManyToManyField("suggestions.Suggestion", blank=True, related_name="liaison_activities",
                                         verbose_name="形成的代表建议")
    participants = models.PositiveIntegerField("参加群众人次", default=0)
    summary = models.TextField("活动情况", blank=True)
    handed_over_at = models.DateTimeField("交办时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-meeting_date", "-id"]
        verbose_name = "议政活动"
        verbose_name_plural = "议政活动"

    def __str__(self) -> str:
        return self.topic
