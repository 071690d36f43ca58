"""Stations (联络站/代表之家/工作室), the deputies assigned to them (编组进站), their reception schedules as
iCalendar recurrence rules with exceptions, the deputies on duty, and the record of each reception day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from renda.core.models import VersionedModel


class StationKind(models.TextChoices):
    CENTRAL = "central", "中心联络站"
    VILLAGE = "village", "村（居）联络站"
    WORKROOM = "workroom", "代表工作室"


class Station(VersionedModel):
    """A liaison station. `region` is where it sits (a township for a central station, a village for a village
    station); `villages` are the villages and communities it serves besides its own."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=StationKind.choices)
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="stations",
                               verbose_name="所在区域")
    congress = models.ForeignKey("organizations.Congress", on_delete=models.PROTECT, related_name="stations",
                                 verbose_name="所属人大")
    villages = models.ManyToManyField("organizations.Region", blank=True, related_name="served_by_stations",
                                      verbose_name="联系村（居）")
    address = models.CharField("地址", max_length=200)
    opening_hours = models.CharField("开放时间", max_length=200, blank=True)
    phone = models.CharField("联系电话（公开）", max_length=30, blank=True,
                             help_text="联络站的办公电话，会在公众页面公开；请勿填写个人手机")
    six_haves = models.JSONField("“六有”达标情况", default=dict, blank=True)
    active = models.BooleanField("在用", default=True)

    class Meta:
        ordering = ["region__path", "kind", "name"]
        verbose_name = "代表联络站"
        verbose_name_plural = "代表联络站"
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="uniq_station_name_in_region")]

    def __str__(self) -> str:
        return self.name


class StationDeputy(models.Model):
    """编组进站: a deputy (any level) assigned to a station; ended assignments stay as history."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="station_assignments")
    since = models.DateField("进站日期")
    until = models.DateField("离站日期", null=True, blank=True)

    class Meta:
        ordering = ["station", "person__name"]
        verbose_name = "进站代表"
        verbose_name_plural = "进站代表"
        constraints = [
            models.UniqueConstraint(fields=["station", "person"], condition=Q(until__isnull=True),
                                    name="uniq_active_station_deputy"),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.person}"


class ReceptionSchedule(VersionedModel):
    """A station's reception days as an RFC 5545 recurrence rule (e.g. FREQ=MONTHLY;BYMONTHDAY=1,11,21) from
    `starts_on`, with the time and place of each reception."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="schedules")
    title = models.CharField("名称", max_length=100, default="代表接待日")
    rule = models.CharField("重复规则（RRULE）", max_length=300)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期", null=True, blank=True)
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    place = models.CharField("地点", max_length=200, blank=True, help_text="留空则为联络站地址")
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("在用", default=True)

    class Meta:
        ordering = ["station", "starts_on", "id"]
        verbose_name = "接待日安排"
        verbose_name_plural = "接待日安排"
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")),
                                   name="schedule_ends_after_start"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="schedule_ends_on_after_starts_on"),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.title}"


class ExceptionKind(models.TextChoices):
    CANCEL = "cancel", "取消"
    MOVE = "move", "改期"
    ADD = "add", "加开"


class ScheduleException(models.Model):
    """A holiday or other exception: a reception day cancelled (EXDATE), moved (EXDATE + RDATE) or added (RDATE)."""

    schedule = models.ForeignKey(ReceptionSchedule, on_delete=models.CASCADE, related_name="exceptions")
    kind = models.CharField("类型", max_length=8, choices=ExceptionKind.choices)
    date = models.DateField("原定日期", null=True, blank=True)
    new_date = models.DateField("新日期", null=True, blank=True)
    reason = models.CharField("原因", max_length=200)

    class Meta:
        ordering = ["schedule", "date", "new_date"]
        verbose_name = "接待日调整"
        verbose_name_plural = "接待日调整"
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="cancel", date__isnull=False, new_date__isnull=True)
                           | Q(kind="move", date__isnull=False, new_date__isnull=False)
                           | Q(kind="add", date__isnull=True, new_date__isnull=False)),
                name="schedule_exception_dates_match_kind"),
            models.UniqueConstraint(fields=["schedule", "date"], condition=Q(date__isnull=False),
                                    name="uniq_exception_per_original_date"),
            models.UniqueConstraint(fields=["schedule", "new_date"], condition=Q(new_date__isnull=False),
                                    name="uniq_exception_per_new_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date or ''}→{self.new_date or ''}"


class DutyAssignment(models.Model):
    """A deputy on duty at one reception day of a schedule (the actual date, after any move)."""

    schedule = models.ForeignKey(ReceptionSchedule, on_delete=models.CASCADE, related_name="duties")
    date = models.DateField("接待日期", db_index=True)
    person = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="reception_duties")

    class Meta:
        ordering = ["date", "person__name"]
        verbose_name = "值班代表"
        verbose_name_plural = "值班代表"
        constraints = [models.UniqueConstraint(fields=["schedule", "date", "person"], name="uniq_duty")]

    def __str__(self) -> str:
        return f"{self.date} · {self.person}"


class Reception(VersionedModel):
    """The record of one reception day: who received, how many came, what was raised (each matter an Opinion)."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="receptions")
    schedule = models.ForeignKey(ReceptionSchedule, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="receptions")
    date = models.DateField("接待日期", db_index=True)
    place = models.CharField("地点", max_length=200, blank=True)
    deputies_present = models.ManyToManyField("deputies.Person", related_name="receptions_attended",
                                              verbose_name="到场代表")
    visitors = models.PositiveIntegerField("接待群众人次", default=0)
    summary = models.TextField("接待情况", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "接待记录"
        verbose_name_plural = "接待记录"
        constraints = [models.UniqueConstraint(fields=["station", "date"], name="uniq_reception_per_station_day")]

    def __str__(self) -> str:
        return f"{self.station} · {self.date}"
