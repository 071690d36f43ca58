"""Constituents' opinions (群众意见) and the reminders and escalations of their reply deadline (有诉必复)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q

from renda.core.crypto import EncryptedCharField
from renda.core.masking import mask_text, masker, secrets_in
from renda.core.models import VersionedModel
from renda.liaison.codes import format_code


class Channel(models.TextChoices):
    RECEPTION = "reception", "接待日登记"
    ONLINE = "online", "网上留言"
    PHONE = "phone", "电话"
    LETTER = "letter", "来信来访"


class OpinionStatus(models.TextChoices):
    RECEIVED = "received", "已登记"
    ACCEPTED = "accepted", "办理中"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    ASSIGNED = "assigned", "已转办"
    TO_SUGGESTION = "to_suggestion", "已转为代表建议"
    MERGED = "merged", "已合并办理"
    REPLIED = "replied", "已答复"
    REOPENED = "reopened", "重新办理"
    CLOSED = "closed", "已办结"


class NotAcceptedReason(models.TextChoices):
    """Matters the congress does not take up (DOMAIN.md §4): they belong to a court or an arbitration body."""

    LITIGATION = "litigation", "已进入诉讼程序"
    ARBITRATION = "arbitration", "已进入仲裁程序"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class JudgedVia(models.TextChoices):
    """How the constituent's judgment reached the platform: on the portal by themself, or told to a clerk who
    called them back or met them (回访) and recorded it."""

    PORTAL = "portal", "网上评价"
    PHONE = "phone", "电话回访"
    VISIT = "visit", "当面回访"


class Opinion(VersionedModel):
    """One opinion of a constituent. The name and phone are sealed at rest and never leave in a public response;
    the tracking code is what the constituent holds instead of an account."""

    tracking_code = models.CharField("查询码", max_length=16, unique=True)
    congress = models.ForeignKey("organizations.Congress", on_delete=models.PROTECT, related_name="opinions")
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="opinions",
                               verbose_name="所属区域")
    station = models.ForeignKey("liaison.Station", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="opinions", verbose_name="联络站")
    reception = models.ForeignKey("liaison.Reception", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="opinions", verbose_name="接待记录")
    activity = models.ForeignKey("liaison.Activity", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="opinions", verbose_name="议政活动")
    channel = models.CharField("来源", max_length=16, choices=Channel.choices)
    category = models.CharField("分类", max_length=50, blank=True)
    # whether a staff member chose or confirmed the category (registered it, or 受理): only then is it a label the
    # text engine learns from (insights.history) — the portal lets anyone pick one, and nobody has checked it yet
    category_checked = models.BooleanField("分类已确认", default=False)
    content = models.TextField("内容")
    constituent_name = EncryptedCharField("群众姓名", blank=True, default="")
    constituent_phone = EncryptedCharField("群众电话", blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    judged_via = models.CharField("评价方式", max_length=8, choices=JudgedVia.choices, blank=True, default="")
    # tries at the portal's 评价 that asked for the phone, on the local day `judge_tries_on` (services.public):
    # kept here, not in a cache, so that every worker counts them and a restart does not forget them
    judge_tries = models.PositiveSmallIntegerField(default=0)
    judge_tries_on = models.DateField(null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=OpinionStatus.choices, default=OpinionStatus.RECEIVED,
                              db_index=True)
    received_at = models.DateTimeField("登记时间")
    deadline = models.DateField("答复期限", db_index=True)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="opinions_responsible", verbose_name="责任人")
    unit = models.ForeignKey("organizations.HandlingUnit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="opinions", verbose_name="承办单位")
    # 跟进代表: the deputy who took the matter in (at a reception) or was asked to follow it with the constituent
    deputy = models.ForeignKey("deputies.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="opinions_followed", verbose_name="跟进代表")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_opinions", verbose_name="合并到",
                                    help_text="同一诉求的另一条意见：本条随其办理，答复同时送达")
    suggestion = models.ForeignKey("suggestions.Suggestion", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="opinions", verbose_name="转成的代表建议")
    not_accepted_reason = models.CharField("不予受理原因", max_length=16, choices=NotAcceptedReason.choices,
                                           blank=True)
    status_note = models.CharField("说明", max_length=500, blank=True)
    reply_text = models.TextField("答复内容", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_on_the_spot = models.BooleanField("当场答复", default=False)
    satisfaction = models.CharField("群众评价", max_length=24, choices=Satisfaction.choices, blank=True)
    satisfaction_comment = models.CharField("评价意见", max_length=500, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重新办理次数", default=0)
    escalated_at = models.DateTimeField("逾期督办时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    published = models.BooleanField("公开答复", default=False)
    public_summary = models.CharField("公开摘要", max_length=300, blank=True,
                                      help_text="公开时显示的问题摘要，须去除任何个人信息")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "群众意见"
        verbose_name_plural = "群众意见"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="not_accepted") | ~Q(not_accepted_reason=""),
                name="opinion_not_accepted_has_reason"),
            models.CheckConstraint(condition=~Q(status="assigned") | Q(unit__isnull=False),
                                   name="opinion_assigned_has_unit"),
            models.CheckConstraint(condition=~Q(status="replied") | ~Q(reply_text=""),
                                   name="opinion_replied_has_text"),
            models.CheckConstraint(condition=~Q(status="to_suggestion") | Q(suggestion__isnull=False),
                                   name="opinion_to_suggestion_has_suggestion"),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="opinion_status_deadline")]

    def __str__(self) -> str:
        return f"群众意见 {self.code}"

    def masked(self, text: str) -> str:
        """`text` about this opinion (its content, reply, note, summary) as lists, exports, panels and the portal show
        it: the writer's own name and phone, and anything like a phone or ID number, masked (core.masking.mask_text);
        in a list made by masked_together, also the names and phones of its copies' writers that the letter names."""
        together = getattr(self, "_listed_with", None)
        return together(text) if together else mask_text(text, self.constituent_name, self.constituent_phone)

    @staticmethod
    def masked_together(opinions: Iterable[Opinion], *, copies: bool = True) -> list[Opinion]:
        """The opinions of one list, each masking its texts (masked, listed_content) with the name and phone of the
        writer of every copy of it — the opinions of the same content: a letter signed by several people is
        registered once per signer, and each copy masked with its own writer's name alone showed the other signers'
        names, in a list of all of them and in one that shows a single copy (a review's finding, the twenty-first
        session). `copies`: look up the copies of the same congresses that are not in the list (one query); without,
        the list holds them all (a township's month of opinions). Another writer's name is masked only in the copies
        of their own letter: 高峰 who wrote one must not turn everyone's 早高峰期 into 早高*期."""
        listed = list(opinions)
        secrets: dict[tuple[int, str], list[str | None]] = {}
        for o in listed:
            secrets.setdefault((o.congress_id, o.content), []).extend((o.constituent_name, o.constituent_phone))
        if copies and listed:
            others = (Opinion.objects.filter(congress_id__in={o.congress_id for o in listed},
                                             content__in=list({o.content for o in listed}))
                      .exclude(pk__in=[o.pk for o in listed]).only("congress_id", "content", "constituent_name",
                                                                     "constituent_phone"))
            for other in others:  # the query pairs every listed congress with every listed content: keep the pairs
                found = secrets.get((other.congress_id, other.content))
                if found is not None:
                    found.extend((other.constituent_name, other.constituent_phone))
        # the copies' writers as the letter names them, once per letter: a campaign of 5,000 copies of a form
        # letter that names nobody adds nothing to compile
        named = {key: secrets_in(key[1], found) for key, found in secrets.items()}
        for o in listed:  # its own writer's name and phone wherever they appear, and those
            o.__dict__["_listed_with"] = masker(o.constituent_name, o.constituent_phone,
                                                *named[(o.congress_id, o.content)])  # not a field
        return listed

    @property
    def listed_content(self) -> str:
        """The content as lists show it (masked); the opinion's own page shows it whole."""
        return self.masked(self.content)

    @property
    def code(self) -> str:
        """The tracking code as people read it out and as the portal shows it: ABCD-EFGH-JKMN."""
        return format_code(self.tracking_code)

    @property
    def masked_code(self) -> str:
        """The code as a handling unit reads it (ABCD-****-****): enough to name the opinion to the clerk, not
        enough to open it on the portal or judge the answer there (liaison.selectors.reads_code_masked)."""
        return format_code(self.tracking_code[:4] + "*" * (len(self.tracking_code) - 4))


class OpinionAlertKind(models.TextChoices):
    REMINDER = "reminder", "到期提醒"
    ESCALATION = "escalation", "逾期督办"


class OpinionAlert(models.Model):
    """A reminder before an opinion's deadline or an escalation after it, once per deadline and offset: the
    unique constraint lets the daily job run twice without sending twice."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField("类型", max_length=16, choices=OpinionAlertKind.choices)
    deadline = models.DateField("针对的答复期限")
    days_before = models.SmallIntegerField("提前天数", default=0, help_text="逾期督办为 0")
    office = models.CharField("责任部门", max_length=50)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name="提醒对象")
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "意见办理提醒"
        verbose_name_plural = "意见办理提醒"
        constraints = [
            models.UniqueConstraint(fields=["opinion", "kind", "deadline", "days_before"], name="uniq_opinion_alert"),
        ]

    def __str__(self) -> str:
        return self.message


class OpinionJudgment(models.Model):
    """Each judgment a constituent gave an opinion's reply (评价记录), in order: on the portal, or told to a clerk
    on a callback (回访, `recorded_by`). The opinion's row keeps only the judgment of the reply it shows; these keep
    the ones before, which a new reply clears from the row (services.opinions.judgment_cleared)."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="judgments")
    judged_at = models.DateTimeField("评价时间")
    satisfaction = models.CharField("群众评价", max_length=24, choices=Satisfaction.choices)
    comment = models.CharField("评价意见", max_length=500, blank=True)
    via = models.CharField("评价方式", max_length=8, choices=JudgedVia.choices)
    reopened = models.BooleanField("因此重新办理", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="记录人")  # as elsewhere: the audit names them

    class Meta:
        ordering = ["judged_at", "id"]
        verbose_name = "群众评价记录"
        verbose_name_plural = "群众评价记录"

    def __str__(self) -> str:
        return f"{self.opinion} {self.get_satisfaction_display()}（{self.get_via_display()}）"
