"""重点督办: the year's key supervised suggestions, each with a supervising leader and a supervision card
(督办卡: responsibility, deadline, progress, feedback — seed 002), and the assignment meeting (交办会) where they
were handed to the units."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from renda.core.models import VersionedModel


class AssignmentMeeting(VersionedModel):
    """交办会: the meeting at which key suggestions are handed over, with the units' heads present."""

    congress = models.ForeignKey("organizations.Congress", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    held_on = models.DateField("会议日期")
    place = models.CharField("地点", max_length=200, blank=True)
    chaired_by = models.CharField("主持人", max_length=100, blank=True)
    attendees = models.TextField("参会单位和人员", blank=True)
    notes = models.TextField("会议要求", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "重点建议交办会"
        verbose_name_plural = "重点建议交办会"

    def __str__(self) -> str:
        return f"{self.year}年重点建议交办会（{self.held_on}）"


class SupervisionCard(VersionedModel):
    """督办卡 of one key supervised suggestion."""

    suggestion = models.OneToOneField("suggestions.Suggestion", on_delete=models.CASCADE,
                                      related_name="supervision_card")
    year = models.PositiveSmallIntegerField("年度")
    leader = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="supervised_cards",
                               verbose_name="督办领导")
    leader_post = models.CharField("督办领导职务", max_length=100, blank=True)
    responsibility = models.TextField("督办责任")
    requirements = models.TextField("办理要求", blank=True)
    deadline = models.DateField("办结时限")
    meeting = models.ForeignKey(AssignmentMeeting, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="cards", verbose_name="交办会")
    selected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["year", "id"]
        verbose_name = "督办卡"
        verbose_name_plural = "督办卡"

    def __str__(self) -> str:
        return f"督办卡 · {self.suggestion}"


class ProgressKind(models.TextChoices):
    PROGRESS = "progress", "办理进展"
    FEEDBACK = "feedback", "办结反馈"
    SUPERVISION = "supervision", "督办情况"


class SupervisionProgress(models.Model):
    card = models.ForeignKey(SupervisionCard, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField("类型", max_length=16, choices=ProgressKind.choices)
    text = models.TextField("内容")
    recorded_on = models.DateField("日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["recorded_on", "id"]
