"""The demo county loads only where DEMO is allowed (RENDA_DEBUG=1 or RENDA_DEMO=1), and never over existing
accounts of the same names."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.organizations.models import Region
from tests.factories import UserFactory


@pytest.mark.django_db
@override_settings(DEMO_ALLOWED=False)
def test_seed_demo_refuses_when_demo_is_not_allowed():
    with pytest.raises(CommandError) as exc:
        call_command("seed_demo")
    assert "RENDA_DEMO=1" in str(exc.value) and "演示数据" in str(exc.value)
    assert not Region.objects.exists()
    assert not AuditEntry.objects.filter(action="demo.seed").exists()


@pytest.mark.django_db
@override_settings(DEMO_ALLOWED=True)
def test_seed_demo_refuses_when_a_demo_login_name_is_taken():
    UserFactory(username="admin", role=Role.SYSTEM_ADMIN)
    with pytest.raises(CommandError) as exc:
        call_command("seed_demo")
    assert "admin" in str(exc.value) and "已存在" in str(exc.value)
    assert not Region.objects.filter(name="示范县").exists()
