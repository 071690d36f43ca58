from __future__ import annotations

import re

from django.db import models
from django.db.models import Q

from renda.core.models import VersionedModel


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（区、市）"
    TOWNSHIP = "township", "乡镇"
    STREET = "street", "街道"
    VILLAGE = "village", "村（居）"


# Which level may sit under which (a development zone merged with a town is a township: 区镇合一).
CHILD_LEVELS: dict[str, set[str]] = {
    RegionLevel.PROVINCE: {RegionLevel.CITY},
    RegionLevel.CITY: {RegionLevel.COUNTY},
    RegionLevel.COUNTY: {RegionLevel.TOWNSHIP, RegionLevel.STREET},
    RegionLevel.TOWNSHIP: {RegionLevel.VILLAGE},
    RegionLevel.STREET: {RegionLevel.VILLAGE},
    RegionLevel.VILLAGE: set(),
}


class Region(models.Model):
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=16, choices=RegionLevel.choices)
    code = models.CharField("行政区划代码", max_length=12, blank=True, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = "行政区域"
        verbose_name_plural = "行政区域"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="uniq_region_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_within(self, other: Region) -> bool:
        return self.path.startswith(other.path)

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]


class Congress(models.Model):
    """The people's congress of a region (a street has none: its 人大工委 is a Body of the county)."""

    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="congress")
    name = models.CharField("名称", max_length=100)

    class Meta:
        ordering = ["region__path"]
        verbose_name = "人民代表大会"
        verbose_name_plural = "人民代表大会"

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> str:
        return self.region.level

    def current_term(self) -> Term | None:
        return self.terms.filter(is_current=True).first()


class Term(models.Model):
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField("届次")
    election_date = models.DateField("选举日期", null=True, blank=True)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("届满日期", null=True, blank=True)
    is_current = models.BooleanField("本届", default=False)

    class Meta:
        ordering = ["congress", "-number"]
        verbose_name = "届"
        verbose_name_plural = "届"
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="uniq_term_number"),
            models.UniqueConstraint(fields=["congress"], condition=Q(is_current=True),
                                    name="uniq_current_term"),
        ]

    def __str__(self) -> str:
        return f"{self.congress.name}第{self.number}届"


class BodyKind(models.TextChoices):
    STANDING_COMMITTEE = "standing_committee", "常务委员会"
    CHAIRPERSONS_MEETING = "chairpersons_meeting", "主任会议"
    PRESIDIUM = "presidium", "主席团"
    STREET_COMMITTEE = "street_committee", "街道人大工作委员会"
    WORKING_COMMITTEE = "working_committee", "工作委员会"


class Body(models.Model):
    """A standing committee, chairpersons' meeting, presidium or working committee and its members."""

    kind = models.CharField("类型", max_length=32, choices=BodyKind.choices)
    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="bodies")
    congress = models.ForeignKey(Congress, null=True, blank=True, on_delete=models.PROTECT, related_name="bodies")
    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.PROTECT, related_name="bodies")

    class Meta:
        ordering = ["region__path", "kind"]
        verbose_name = "机构"
        verbose_name_plural = "机构"

    def __str__(self) -> str:
        return self.name


class MemberPost(models.TextChoices):
    CHAIR = "chair", "主任/主席"
    VICE_CHAIR = "vice_chair", "副主任/副主席"
    SECRETARY = "secretary", "秘书长/秘书"
    MEMBER = "member", "委员/成员"


class BodyMember(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("deputies.Person", on_delete=models.PROTECT, related_name="body_memberships")
    post = models.CharField("职务", max_length=16, choices=MemberPost.choices, default=MemberPost.MEMBER)
    since = models.DateField("任职日期", null=True, blank=True)
    until = models.DateField("离任日期", null=True, blank=True)

    class Meta:
        ordering = ["body", "post", "id"]
        verbose_name = "机构成员"
        verbose_name_plural = "机构成员"
        constraints = [
            models.UniqueConstraint(fields=["body", "person"], condition=Q(until__isnull=True),
                                    name="uniq_active_body_member"),
        ]

    def __str__(self) -> str:
        return f"{self.body} · {self.person}"


class UnitKind(models.TextChoices):
    GOVERNMENT_DEPARTMENT = "government_department", "政府部门"
    TOWNSHIP_GOVERNMENT = "township_government", "乡镇人民政府"
    TOWNSHIP_STATION = "township_station", "乡镇站所"
    COURT = "court", "人民法院"
    PROCURATORATE = "procuratorate", "人民检察院"
    SUPERVISORY_COMMISSION = "supervisory_commission", "监察委员会"
    OTHER = "other", "其他单位"


def unit_names(name: str, other_names: str) -> list[str]:
    """A unit's current name, then its other names written with 顿号, commas, semicolons or line breaks, each once."""
    out = [name]
    for other in re.split(r"[、,，;；\n]+", other_names):
        if (other := other.strip()) and other not in out:
            out.append(other)
    return out


class HandlingUnit(VersionedModel):
    """承办单位: answers suggestions and opinions assigned to it, and sees nothing else."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=32, choices=UnitKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units")
    active = models.BooleanField("在用", default=True)
    contact = models.CharField("联系人", max_length=50, blank=True)
    duties = models.TextField("主要职责", blank=True,
                              help_text="职责事项，以顿号、逗号或换行分隔，如“公路建设养护、道路运输、公交线路”；"
                                        "智能分办把每一项作为本单位的标注样本一同学习")
    other_names = models.TextField("曾用名、简称", blank=True,
                                   help_text="机构改革前的名称和常用简称，以顿号、逗号或换行分隔，如“县卫生和计划生育局、"
                                             "县卫计局”；导入往年台账时，写这些名称的行也归入本单位。改名时原名称自动记入")

    def clean(self) -> None:
        """An other name that is a unit's current name in the same region would never be used: the current name
        wins when a ledger is imported (insights.archive), so it is refused here."""
        from django.core.exceptions import ValidationError

        taken = set(HandlingUnit.objects.filter(region_id=self.region_id, name__in=self.names()[1:])
                    .exclude(pk=self.pk).values_list("name", flat=True)) if self.region_id else set()
        if taken:
            message = f"“{'、'.join(sorted(taken))}”是本区域另一个单位现在的名称，不能作为本单位的曾用名或简称"
            raise ValidationError({"other_names": message})

    def names(self) -> list[str]:
        """The unit's current name, then its other names (曾用名、简称), each once."""
        return unit_names(self.name, self.other_names)

    class Meta:
        ordering = ["region__path", "kind", "name"]
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="uniq_unit_name_in_region")]

    def __str__(self) -> str:
        return self.name


class CongressSetting(models.Model):
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="settings")
    key = models.CharField(max_length=100)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["congress", "key"], name="uniq_congress_setting")]
