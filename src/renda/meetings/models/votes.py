"""Votes (表决), their ballots, participation, paper tallies and sealed results.

Secrecy is a property of the schema, not of the code that reads it: a secret ballot row (SecretBallot,
ElectionBallot) has a random UUID key, no deputy, no time and no sequence; who took part is written to
Participation in the same transaction, and its unique (vote, person) is what allows one ballot per deputy.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from renda.core.models import VersionedModel


class VoteKind(models.TextChoices):
    RESOLUTION = "resolution", "表决"
    SATISFACTION = "satisfaction", "满意度测评"
    ELECTION = "election", "选举"


class VoteMode(models.TextChoices):
    ELECTRONIC = "electronic", "电子表决"
    PAPER = "paper", "纸质票（人工计票）"


class VoteStatus(models.TextChoices):
    DRAFT = "draft", "未开始"
    OPEN = "open", "表决中"
    CLOSED = "closed", "已结束"


class ShowResults(models.TextChoices):
    AFTER_CLOSE = "after_close", "表决结束后显示"
    LIVE = "live", "表决中实时显示"


class Choice(models.TextChoices):
    YES = "yes", "赞成"
    NO = "no", "反对"
    ABSTAIN = "abstain", "弃权"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


CHOICES_OF_KIND: dict[str, list[str]] = {
    VoteKind.RESOLUTION: list(Choice.values),
    VoteKind.SATISFACTION: list(Satisfaction.values),
    VoteKind.ELECTION: list(Choice.values),
}
CHOICE_LABELS: dict[str, str] = {**dict(Choice.choices), **dict(Satisfaction.choices)}


class Vote(VersionedModel):
    """One round of one question. A re-vote is a new Vote pointing to the round it repeats; the old stays."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="votes")
    agenda_item = models.ForeignKey("meetings.AgendaItem", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="votes")
    election = models.ForeignKey("meetings.Election", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="rounds")
    kind = models.CharField("类型", max_length=16, choices=VoteKind.choices, default=VoteKind.RESOLUTION)
    mode = models.CharField("方式", max_length=16, choices=VoteMode.choices, default=VoteMode.ELECTRONIC)
    title = models.CharField("表决事项", max_length=200)
    secret = models.BooleanField("无记名", default=False)
    round = models.PositiveSmallIntegerField("轮次", default=1)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="next_round", verbose_name="上一轮")
    seats = models.PositiveSmallIntegerField("本轮应选名额", null=True, blank=True)
    status = models.CharField("状态", max_length=8, choices=VoteStatus.choices, default=VoteStatus.DRAFT,
                              db_index=True)
    show_results = models.CharField("结果显示", max_length=16, choices=ShowResults.choices,
                                    default=ShowResults.AFTER_CLOSE)
    closes_at = models.DateTimeField("自动结束时间", null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Frozen at opening (OpenSlides): N, the basis of the threshold, and who was signed in.
    eligible_count = models.PositiveIntegerField(null=True, blank=True)
    present_at_open = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = "表决"
        verbose_name_plural = "表决"
        constraints = [
            models.CheckConstraint(condition=~Q(kind="election") | Q(election__isnull=False, seats__gte=1),
                                   name="election_vote_has_election_and_seats"),
            models.UniqueConstraint(fields=["meeting"], condition=Q(status="open"), name="one_open_vote_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.round}轮）" if self.round > 1 else self.title

    @property
    def choices(self) -> list[str]:
        return CHOICES_OF_KIND[self.kind]


class VoteEligible(models.Model):
    """The voters of a round, frozen when it opens: later changes to the roster do not move the threshold."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="eligible")
    person = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "person"], name="uniq_vote_eligible")]


class Participation(models.Model):
    """That a deputy voted in a round (never how): the unique constraint is the one-ballot-per-deputy rule."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="participations")
    person = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="vote_participations")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "person"], name="uniq_participation")]


class SecretBallot(models.Model):
    """无记名票: a random key, the choice and the hash of the voter's receipt — nothing that names or orders it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="secret_ballots")
    choice = models.CharField(max_length=24)
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]


class NamedBallot(models.Model):
    """记名票: who voted what and when, public to the meeting."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="named_ballots")
    person = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="named_ballots")
    choice = models.CharField(max_length=24)
    cast_at = models.DateTimeField()
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["vote", "person__name"]
        constraints = [models.UniqueConstraint(fields=["vote", "person"], name="uniq_named_ballot")]


class ElectionBallot(models.Model):
    """选票 of an election round (always secret): a mark per candidate and the names written in (另选他人)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="election_ballots")
    marks = models.JSONField(default=dict)  # {"<candidate id>": "yes" | "no" | "abstain"}
    write_ins = models.JSONField(default=list)  # names
    valid = models.BooleanField(default=True)
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]


class PaperTally(models.Model):
    """One hand count of the paper ballots of a round. Two people enter it separately; the round closes only on
    two agreeing entries by two different people. A discarded pair stays, marked, for the record."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="paper_tallies")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued = models.PositiveIntegerField("发出票数")
    returned = models.PositiveIntegerField("收回票数")
    invalid = models.PositiveIntegerField("无效票数", default=0)
    counts = models.JSONField(default=dict)
    entered_at = models.DateTimeField(auto_now_add=True)
    discarded = models.BooleanField(default=False)

    class Meta:
        ordering = ["vote", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "entered_by"], condition=Q(discarded=False),
                                    name="uniq_paper_tally_per_person"),
        ]

    def figures(self) -> dict[str, Any]:
        return {"issued": self.issued, "returned": self.returned, "invalid": self.invalid, "counts": self.counts}


class ResultQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("a sealed result is never edited")


class VoteResult(models.Model):
    """The sealed result of a closed round. `payload` is the canonical JSON of everything the result says,
    `seal` its SHA-256; both are written once (the model refuses updates, PostgreSQL refuses them by trigger),
    and the seal also goes into the hash-chained audit log."""

    vote = models.OneToOneField(Vote, primary_key=True, on_delete=models.PROTECT, related_name="result")
    counts = models.JSONField(default=dict)
    eligible = models.PositiveIntegerField()
    present = models.PositiveIntegerField()
    voted = models.PositiveIntegerField()
    threshold = models.PositiveIntegerField()
    passed = models.BooleanField()
    void = models.BooleanField(default=False)
    basis_code = models.CharField(max_length=40)
    basis = models.CharField(max_length=300)
    receipts = models.JSONField(default=list)
    payload = models.TextField()
    seal = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = "表决结果"
        verbose_name_plural = "表决结果"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("a sealed result is never edited")
        super().save(*args, **kwargs)
