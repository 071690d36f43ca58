"""China's official working-day calendar (法定节假日与调休), as data an administrator extends each year.

The State Council publishes each year's schedule in the autumn before. Years the `chinese-calendar` package knows
are seeded from it; a later year is entered by hand (services.calendar_year_save). A year without a CalendarYear
row is "unknown": deadlines then count weekends only and carry a visible warning (calendar.calendar_warning).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    MAKEUP_WORKDAY = "makeup_workday", "调休上班"


class CalendarSource(models.TextChoices):
    PACKAGE = "package", "chinese-calendar 软件包"
    MANUAL = "manual", "管理员录入"


class CalendarYear(models.Model):
    """One year whose official schedule is entered: the table of that year is complete and can be trusted."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("来源", max_length=16, choices=CalendarSource.choices)
    source_detail = models.CharField("来源说明", max_length=200, blank=True,
                                     help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="录入人")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "节假日安排年度"
        verbose_name_plural = "节假日安排年度"

    def __str__(self) -> str:
        return f"{self.year}年"


class Holiday(models.Model):
    """A day that differs from the weekend rule: a weekday off (or a weekend day inside a holiday), or a
    weekend day worked in exchange (调休上班)."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=16, choices=DayKind.choices)
    name = models.CharField("节日", max_length=50)
    source = models.CharField("来源", max_length=16, choices=CalendarSource.choices)

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"

    def __str__(self) -> str:
        return f"{self.date} {self.name}（{self.get_kind_display()}）"
