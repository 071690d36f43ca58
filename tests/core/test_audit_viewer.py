"""The audit administrator's viewer: only they read the log (三员分立); filters; export of the filter, itself
audited."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from renda.core import audit
from renda.core.models import AuditEntry
from renda.core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def login_with_second_factor(client, user):
    """Log in as an administrator who has passed the TOTP step (what django_otp.login leaves in the session)."""
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def auditor(client, tree):
    user = UserFactory(username="auditor", role=Role.AUDIT_ADMIN, region=tree.county)
    login_with_second_factor(client, user)
    return user


def _at(monkeypatch, day: int) -> None:
    moment = datetime(2026, 3, day, 10, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr("renda.core.audit.timezone.now", lambda: moment)


@pytest.fixture
def log(tree, monkeypatch):
    """Four entries over three days by two staff users."""
    county = UserFactory(username="county_clerk", role=Role.COUNTY_STAFF, region=tree.county)
    town = UserFactory(username="town_clerk", role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    _at(monkeypatch, 1)
    e1 = audit.record(actor=county, action="setting.change", obj=tree.congress_a,
                      before={"org.presidium_min": 7}, after={"org.presidium_min": 9})
    _at(monkeypatch, 2)
    e2 = audit.record(actor=town, action="user.change", obj=town, before={"role": "deputy"},
                      after={"role": "county_staff"})
    e3 = audit.record(actor=town, action="unit.create", obj=tree.unit_county, after={"name": "县交通运输局"})
    _at(monkeypatch, 3)
    e4 = audit.record(actor=county, action="user.create", object_type="accounts.user", object_id=999,
                      object_repr="=HYPERLINK(\"http://evil\")", after={"username": "newbie"})
    monkeypatch.undo()
    return [e1, e2, e3, e4]


def _seqs(response) -> list[int]:
    html = response.content.decode()
    return sorted(int(part.split('"', 1)[0]) for part in html.split('data-seq="')[1:])


def test_audit_admin_sees_entries_with_before_and_after_in_chinese(client, auditor, log):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    assert _seqs(response) == [e.seq for e in log]
    html = response.content.decode()
    assert "主席团最少人数" in html  # a setting key is shown by its label
    assert "代表" in html and "县人大工作人员" in html  # a role value is shown by its Chinese name
    assert "修改参数" in html and "新建承办单位" in html
    assert '<time datetime="2026-03-01T10:00:00+08:00">2026-03-01 10:00:00+08:00</time>' in html  # with its zone


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN])
def test_other_administrators_cannot_read_or_export_the_log(client, tree, log, role):
    admin = UserFactory(username="other_admin", role=role, region=tree.county)
    login_with_second_factor(client, admin)
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(reverse("audit:export"), {"format": "csv"}).status_code == 403
    assert not AuditEntry.objects.filter(action="audit.export").exists()


@pytest.mark.parametrize("role", [Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF])
def test_staff_cannot_read_the_log(client, tree, log, role):
    client.force_login(UserFactory(role=role, region=tree.county),
                       backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403


def test_audit_admin_without_second_factor_is_sent_to_the_otp_step(client, tree, log):
    client.force_login(UserFactory(role=Role.AUDIT_ADMIN, region=tree.county),
                       backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp")


def test_anonymous_visitor_is_sent_to_login(client, log):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("params", "expected"), [
    ({"date_from": "2026-03-02", "date_to": "2026-03-02"}, [1, 2]),
    ({"date_from": "2026-03-02"}, [1, 2, 3]),
    ({"date_to": "2026-03-01"}, [0]),
    ({"user": "TOWN_CLERK"}, [1, 2]),
    ({"role": Role.COUNTY_STAFF}, [0, 3]),
    ({"action": "user"}, [1, 3]),
    ({"action": "user.create"}, [3]),
    ({"object_type": "organizations.handlingunit"}, [2]),
    ({"object_type": "accounts.user", "object_id": "999"}, [3]),
    ({"q": "交通运输"}, [2]),
    ({"q": "newbie"}, [3]),
])
def test_filters_narrow_the_list(client, auditor, log, params, expected):
    response = client.get(reverse("audit:list"), params)
    assert response.status_code == 200
    assert _seqs(response) == [log[i].seq for i in expected]


def test_a_day_boundary_is_a_day_in_beijing_time(client, auditor, monkeypatch):
    _at(monkeypatch, 1)
    monkeypatch.setattr("renda.core.audit.timezone.now",
                        lambda: datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI))  # 15:30 UTC
    late = audit.record(actor=None, action="thing.change", object_type="tests.thing")
    monkeypatch.undo()
    assert _seqs(client.get(reverse("audit:list"), {"date_from": "2026-03-01", "date_to": "2026-03-01"})) == [
        late.seq]
    assert _seqs(client.get(reverse("audit:list"), {"date_from": "2026-03-02"})) == []


def test_reversed_dates_are_refused_with_a_message(client, auditor, log):
    response = client.get(reverse("audit:list"), {"date_from": "2026-03-03", "date_to": "2026-03-01"})
    assert "截止日期不能早于起始日期" in response.content.decode()
    assert _seqs(response) == []
    assert client.get(reverse("audit:export"), {"date_from": "2026-03-03", "date_to": "2026-03-01"}
                      ).status_code == 422


def test_list_is_paginated_newest_first(client, auditor):
    entries = [audit.record(actor=None, action="thing.change", object_type="tests.thing", object_id=n)
               for n in range(52)]
    first = client.get(reverse("audit:list"))
    assert _seqs(first) == sorted(e.seq for e in entries[2:])
    second = client.get(reverse("audit:list"), {"page": 2})
    assert _seqs(second) == sorted(e.seq for e in entries[:2])


def test_xlsx_export_holds_the_filtered_rows_and_is_audited(client, auditor, log):
    response = client.get(reverse("audit:export"), {"user": "town_clerk", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "时间", "用户")
    assert [r[0] for r in rows[1:]] == [log[2].seq, log[1].seq]
    assert rows[2][1] == "2026-03-02 10:00:00+08:00"
    assert "角色：代表 → 县人大工作人员" in rows[2][10]

    export = AuditEntry.objects.get(action="audit.export")
    assert (export.actor_username, export.actor_role, export.ip) == ("auditor", Role.AUDIT_ADMIN, "127.0.0.1")
    assert '"user":"town_clerk"' in export.after and '"rows":2' in export.after and '"xlsx"' in export.after
    assert audit.verify_chain().ok


def test_csv_export_holds_the_filtered_rows_and_is_audited(client, auditor, log):
    response = client.get(reverse("audit:export"), {"action": "user", "format": "csv"})
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff序号,")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [int(r[0]) for r in rows[1:]] == [log[3].seq, log[1].seq]
    assert AuditEntry.objects.filter(action="audit.export", after__contains='"csv"').count() == 1


def test_exports_keep_formula_like_text_as_text(client, auditor, log):
    text = client.get(reverse("audit:export"), {"object_id": "999", "format": "csv"}).content.decode()
    assert "'=HYPERLINK" in text
    book = client.get(reverse("audit:export"), {"object_id": "999", "format": "xlsx"}).content
    cell = openpyxl.load_workbook(io.BytesIO(book)).active.cell(row=2, column=10)
    assert cell.value == '=HYPERLINK("http://evil")'
    assert cell.data_type == "s"


def test_unknown_export_format_is_refused(client, auditor, log):
    assert client.get(reverse("audit:export"), {"format": "pdf"}).status_code == 422
    assert not AuditEntry.objects.filter(action="audit.export").exists()
