"""Deputy suggestions and bills (代表建议、批评和意见；议案), DOMAIN.md §3.

The status moves only through the services, checked against workflow.py. Figures the county reports (result
class, satisfaction, first reply, contact in person) are kept on the suggestion as the services write them, so
the statistics of a year are one grouped query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from renda.core.models import VersionedModel


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", "建议"
    BILL = "bill", "议案"


class Channel(models.TextChoices):
    SESSION = "session", "大会期间"
    RECESS = "recess", "闭会期间"
    ACTIVITY = "activity", "活动期间"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"
    ACCEPTED = "accepted", "已立案待交办"
    ON_AGENDA = "on_agenda", "列入会议议程"
    ASSIGNED = "assigned", "已交办"
    HANDLING = "handling", "办理中"
    REPLIED = "replied", "已答复"
    REHANDLING = "rehandling", "重新办理"
    EVALUATED = "evaluated", "已评价"
    FOLLOW_UP = "follow_up", "跟踪办理"
    CLOSED = "closed", "已办结"


class ReturnReason(models.TextChoices):
    """Why a suggestion is not admissible (不予立案), the deputy being told which."""

    PERSONAL = "personal", "涉及代表本人及其亲属的个人事务"
    LITIGATION = "litigation", "属于诉讼、仲裁中的事项"
    PETITION = "petition", "属于信访、申诉、控告、检举事项"
    NO_CONTENT = "no_content", "没有实际内容"
    JURISDICTION = "jurisdiction", "不属于本级职权范围"


class ResultClass(models.TextChoices):
    A = "A", "A类（已解决或基本解决）"
    B = "B", "B类（正在解决）"
    C = "C", "C类（列入计划逐步解决）"
    D = "D", "D类（因条件限制留作参考）"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class ContactMethod(models.TextChoices):
    MEETING = "meeting", "见面"
    PHONE = "phone", "电话"
    LETTER = "letter", "书面"


class UnitRole(models.TextChoices):
    LEAD = "lead", "主办"
    CO = "co", "协办"


class BillDecision(models.TextChoices):
    AGENDA = "agenda", "列入会议议程"
    AS_SUGGESTION = "as_suggestion", "作为建议处理"


class DecidingBody(models.TextChoices):
    PRESIDIUM = "presidium", "主席团"
    CHAIRPERSONS_MEETING = "chairpersons_meeting", "主任会议"


class Suggestion(VersionedModel):
    congress = models.ForeignKey("organizations.Congress", on_delete=models.PROTECT, related_name="suggestions",
                                 verbose_name="人民代表大会")
    # The congress's region path, copied so that "in my region" is one indexed prefix match on this table.
    region_path = models.CharField(max_length=255, editable=False)
    # The township (or street) where the lead deputy was elected, for the county's figures by township.
    township = models.ForeignKey("organizations.Region", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="所在乡镇")
    number = models.CharField("编号", max_length=20, blank=True)
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.SUGGESTION)
    channel = models.CharField("提出途径", max_length=16, choices=Channel.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    category = models.CharField("领域分类", max_length=50, blank=True)
    lead_deputy = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="suggestions_led",
                                    verbose_name="领衔代表")
    year = models.PositiveSmallIntegerField("年度")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    # 代录: a paper suggestion a clerk entered on the deputy's behalf; the deputy stays its author
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="代录人")
    # review
    accepted_on = models.DateField("立案日期", null=True, blank=True)
    return_reason = models.CharField("退回理由", max_length=20, choices=ReturnReason.choices, blank=True)
    review_note = models.TextField("审查意见", blank=True)
    assign_due = models.DateField("应交办日期", null=True, blank=True)
    # bills: the presidium's / chairpersons' meeting's decision
    bill_decision = models.CharField("议案处理决定", max_length=16, choices=BillDecision.choices, blank=True)
    bill_decided_by = models.CharField("决定机构", max_length=24, choices=DecidingBody.choices, blank=True)
    bill_decision_reason = models.TextField("决定理由", blank=True)
    bill_decided_on = models.DateField("决定日期", null=True, blank=True)
    converted_from_bill = models.BooleanField("由议案转为建议", default=False)
    # merged for handling: the members follow the primary's assignment, each is still answered
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_members", verbose_name="并案办理主件")
    # assignment and deadlines
    lead_unit = models.ForeignKey("organizations.HandlingUnit", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="suggestions_led", verbose_name="主办单位")
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    deadline = models.DateField("答复期限", null=True, blank=True)
    deadline_basis = models.CharField("期限依据", max_length=100, blank=True)
    deadline_warning = models.CharField("期限提示", max_length=300, blank=True)
    extension_reason = models.TextField("延期理由", blank=True)
    overdue_since = models.DateField("超期日期", null=True, blank=True)
    escalated_on = models.DateField("督促日期", null=True, blank=True)
    # outcome, kept as it happens
    first_replied_on = models.DateField("首次答复日期", null=True, blank=True)
    result_class = models.CharField("办理结果", max_length=1, choices=ResultClass.choices, blank=True)
    satisfaction = models.CharField("代表评价", max_length=24, choices=Satisfaction.choices, blank=True)
    met_in_person = models.BooleanField("已见面沟通", default=False)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    key_supervised = models.BooleanField("重点督办", default=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = "代表建议"
        verbose_name_plural = "代表建议"
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], condition=~Q(number=""),
                                    name="uniq_suggestion_number"),
            models.CheckConstraint(condition=Q(kind="suggestion") | Q(channel="session"),
                                   name="bill_only_at_session"),
        ]
        indexes = [
            # opclasses make the prefix match (LIKE '/1/4/%') use the index on PostgreSQL; SQLite ignores them.
            models.Index(fields=["region_path", "status"], name="sugg_scope_idx",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            # The figures of a year read only these columns: on PostgreSQL an index-only scan.
            models.Index(fields=["year", "region_path"], name="sugg_year_scope_idx",
                         opclasses=["int2_ops", "varchar_pattern_ops"],
                         include=["id", "status", "kind", "lead_unit", "township", "category", "channel",
                                  "first_replied_on", "met_in_person", "satisfaction", "result_class",
                                  "overdue_since", "deadline", "key_supervised"]),
            models.Index(fields=["lead_unit", "status"], name="sugg_unit_idx"),
            models.Index(fields=["status", "deadline"], name="sugg_deadline_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number or '草稿'} {self.title}"[:200]


class CoSigner(models.Model):
    """附议: a deputy the lead deputy asked to sign; counted for a bill once they confirm."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="cosigners")
    person = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="cosigned")
    added_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField("确认附议时间", null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["suggestion", "person"], name="uniq_cosigner")]


class Assignment(models.Model):
    """One unit's part in handling one suggestion: the lead unit (one active at a time) or a co-unit."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("organizations.HandlingUnit", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField("角色", max_length=8, choices=UnitRole.choices)
    active = models.BooleanField(default=True)
    assigned_on = models.DateField("交办日期")
    accept_due = models.DateField("退回期限", null=True, blank=True)
    accepted_on = models.DateField("签收日期", null=True, blank=True)
    returned_on = models.DateField("退回日期", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    opinion_due = models.DateField("协办意见期限", null=True, blank=True)
    opinion = models.TextField("协办意见", blank=True)
    opinion_on = models.DateField("协办意见日期", null=True, blank=True)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "unit"], condition=Q(active=True),
                                    name="uniq_active_assignment"),
            models.UniqueConstraint(fields=["suggestion"], condition=Q(active=True, role="lead"),
                                    name="uniq_active_lead_unit"),
        ]
        indexes = [models.Index(fields=["unit", "active"], name="assignment_unit_idx")]


class Contact(models.Model):
    """The unit's contact with the deputy while handling (见面/电话/书面); 见面率 counts the first kind."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="contacts")
    unit = models.ForeignKey("organizations.HandlingUnit", on_delete=models.PROTECT, related_name="+")
    method = models.CharField("方式", max_length=16, choices=ContactMethod.choices)
    contacted_on = models.DateField("日期")
    note = models.TextField("情况", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["contacted_on", "id"]


class ReplyKind(models.TextChoices):
    FIRST = "first", "答复"
    REHANDLING = "rehandling", "重新办理答复"
    FOLLOW_UP = "follow_up", "跟踪办理答复"


class Reply(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey("organizations.HandlingUnit", on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField("轮次")
    kind = models.CharField("类型", max_length=16, choices=ReplyKind.choices)
    result_class = models.CharField("办理结果", max_length=1, choices=ResultClass.choices)
    text = models.TextField("答复内容")
    letter = models.FileField("答复函", upload_to="suggestions/replies/%Y/", blank=True)
    replied_on = models.DateField("答复日期")
    due = models.DateField("应答复日期", null=True, blank=True)
    late = models.BooleanField("超期答复", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["round"]
        constraints = [models.UniqueConstraint(fields=["suggestion", "round"], name="uniq_reply_round")]


class Evaluation(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="evaluations")
    reply = models.OneToOneField(Reply, on_delete=models.CASCADE, related_name="evaluation")
    deputy = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="+")
    satisfaction = models.CharField("评价", max_length=24, choices=Satisfaction.choices)
    comment = models.TextField("意见", blank=True)
    evaluated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evaluated_at", "id"]


class SuggestionEvent(models.Model):
    """The suggestion's own timeline, shown to everyone who may see it (the audit log is the auditor's)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
    event = models.CharField(max_length=20)
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


from renda.suggestions.models.publication import Publication, PublicationStatus  # noqa: E402
from renda.suggestions.models.supervision import (  # noqa: E402  (models of the supervision subdomain)
    AssignmentMeeting,
    ProgressKind,
    SupervisionCard,
    SupervisionProgress,
)

__all__ = [
    "Assignment", "AssignmentMeeting", "BillDecision", "Channel", "CoSigner", "Contact", "ContactMethod",
    "DecidingBody", "Evaluation", "Kind", "ProgressKind", "Publication", "PublicationStatus", "Reply", "ReplyKind",
    "ResultClass", "ReturnReason", "Satisfaction", "Status", "Suggestion", "SuggestionEvent", "SupervisionCard",
    "SupervisionProgress", "UnitRole",
]
