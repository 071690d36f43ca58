from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from renda.core.crypto import EncryptedCharField
from renda.core.models import VersionedModel


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Party(models.TextChoices):
    CPC = "cpc", "中共党员"
    PROBATIONARY = "cpc_probationary", "中共预备党员"
    CYL = "cyl", "共青团员"
    DEMOCRATIC = "democratic", "民主党派"
    NONE = "none", "群众"


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专/高中"
    JUNIOR = "junior", "初中及以下"


class Occupation(models.TextChoices):
    """职业构成类别 as deputy lists report it."""

    WORKER = "worker", "工人"
    FARMER = "farmer", "农民"
    PROFESSIONAL = "professional", "专业技术人员"
    CADRE = "cadre", "党政干部"
    ENTERPRISE = "enterprise", "企业负责人"
    MILITARY = "military", "解放军"
    OTHER = "other", "其他"


class Person(VersionedModel):
    """A person who holds (or held) one or more deputy mandates, or sits on a body."""

    name = models.CharField("姓名", max_length=50, db_index=True)
    name_initials = models.CharField("拼音首字母", max_length=50, blank=True, db_index=True)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期", null=True, blank=True)
    party = models.CharField("政治面貌", max_length=20, choices=Party.choices, default=Party.NONE)
    education = models.CharField("文化程度", max_length=20, choices=Education.choices, blank=True)
    occupation = models.CharField("职业构成", max_length=20, choices=Occupation.choices, default=Occupation.OTHER)
    organization_post = models.CharField("工作单位及职务", max_length=200, blank=True)
    id_number = EncryptedCharField("身份证号", blank=True, default="")
    id_number_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    phone = EncryptedCharField("手机号码", blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    address = models.CharField("住址", max_length=200, blank=True)
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="people",
                               verbose_name="所在区域")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "人员"
        verbose_name_plural = "人员"
        constraints = [
            models.UniqueConstraint(fields=["id_number_hash"], condition=~Q(id_number_hash=""),
                                    name="uniq_person_id_number"),
        ]

    def __str__(self) -> str:
        return self.name


class ElectoralDistrict(models.Model):
    congress = models.ForeignKey("organizations.Congress", on_delete=models.PROTECT, related_name="districts")
    name = models.CharField("选区名称", max_length=100)
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="districts",
                               verbose_name="所在区域")
    villages = models.ManyToManyField("organizations.Region", blank=True, related_name="covering_districts",
                                      verbose_name="覆盖村（居）")
    seats = models.PositiveSmallIntegerField("应选名额", default=1)

    class Meta:
        ordering = ["congress", "name"]
        verbose_name = "选区"
        verbose_name_plural = "选区"
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="uniq_district_name")]

    def __str__(self) -> str:
        return self.name


class MandateStatus(models.TextChoices):
    ACTIVE = "active", "在任"
    RESIGNED = "resigned", "辞职"
    RECALLED = "recalled", "罢免"
    TERMINATED = "terminated", "终止"
    DECEASED = "deceased", "去世"
    MOVED = "moved", "调离"


class MandateQuerySet(models.QuerySet["Mandate"]):
    def in_office(self) -> MandateQuerySet:
        """Mandates in office: active, of the congress's current term. Who may sign, co-sign, be on duty at a
        station or be followed as a serving deputy."""
        return self.filter(status=MandateStatus.ACTIVE, term__is_current=True)


class Mandate(VersionedModel):
    """代表资格: one person's seat in one congress for one term."""

    objects = MandateQuerySet.as_manager()

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mandates")
    congress = models.ForeignKey("organizations.Congress", on_delete=models.PROTECT, related_name="mandates")
    term = models.ForeignKey("organizations.Term", on_delete=models.PROTECT, related_name="mandates")
    district = models.ForeignKey(ElectoralDistrict, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="mandates")
    elected_on = models.DateField("当选日期", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=MandateStatus.choices, default=MandateStatus.ACTIVE,
                              db_index=True)
    status_date = models.DateField("状态变更日期", null=True, blank=True)
    status_reason = models.CharField("变更原因", max_length=200, blank=True)

    class Meta:
        ordering = ["congress", "person__name"]
        verbose_name = "代表资格"
        verbose_name_plural = "代表资格"
        constraints = [
            models.UniqueConstraint(fields=["person", "term"], name="uniq_mandate_person_term"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.congress}"


class DeputyGroup(VersionedModel):
    """代表小组: the deputies of all levels elected in one area, grouped together (混合编组, seed 003), with a
    leader who must be one of them."""

    name = models.CharField("小组名称", max_length=100)
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="deputy_groups",
                               verbose_name="所在区域")
    leader = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="led_groups",
                               verbose_name="组长")

    class Meta:
        ordering = ["region__path", "name"]
        verbose_name = "代表小组"
        verbose_name_plural = "代表小组"
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="uniq_deputy_group_name")]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    """One mandate in one deputy group; ended memberships stay as history. A mandate is in one group at a time."""

    group = models.ForeignKey(DeputyGroup, on_delete=models.PROTECT, related_name="memberships")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="group_memberships")
    joined_on = models.DateField("加入日期", null=True, blank=True)
    left_on = models.DateField("离开日期", null=True, blank=True)

    class Meta:
        ordering = ["group", "id"]
        verbose_name = "代表小组成员"
        verbose_name_plural = "代表小组成员"
        constraints = [
            models.UniqueConstraint(fields=["mandate"], condition=Q(left_on__isnull=True),
                                    name="uniq_active_group_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.mandate}"


class ProfessionalGroup(VersionedModel):
    """代表专业组 (seed 001): deputies of one congress by field of expertise, across deputy groups."""

    congress = models.ForeignKey("organizations.Congress", on_delete=models.PROTECT,
                                 related_name="professional_groups")
    name = models.CharField("专业组名称", max_length=100)
    leader = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="led_professional_groups", verbose_name="组长")

    class Meta:
        ordering = ["congress", "name"]
        verbose_name = "代表专业组"
        verbose_name_plural = "代表专业组"
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="uniq_professional_group_name")]

    def __str__(self) -> str:
        return self.name


class ProfessionalMembership(models.Model):
    group = models.ForeignKey(ProfessionalGroup, on_delete=models.PROTECT, related_name="memberships")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="professional_memberships")
    joined_on = models.DateField("加入日期", null=True, blank=True)
    left_on = models.DateField("离开日期", null=True, blank=True)

    class Meta:
        ordering = ["group", "id"]
        verbose_name = "代表专业组成员"
        verbose_name_plural = "代表专业组成员"
        constraints = [
            models.UniqueConstraint(fields=["group", "mandate"], condition=Q(left_on__isnull=True),
                                    name="uniq_active_professional_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.mandate}"


class ImportJobStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ImportJob(models.Model):
    """One roster import (名册导入), run in-line or as a background task; the result lists every bad row.

    The uploaded file is kept, sealed like any personal data, only until the job has run."""

    congress = models.ForeignKey("organizations.Congress", on_delete=models.PROTECT, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    filename = models.CharField("文件名", max_length=200, blank=True)
    dry_run = models.BooleanField("仅检查", default=False)
    all_or_nothing = models.BooleanField("有错误则全部不导入", default=False)
    status = models.CharField("状态", max_length=16, choices=ImportJobStatus.choices,
                              default=ImportJobStatus.PENDING, db_index=True)
    stage = models.CharField("阶段", max_length=16, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    payload = EncryptedCharField(blank=True, default="")
    result = models.JSONField(default=dict, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "名册导入"
        verbose_name_plural = "名册导入"

    def __str__(self) -> str:
        return f"{self.congress} · {self.filename or self.pk}"

    @property
    def progress(self) -> int:
        """Percent of rows checked so far (0–100)."""
        if self.status == ImportJobStatus.DONE:
            return 100
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0
