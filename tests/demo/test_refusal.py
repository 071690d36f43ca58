"""The demo county loads only where DEMO is allowed (RENDA_DEBUG=1 or RENDA_DEMO=1)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from renda.core.models import AuditEntry
from renda.organizations.models import Region


@pytest.mark.django_db
@override_settings(DEMO_ALLOWED=False)
def test_seed_demo_refuses_when_demo_is_not_allowed():
    with pytest.raises(CommandError) as exc:
        call_command("seed_demo")
    assert "RENDA_DEMO=1" in str(exc.value) and "演示数据" in str(exc.value)
    assert not Region.objects.exists()
    assert not AuditEntry.objects.filter(action="demo.seed").exists()
