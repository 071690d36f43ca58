from __future__ import annotations

from typing import Any

from django.db import models


class VersionedModel(models.Model):
    """Every object that can change carries a version: a stale form or API call is refused, never merged."""

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEntry(models.Model):
    """One state change or reveal: who, in which role, from where, what, before → after.

    Append-only (the model refuses updates and deletes; on PostgreSQL a trigger refuses them too) and
    hash-chained: each entry's hash covers its content and the previous entry's hash, so
    `manage.py audit_verify` finds an altered or removed entry.
    """

    seq = models.BigAutoField(primary_key=True)
    chain = models.PositiveSmallIntegerField(default=1)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.TextField(blank=True, default="")
    after = models.TextField(blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditHead(models.Model):
    """The last link of one chain, updated in the same transaction as each entry: it serialises the writers of
    that chain and lets the verifier notice a removed last entry, which the chain alone cannot.

    The log is several interleaved chains (renda.core.audit.CHAINS), so that audited writes of different
    requests do not all queue behind one row lock through their commit."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)


class PlatformSetting(models.Model):
    """A value of a platform-wide setting (security policy); congress settings live on the congress."""

    key = models.CharField(max_length=100, unique=True)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)


class ScheduledRun(models.Model):
    """One run of a periodic job in one time slot; the unique constraint lets several schedulers run without
    enqueuing a job twice."""

    job = models.CharField(max_length=100)
    slot = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="uniq_scheduled_run_slot")]
