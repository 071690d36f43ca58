"""GET /api/v1/deputies/export: the caller's scope as .xlsx with the import's columns, masked unless the caller may
reveal and asks to, every export audited (an unmasked one also as a reveal), and an unmasked export imports back
into the registry without a change."""

from __future__ import annotations

import io
import json

import pytest

from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.deputies import importer, services
from renda.deputies.exports import COLUMNS, XLSX_TYPE
from renda.deputies.models import Mandate, Person
from tests.deputies.registry import build, sheet_rows, xlsx_date
from tests.factories import UserFactory
from tests.helpers import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg(tree):
    return build(tree)


def export(user, query: str = ""):
    response = api_client(user).get(f"/api/v1/deputies/export{query}")
    return response


def rows_by_name(response) -> dict[str, dict[str, object]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    assert "代表名册" in rows[0][0]
    header = rows[1]
    assert header == tuple(label for _, label in COLUMNS)
    return {r[0]: dict(zip([k for k, _ in COLUMNS], r, strict=True)) for r in rows[2:]}


def test_the_header_names_are_the_ones_the_importer_reads():
    for key, label in COLUMNS:
        assert importer.ALIAS_TO_FIELD[importer.norm_header(label)] == key


def test_export_is_masked_by_default_and_audited_without_a_reveal(reg):
    before_reveals = AuditEntry.objects.filter(action="person.reveal").count()
    rows = rows_by_name(export(reg.county_clerk))
    assert set(rows) == {"张三", "李四", "王五", "赵六"}
    zhang = rows["张三"]
    assert zhang["id_number"] == reg.zhang.id_number[:6] + "********" + reg.zhang.id_number[-4:]
    assert zhang["phone"] == "138****8000"
    assert (zhang["gender"], zhang["party"], zhang["education"], zhang["occupation"]) == ("男", "中共党员", "大学本科",
                                                                                       "农民")
    assert (zhang["district"], zhang["level"], zhang["group"]) == ("第一选区", "乡镇", "甲镇第一代表小组")
    assert xlsx_date(zhang["birth_date"]) == reg.zhang.birth_date
    assert rows["赵六"]["level"] == "县"
    entry = AuditEntry.objects.filter(action="deputy.export").get()
    assert entry.actor_id == reg.county_clerk.pk
    assert json.loads(entry.after)["rows"] == 4 and json.loads(entry.after)["unmasked"] is False
    assert AuditEntry.objects.filter(action="person.reveal").count() == before_reveals
    assert reg.zhang.id_number not in entry.after


def test_unmasked_export_counts_as_a_reveal_of_everyone_in_it(reg):
    rows = rows_by_name(export(reg.clerk_a, "?unmasked=true"))
    assert set(rows) == {"张三", "李四", "赵六"}, "town A's scope: its deputies and the county deputy elected there"
    assert rows["张三"]["id_number"] == reg.zhang.id_number and rows["张三"]["phone"] == "13800138000"
    export_entry = AuditEntry.objects.get(action="deputy.export")
    reveal = AuditEntry.objects.filter(action="person.reveal").get()
    assert json.loads(export_entry.after)["unmasked"] is True
    assert reveal.actor_id == reg.clerk_a.pk and reveal.seq == export_entry.seq + 1
    assert sorted(json.loads(reveal.after)["people"]) == sorted([reg.zhang.pk, reg.li.pk, reg.zhao.pk])
    assert reg.zhang.id_number not in reveal.after


def test_export_follows_the_lists_filters(reg):
    rows = rows_by_name(export(reg.county_clerk, f"?congress={reg.tree.congress_b.pk}"))
    assert set(rows) == {"王五"}
    assert set(rows_by_name(export(reg.county_clerk, "?q=zs"))) == {"张三"}


def test_an_unmasked_export_imports_back_without_a_change_or_a_duplicate(reg):
    response = export(reg.clerk_a, f"?unmasked=true&congress={reg.tree.congress_a.pk}")
    assert response.status_code == 200
    people, mandates = Person.objects.count(), Mandate.objects.count()
    job = services.roster_import(actor=reg.clerk_a, congress=reg.tree.congress_a, data=response.content,
                                 filename="导出.xlsx")
    assert job.result["errors"] == []
    assert (job.result["created"], job.result["updated"], job.result["unchanged"]) == (0, 0, 2)
    assert (Person.objects.count(), Mandate.objects.count()) == (people, mandates)


def test_export_scope_roles(reg):
    unit = UserFactory(role=Role.UNIT_USER, region=reg.tree.county, unit=reg.tree.unit_county)
    me = UserFactory(role=Role.DEPUTY, region=reg.tree.town_a, person=reg.zhang)
    for user in (unit, me):
        response = export(user)
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert set(rows_by_name(export(reg.clerk_b))) == {"王五"}
    assert AuditEntry.objects.filter(action="deputy.export").count() == 1


def test_an_address_written_as_a_formula_is_exported_as_text(reg):
    """A roster cell typed as "=…" (an import or a form takes it as text) must not become a formula in the
    export, where Excel would run it."""
    from openpyxl import load_workbook

    Person.objects.filter(pk=reg.zhang.pk).update(address="=HYPERLINK(\"http://evil.example\",\"甲镇\")",
                                                  organization_post="@SUM(1)")
    response = export(reg.county_clerk)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "=HYPERLINK(\"http://evil.example\",\"甲镇\")" in [c.value for c in cells]
