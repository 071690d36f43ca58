"""Elections (选举) at a session: the office and its seats, candidates and who nominated them, the oath."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from renda.core.models import VersionedModel


class OfficeKind(models.TextChoices):
    """What the competitive ratio (差额) depends on [setting per office]."""

    HEAD = "head", "正职（人大主席、乡镇长等）"
    DEPUTY_HEAD = "deputy_head", "副职（副主席、副乡镇长等）"
    INDIRECT = "indirect", "间接选举（上一级人大代表）"
    OTHER = "other", "其他（如主席团成员，可等额）"


class ElectionStatus(models.TextChoices):
    NOMINATING = "nominating", "提名中"
    BALLOTING = "balloting", "投票中"
    COMPLETED = "completed", "已完成"


class Election(VersionedModel):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="elections")
    agenda_item = models.ForeignKey("meetings.AgendaItem", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="elections")
    office = models.CharField("职务", max_length=100)
    office_kind = models.CharField("职务类别", max_length=16, choices=OfficeKind.choices)
    seats = models.PositiveSmallIntegerField("应选名额")
    status = models.CharField("状态", max_length=16, choices=ElectionStatus.choices,
                              default=ElectionStatus.NOMINATING)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = "选举"
        verbose_name_plural = "选举"
        constraints = [models.CheckConstraint(condition=models.Q(seats__gte=1), name="election_has_seats")]

    def __str__(self) -> str:
        return f"选举{self.office}"


class NominationSource(models.TextChoices):
    PRESIDIUM = "presidium", "主席团提名"
    DEPUTIES = "deputies", "代表联合提名"
    WRITE_IN = "write_in", "另选他人"


class CandidateStatus(models.TextChoices):
    NOMINATED = "nominated", "候选人"
    ELECTED = "elected", "当选"
    WITHDRAWN = "withdrawn", "退出"


class Candidate(models.Model):
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="candidates")
    name = models.CharField("姓名", max_length=50)
    person = models.ForeignKey("deputies.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="candidacies")
    source = models.CharField("提名方式", max_length=16, choices=NominationSource.choices)
    status = models.CharField("状态", max_length=16, choices=CandidateStatus.choices,
                              default=CandidateStatus.NOMINATED)
    elected_in = models.ForeignKey("meetings.Vote", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="elected")

    class Meta:
        ordering = ["election", "id"]
        verbose_name = "候选人"
        verbose_name_plural = "候选人"
        constraints = [models.UniqueConstraint(fields=["election", "name"], name="uniq_candidate_name")]

    def __str__(self) -> str:
        return self.name


class Nominator(models.Model):
    """A deputy who signed a joint nomination (代表联合提名): ten or more distinct deputies [law]."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="nominators")
    person = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "person"], name="uniq_nominator")]


class RoundCandidate(models.Model):
    """Who is on the ballot of one round."""

    vote = models.ForeignKey("meetings.Vote", on_delete=models.CASCADE, related_name="round_candidates")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="rounds")

    class Meta:
        ordering = ["vote", "candidate_id"]
        constraints = [models.UniqueConstraint(fields=["vote", "candidate"], name="uniq_round_candidate")]


class Oath(models.Model):
    """宪法宣誓 of an elected person, recorded by the clerk."""

    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="oath")
    taken_on = models.DateField("宣誓日期")
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="oaths")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "宪法宣誓"
        verbose_name_plural = "宪法宣誓"
