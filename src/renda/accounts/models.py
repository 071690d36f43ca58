from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from renda.core.roles import ADMIN_ROLES, Role


class User(AbstractUser):
    """An account: one role, the region it works in, and for a unit user or a deputy, whose account it is."""

    role = models.CharField("角色", max_length=32, choices=Role.choices)
    region = models.ForeignKey("organizations.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="users", verbose_name="所属区域")
    unit = models.ForeignKey("organizations.HandlingUnit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="users", verbose_name="承办单位")
    person = models.OneToOneField("deputies.Person", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="account", verbose_name="代表本人")
    display_name = models.CharField("姓名", max_length=50, blank=True)
    session_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.UNIT_USER) | models.Q(unit__isnull=False),
                name="unit_user_has_unit",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.DEPUTY) | models.Q(person__isnull=False),
                name="deputy_user_has_person",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def needs_second_factor(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""


class ApiToken(models.Model):
    """A bearer token for the API (API.md): only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
