"""POST /api/v1/deputies/import (multipart .xlsx, dry_run, all_or_nothing) and GET /deputies/import/<job>: the
exact per-row report, re-import without duplicates, large files as a background job with progress, and scope."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook

from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.deputies.models import ImportJob, Mandate, Person
from tests.deputies.registry import make_id
from tests.factories import UserFactory
from tests.helpers import api_client

pytestmark = pytest.mark.django_db

HEADER = ["序号", "姓名", "身份证号码", "性别", "出生年月", "手机", "选区", "代表层级"]
ID_1, ID_2, ID_3 = make_id("19750308", 1), make_id("19800101", 2, female=True), make_id("19900101", 3)


def roster(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["甲镇第二十届人民代表大会代表名册"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def messy() -> bytes:
    """Lines 3–4 good; 5: a checksum typo; 6: a gender that contradicts the ID and a bad phone."""
    return roster([
        [1, "张 三", ID_1, "男", "1975.03", "138 0013 8000", "第一选区", "乡镇"],
        [2, "李四", ID_2, "女", "1980年1月", "", "第一选区", ""],
        [3, "王五", ID_3[:17] + ("0" if ID_3[17] != "0" else "1"), "", "", "", "", ""],
        [4, "赵六", make_id("19700101", 4), "女", "", "12345", "", ""],
    ])


@pytest.fixture
def clerk(tree):
    from renda.deputies import services

    services.district_create(actor=None, congress=tree.congress_a, name="第一选区")
    return UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)


def upload(client, data: bytes, query: str = ""):
    return client.post(f"/api/v1/deputies/import{query}",
                       data={"file": SimpleUploadedFile("名册.xlsx", data)})


def report(response) -> set[tuple[int, str, str]]:
    return {(e["row"], e["field"], e["code"]) for e in response.json()["errors"]}


EXPECTED = {(5, "id_number", "id_number_checksum"), (6, "gender", "gender_mismatch"), (6, "phone", "phone_format")}


def test_dry_run_reports_each_bad_row_by_line_field_and_code_and_writes_nothing(tree, clerk):
    response = upload(api_client(clerk), messy(), "?dry_run=true")
    assert response.status_code == 200, response.content
    body = response.json()
    assert report(response) == EXPECTED
    assert (body["created"], body["updated"], body["written"], body["dry_run"], body["status"]) == (
        2, 0, False, True, "done")
    assert all(e["message"].startswith(f"第 {e['row']} 行") for e in body["errors"])
    assert not Person.objects.exists() and not AuditEntry.objects.filter(action="roster.import").exists()


def test_import_writes_the_good_rows_and_reimport_updates_without_duplicates(tree, clerk):
    client = api_client(clerk)
    first = upload(client, messy())
    assert (first.json()["created"], first.json()["written"]) == (2, True) and report(first) == EXPECTED
    assert set(Person.objects.values_list("name", flat=True)) == {"张三", "李四"}
    again = upload(client, messy())
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (0, 0, 2)
    changed = upload(client, roster([[1, "张三", ID_1, "男", "", "13700137000", "", ""]]))
    assert (changed.json()["created"], changed.json()["updated"]) == (0, 1)
    assert Person.objects.count() == 2 and Mandate.objects.count() == 2
    assert Person.objects.get(name="张三").phone == "13700137000"
    assert AuditEntry.objects.filter(action="roster.import", actor_id=clerk.pk).count() == 3


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(tree, clerk):
    response = upload(api_client(clerk), messy(), "?all_or_nothing=true")
    assert response.status_code == 200 and report(response) == EXPECTED
    assert response.json()["written"] is False and not Person.objects.exists()


def test_a_file_that_is_no_roster_is_one_clear_422(tree, clerk):
    response = upload(api_client(clerk), "姓名,身份证号\n张三,1\n".encode())
    assert (response.status_code, response.json()["code"]) == (422, "file_not_xlsx")
    missing = api_client(clerk).post("/api/v1/deputies/import")
    assert missing.status_code == 422 and missing.json()["code"] == "invalid"


@override_settings(RENDA_IMPORT_INLINE_MAX_ROWS=2)
def test_a_large_file_is_a_background_job_polled_for_progress(tree, clerk, django_capture_on_commit_callbacks):
    client = api_client(clerk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = upload(client, messy())
    assert queued.status_code == 202
    job_id = queued.json()["job"]
    assert (queued.json()["status"], queued.json()["progress"], queued.json()["created"]) == ("pending", 0, None)
    polled = client.get(f"/api/v1/deputies/import/{job_id}").json()
    assert polled["status"] == "pending" and not Person.objects.exists()
    for callback in callbacks:
        callback()
    done = client.get(f"/api/v1/deputies/import/{job_id}")
    assert done.status_code == 200
    body = done.json()
    assert (body["status"], body["progress"], body["created"], body["written"]) == ("done", 100, 2, True)
    assert report(done) == EXPECTED
    assert Person.objects.count() == 2


def test_import_scope(tree, clerk):
    other = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b)
    outside = upload(api_client(other), messy(), f"?congress={tree.congress_a.pk}")
    assert outside.status_code == 404
    job = ImportJob.objects.get(pk=upload(api_client(clerk), messy(), "?dry_run=true").json()["job"])
    assert api_client(other).get(f"/api/v1/deputies/import/{job.pk}").status_code == 404
    county = UserFactory(role=Role.COUNTY_STAFF, region=tree.county)
    assert api_client(county).get(f"/api/v1/deputies/import/{job.pk}").status_code == 200
    unit = UserFactory(role=Role.UNIT_USER, region=tree.county, unit=tree.unit_county)
    assert upload(api_client(unit), messy()).status_code == 403
    deputy = UserFactory(role=Role.DEPUTY, region=tree.town_a, person=Person.objects.create(
        name="代表", gender="male", region=tree.town_a))
    assert upload(api_client(deputy), messy()).status_code == 403
    assert api_client(deputy).get(f"/api/v1/deputies/import/{job.pk}").status_code == 403
    assert Person.objects.count() == 1 and ImportJob.objects.count() == 1
