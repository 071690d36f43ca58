"""往年案例: a congress's suggestions and opinions of the years before the platform, imported from its ledgers
(台账) so that the text engine learns from them and shows them as similar cases from the first day (see
insights.archive)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from renda.organizations.models import Congress, HandlingUnit


class ArchiveKind(models.TextChoices):
    SUGGESTION = "suggestion", "代表建议"
    OPINION = "opinion", "群众意见"


class ArchiveImport(models.Model):
    """One imported file: what was imported, by whom and when; deleting it deletes its cases."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="archive_imports")
    kind = models.CharField("类型", max_length=16, choices=ArchiveKind.choices)
    file_name = models.CharField("文件名", max_length=200)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    rows = models.PositiveIntegerField("导入条数", default=0)
    skipped = models.PositiveIntegerField("未导入的行数", default=0)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_kind_display()} {self.rows} 条）"


class ArchivedCase(models.Model):
    batch = models.ForeignKey(ArchiveImport, on_delete=models.CASCADE, related_name="cases")
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="archived_cases")
    kind = models.CharField("类型", max_length=16, choices=ArchiveKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    number = models.CharField("原编号", max_length=50, blank=True)
    title = models.CharField("标题", max_length=300, blank=True)
    content = models.TextField("内容", blank=True)
    category = models.CharField("领域分类", max_length=50, blank=True)
    unit = models.ForeignKey(HandlingUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="主办单位")
    reply = models.TextField("答复内容", blank=True)
    digest = models.CharField(max_length=64, db_index=True)  # archive.digest: the same case twice

    class Meta:
        indexes = [models.Index(fields=["congress", "kind", "digest"])]

    def __str__(self) -> str:
        return self.title or self.content[:30]

    @property
    def text(self) -> str:
        return f"{self.title} {self.content}".strip()
