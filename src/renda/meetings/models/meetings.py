"""Sessions (次会议), meetings, their agenda, documents, notices, leave requests and attendance."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from renda.core.models import VersionedModel
from renda.organizations.models import BodyKind


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SessionKind(models.TextChoices):
    REGULAR = "regular", "例会"
    EXTRAORDINARY = "extraordinary", "临时会议"


class ConvenedBy(models.TextChoices):
    """Who called an extraordinary session (临时会议), 地方组织法: the body that sets the session dates decides it —
    the presidium of a township congress, the standing committee of a county one — or one fifth of the deputies
    request it."""

    PRESIDIUM = "presidium", "主席团决定"
    STANDING_COMMITTEE = "standing_committee", "常委会决定"
    DEPUTIES = "deputies", "五分之一以上代表提议"


class Session(VersionedModel):
    """次会议: one sitting of a congress (e.g. 第二十届人民代表大会第三次会议), held over one or more days."""

    congress = models.ForeignKey("organizations.Congress", on_delete=models.PROTECT, related_name="sessions")
    term = models.ForeignKey("organizations.Term", on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField("会次")
    kind = models.CharField("类型", max_length=16, choices=SessionKind.choices, default=SessionKind.REGULAR)
    title = models.CharField("名称", max_length=200)
    starts_on = models.DateField("开幕日期")
    ends_on = models.DateField("闭幕日期")
    # an extraordinary session only: who called it, the decision or request it rests on, and the requesting deputies
    convened_by = models.CharField("召集依据", max_length=24, choices=ConvenedBy.choices, blank=True)
    basis = models.CharField("决定或提议", max_length=200, blank=True, help_text="决定的文号、日期或提议书的名称")
    requesters = models.ManyToManyField("deputies.Person", blank=True, related_name="requested_sessions",
                                        verbose_name="提议代表")

    class Meta:
        ordering = ["congress", "-starts_on"]
        verbose_name = "会议（次）"
        verbose_name_plural = "会议（次）"
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="uniq_session_number_in_term"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class MeetingKind(models.TextChoices):
    PREPARATORY = "preparatory", "预备会议"
    PRESIDIUM = "presidium", "主席团会议"
    PLENARY = "plenary", "全体会议"
    GROUP = "group", "分组审议"
    PRESIDIUM_RECESS = "presidium_recess", "闭会期间主席团会议"
    STANDING_COMMITTEE = "standing_committee", "常委会会议"
    CHAIRPERSONS = "chairpersons", "主任会议"


# Meetings held within a session, and meetings whose members are a body's members rather than all deputies.
SESSION_KINDS = frozenset({MeetingKind.PREPARATORY, MeetingKind.PRESIDIUM, MeetingKind.PLENARY, MeetingKind.GROUP})
BODY_OF_KIND: dict[str, str] = {
    MeetingKind.PRESIDIUM: BodyKind.PRESIDIUM,
    MeetingKind.PRESIDIUM_RECESS: BodyKind.PRESIDIUM,
    MeetingKind.STANDING_COMMITTEE: BodyKind.STANDING_COMMITTEE,
    MeetingKind.CHAIRPERSONS: BodyKind.CHAIRPERSONS_MEETING,
}
BODY_KIND_VALUES = sorted(str(k) for k in BODY_OF_KIND)
# Group deliberations (分组审议) discuss, they do not decide: no quorum is required to begin one.
QUORUM_KINDS = frozenset(set(MeetingKind.values) - {MeetingKind.GROUP})


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "筹备中"
    IN_PROGRESS = "in_progress", "进行中"
    CLOSED = "closed", "已结束"
    CANCELLED = "cancelled", "已取消"


class Meeting(VersionedModel):
    congress = models.ForeignKey("organizations.Congress", on_delete=models.PROTECT, related_name="meetings")
    term = models.ForeignKey("organizations.Term", on_delete=models.PROTECT, related_name="meetings")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings")
    body = models.ForeignKey("organizations.Body", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="meetings", verbose_name="机构")
    kind = models.CharField("会议类型", max_length=24, choices=MeetingKind.choices)
    title = models.CharField("会议名称", max_length=200)
    place = models.CharField("地点", max_length=200, blank=True)
    starts_at = models.DateTimeField("召开时间")
    status = models.CharField("状态", max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED,
                              db_index=True)
    chair = models.ForeignKey("deputies.Person", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="chaired_meetings", verbose_name="主持人")
    # Frozen when the meeting starts: how many members it had, and how many were there (the quorum's basis).
    members_at_start = models.PositiveIntegerField(null=True, blank=True)
    present_at_start = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    display_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    checkin_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = "会议"
        verbose_name_plural = "会议"
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=BODY_KIND_VALUES) & Q(body__isnull=False))
                | (~Q(kind__in=BODY_KIND_VALUES) & Q(body__isnull=True)),
                name="meeting_body_iff_body_kind"),
        ]

    def __str__(self) -> str:
        return self.title


class AgendaItemKind(models.TextChoices):
    GOVERNMENT_REPORT = "government_report", "政府工作报告"
    PRESIDIUM_REPORT = "presidium_report", "人大主席团工作报告"
    STANDING_COMMITTEE_REPORT = "standing_committee_report", "常委会工作报告"
    BUDGET = "budget", "预算及执行情况报告"
    ELECTION = "election", "选举"
    DECISION = "decision", "重大事项决定"
    BILL = "bill", "议案"
    LIVELIHOOD_PROJECTS = "livelihood_projects", "民生实事项目"
    SPECIAL_REPORT = "special_report", "专项工作报告"
    OTHER = "other", "其他"


class AgendaItemStatus(models.TextChoices):
    PENDING = "pending", "待审议"
    CURRENT = "current", "进行中"
    DONE = "done", "已结束"


class AgendaItem(VersionedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField("序号")
    kind = models.CharField("议程类型", max_length=32, choices=AgendaItemKind.choices)
    title = models.CharField("议程", max_length=200)
    status = models.CharField("状态", max_length=16, choices=AgendaItemStatus.choices,
                              default=AgendaItemStatus.PENDING)

    class Meta:
        ordering = ["meeting", "order"]
        verbose_name = "议程"
        verbose_name_plural = "议程"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="uniq_agenda_order"),
            models.UniqueConstraint(fields=["meeting"], condition=Q(status="current"), name="one_current_item"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Document(models.Model):
    """会议材料: sent to the members before the meeting to read."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="documents")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    file = models.FileField("附件", upload_to="meetings/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = "会议材料"
        verbose_name_plural = "会议材料"

    def __str__(self) -> str:
        return self.title


class Notice(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notices")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "会议通知"
        verbose_name_plural = "会议通知"

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """已读回执: one per member and notice, written the first time they open it."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    person = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="notice_receipts")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "person"], name="uniq_notice_receipt")]


class LeaveStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


class LeaveRequest(VersionedModel):
    """请假: a member who cannot attend asks beforehand; the clerk approves or refuses with a note."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="leave_requests")
    person = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="leave_requests")
    reason = models.CharField("请假事由", max_length=500)
    status = models.CharField("状态", max_length=16, choices=LeaveStatus.choices, default=LeaveStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = "请假"
        verbose_name_plural = "请假"
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="uniq_leave_request")]


class ExcusedAbsence(models.Model):
    """A leave approved outside the platform (on paper, by the presidium or the standing committee) for a whole
    session, recorded afterwards by a clerk: the absence from that session is then not "未经批准" and does not count
    towards ending the mandate (meetings/absences.py). Written once, audited; the record itself is the evidence."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="excused_absences")
    person = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="excused_absences")
    approved_by = models.CharField("批准机关或批准人", max_length=100)
    approved_on = models.DateField("批准日期")
    reason = models.CharField("请假事由及凭据", max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "id"]
        verbose_name = "补录的请假"
        verbose_name_plural = "补录的请假"
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="uniq_excused_absence")]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    ON_LEAVE = "on_leave", "请假"
    ABSENT = "absent", "缺席"


class SignInMethod(models.TextChoices):
    SELF = "self", "本人签到"
    STAFF = "staff", "工作人员代签"
    QR = "qr", "扫码签到"


class Attendance(models.Model):
    """One member at one meeting. Sign-in writes `present`; closing the meeting writes every other member as
    `on_leave` (approved leave) or `absent` — the record performance files read."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField("出席情况", max_length=16, choices=AttendanceStatus.choices)
    method = models.CharField("签到方式", max_length=8, choices=SignInMethod.choices, blank=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["meeting", "person__name"]
        verbose_name = "出席记录"
        verbose_name_plural = "出席记录"
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="uniq_attendance")]
        indexes = [models.Index(fields=["meeting", "status"])]
