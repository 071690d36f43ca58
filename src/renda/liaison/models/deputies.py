"""What a deputy does at and around their stations, recorded by the deputy themself on a phone (代表联络履职记录):
a visit, a follow-up of an opinion they follow, a reception. The performance area may read it; nothing here is
published."""

from __future__ import annotations

from django.db import models


class WorkKind(models.TextChoices):
    FOLLOW_UP = "follow_up", "跟进群众意见"
    VISIT = "visit", "走访选民"
    RECEPTION = "reception", "进站接待"
    OTHER = "other", "其他"


class DeputyWork(models.Model):
    person = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="liaison_work",
                               verbose_name="代表")
    kind = models.CharField("类型", max_length=16, choices=WorkKind.choices)
    date = models.DateField("日期")
    text = models.TextField("做了什么")
    station = models.ForeignKey("liaison.Station", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="deputy_work", verbose_name="联络站")
    opinion = models.ForeignKey("liaison.Opinion", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="deputy_work", verbose_name="群众意见")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "代表联络履职记录"
        verbose_name_plural = "代表联络履职记录"
        indexes = [models.Index(fields=["person", "date"], name="deputy_work_person_date")]

    def __str__(self) -> str:
        return f"{self.person} · {self.date} · {self.get_kind_display()}"
