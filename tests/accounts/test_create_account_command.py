import io

import pytest
from django.core.management import CommandError, call_command

from renda.accounts.models import User
from renda.core.models import AuditEntry


@pytest.mark.django_db
def test_console_creates_an_audit_administrator_with_a_valid_password(tree, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Audit-Admin-2026\n"))
    call_command("create_account", role="audit_admin", username="auditor1", region=tree.county.pk,
                 password_stdin=True, stdout=io.StringIO())
    user = User.objects.get(username="auditor1")
    assert user.role == "audit_admin" and user.check_password("Audit-Admin-2026")
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk), actor_username="system").exists()


@pytest.mark.django_db
def test_console_refuses_a_weak_password(tree, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("password\n"))
    with pytest.raises(CommandError):
        call_command("create_account", role="security_admin", username="sec1", region=tree.county.pk,
                     password_stdin=True, stdout=io.StringIO())
    assert not User.objects.filter(username="sec1").exists()
