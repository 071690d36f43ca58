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


@pytest.mark.django_db
def test_on_a_new_database_the_first_administrator_comes_with_the_top_region_and_its_congress(monkeypatch):
    """A county IT office's first step after `migrate`: no region exists yet, so the first account brings it."""
    from renda.organizations.models import Congress, Region

    assert not Region.objects.exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("password\n"))  # refused: nothing is left behind
    with pytest.raises(CommandError):
        call_command("create_account", role="system_admin", username="admin", new_region="示范县",
                     password_stdin=True, stdout=io.StringIO())
    assert not Region.objects.exists() and not User.objects.exists()

    monkeypatch.setattr("sys.stdin", io.StringIO("Xian-Server-2026\n"))
    out = io.StringIO()
    call_command("create_account", role="system_admin", username="admin", new_region="示范县",
                 password_stdin=True, stdout=out)
    county = Region.objects.get()
    assert (county.name, county.level, county.parent_id, county.path) == ("示范县", "county", None, f"/{county.pk}/")
    assert Congress.objects.get(region=county).name == "示范县人民代表大会"
    assert User.objects.get(username="admin").region_id == county.pk
    assert f"created region 示范县 (id {county.pk})" in out.getvalue()
    assert AuditEntry.objects.filter(action="region.create", object_id=str(county.pk)).exists()

    monkeypatch.setattr("sys.stdin", io.StringIO("Anquan-Guard-2026\n"))
    refused = f"already has regions: give --region ID \\(the top region is {county.pk}\\)"
    with pytest.raises(CommandError, match=refused):
        call_command("create_account", role="security_admin", username="sec", new_region="另一县",
                     password_stdin=True, stdout=io.StringIO())
    call_command("create_account", role="security_admin", username="sec", region=county.pk, password_stdin=True,
                 stdout=io.StringIO())
    assert Region.objects.count() == 1 and User.objects.get(username="sec").region_id == county.pk


@pytest.mark.django_db
def test_a_new_region_the_model_refuses_is_a_clear_error_and_leaves_nothing(monkeypatch):
    from renda.organizations.models import Region

    monkeypatch.setattr("sys.stdin", io.StringIO("Xian-Server-2026\n"))
    with pytest.raises(CommandError, match="区域不符合要求"):
        call_command("create_account", role="system_admin", username="admin", new_region="县" * 101,
                     password_stdin=True, stdout=io.StringIO())
    assert not Region.objects.exists() and not User.objects.exists()
