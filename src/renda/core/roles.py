"""The roles of DOMAIN.md §1, each held by an account together with a region (and a unit for handling units).

One account holds one role: 三员分立 keeps the three administrators apart, and a person with two duties gets two
accounts, so what an account may do is never the union of two jobs.
"""

from django.db import models


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"
    COUNTY_STAFF = "county_staff", "县人大工作人员"
    TOWNSHIP_STAFF = "township_staff", "乡镇人大工作人员"
    UNIT_USER = "unit_user", "承办单位用户"
    DEPUTY = "deputy", "代表"


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
STAFF_ROLES = frozenset({Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF})
ALL_ROLES = frozenset(Role)
# Roles allowed to see ID numbers and phones unmasked (each reveal is audited).
REVEAL_ROLES = frozenset({Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF})
