"""Roster import: the .xlsx files counties really keep (title row, merged two-row header, columns in any order
and under the usual names, Excel and text dates, full-width digits, stray spaces, an ID typed as a number)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json

import pytest
from django.test import override_settings
from openpyxl import Workbook

from renda.core.errors import Invalid, NotFound
from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.deputies import importer, services
from renda.deputies.importer import ImportFileError
from renda.deputies.models import (
    GroupMembership,
    ImportJob,
    ImportJobStatus,
    Mandate,
    Person,
)
from renda.deputies.tasks import run_roster_import
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ID_A = "440106197503081234"       # 张三, male, 1975-03-08
ID_B = "11010519491231002X"       # 李四, female, 1949-12-31
ID_C = "320583199001010010"       # 王五, male, 1990-01-01
ID_D = "440106198802290022"       # female, 1988-02-29
ID_E = "330106196512120012"       # male, 1965-12-12

# Columns in an odd order, under the names counties use; 联系方式 is merged over 手机号码 and 家庭住址.
UPPER = ["序号", "代表小组", "姓名", "身份证号码", "联系方式", None, "出生年月", "民族", "性别", "学历",
         "政治面貌", "工作单位及职务", "选区", "代表层级", "职业构成"]
LOWER = [None, None, None, None, "手机号码", "家庭住址", None, None, None, None, None, None, None, None, None]


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def person_row(n, name, id_number, *, phone="", address="", birth=None, ethnicity="汉", gender="", edu="大学本科",
               party="中共党员", post="", district="第一选区", level="", occupation="农民", group=""):
    return [n, group, name, id_number, phone, address, birth, ethnicity, gender, edu, party, post, district, level,
            occupation]


def xlsx(rows: list[list], *, upper=UPPER, lower=LOWER, title="甲镇第二十届人民代表大会代表名册") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(upper))
    ws.append(upper)
    if lower is not None:
        ws.append(lower)
        for col, (top, bottom) in enumerate(zip(upper, lower, strict=True), start=1):
            if top and not bottom:
                ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
        ws.merge_cells("E2:F2")
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def clerk(tree):
    return UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)


@pytest.fixture
def setup(tree, clerk):
    """Town A's districts, the county's district elected in town A, and a mixed deputy group."""
    services.district_create(actor=None, congress=tree.congress_a, name="第一选区", villages=[tree.village_a])
    services.district_create(actor=None, congress=tree.congress_a, name="第二选区")
    services.district_create(actor=None, congress=tree.county_congress, name="县第一选区", region=tree.town_a)
    services.group_create(actor=None, name="第一代表小组", region=tree.town_a)
    return tree


def messy_roster() -> bytes:
    """Lines 4–6 good, 7–11 bad, 12 blank, 13 a total line."""
    return xlsx([
        person_row(1, " 张  三 ", ID_A, phone="138 0013 8000", birth=dt.datetime(1975, 3, 8), gender="男",
                   post="甲村党支部书记", level="乡镇", group="第一代表小组", address="甲村1号"),
        person_row(2, "李四", full_width(ID_B.lower()), phone=full_width("13900139000"), birth="1949.12",
                   gender=" 女 ", edu="大专", party="群众", occupation="专业技术人员"),
        person_row(3, "王五", ID_C, birth="1990-1-1", level="县", district="县第一选区", edu="研究生",
                   occupation="党政干部"),
        person_row(4, "赵六", float(ID_D), birth="1988年2月"),
        person_row(5, "钱七", ID_E[:17] + "5", phone="12345"),
        person_row(6, "孙八", "350102198005050010", birth="1980年6月"),
        person_row(7, "周九", "350102198005050037", level="乡镇", district="县第一选区"),
        person_row(8, "吴十", "350102198005050045", district="第九选区"),
        [None] * len(UPPER),
        ["合计：共 8 人"] + [None] * (len(UPPER) - 1),
    ])


EXPECTED_ERRORS = {
    (7, "id_number", "id_number_precision_lost"),
    (8, "id_number", "id_number_checksum"),
    (8, "phone", "phone_format"),
    (9, "birth_date", "birth_date_mismatch"),
    (10, "district", "district_other_congress"),
    (11, "district", "district_unknown"),
}


def run(congress, data, actor, **kw) -> dict:
    job = services.roster_import(actor=actor, congress=congress, data=data, filename="名册.xlsx", **kw)
    assert job.status == ImportJobStatus.DONE
    return job.result


def error_set(result) -> set[tuple[int, str, str]]:
    return {(e["row"], e["field"], e["code"]) for e in result["errors"]}


# --- checking and writing -------------------------------------------------------------------------------------
def test_dry_run_reports_every_bad_row_by_line_field_and_code_and_writes_nothing(setup, clerk):
    audits = AuditEntry.objects.count()
    result = run(setup.congress_a, messy_roster(), clerk, dry_run=True)
    assert error_set(result) == EXPECTED_ERRORS
    assert all(e["message"].startswith(f"第 {e['row']} 行：") for e in result["errors"])
    assert (result["created"], result["rows"], result["error_rows"], result["written"]) == (3, 8, 5, False)
    assert not Person.objects.exists() and not Mandate.objects.exists()
    assert AuditEntry.objects.count() == audits


def test_real_run_writes_the_good_rows_cleaned_with_their_mandates_and_audit(setup, clerk):
    result = run(setup.congress_a, messy_roster(), clerk)
    assert error_set(result) == EXPECTED_ERRORS
    assert (result["created"], result["updated"], result["written"]) == (3, 0, True)
    people = {p.name: p for p in Person.objects.all()}
    assert set(people) == {"张三", "李四", "王五"}
    zhang, li, wang = people["张三"], people["李四"], people["王五"]
    assert (zhang.id_number, zhang.phone, zhang.gender, zhang.birth_date) == (ID_A, "13800138000", "male",
                                                                              dt.date(1975, 3, 8))
    assert (zhang.ethnicity, zhang.education, zhang.party, zhang.occupation) == ("汉族", "bachelor", "cpc", "farmer")
    assert (zhang.name_initials, zhang.address, zhang.region) == ("zs", "甲村1号", setup.town_a)
    assert (li.id_number, li.phone, li.gender, li.education, li.party) == (ID_B, "13900139000", "female",
                                                                           "college", "none")
    assert (wang.education, wang.occupation) == ("postgraduate", "cadre")
    assert zhang.mandates.get().congress == setup.congress_a
    assert li.mandates.get().district.name == "第一选区"
    county = wang.mandates.get()
    assert (county.congress, county.term, county.district.name) == (setup.county_congress, setup.county_term,
                                                                     "县第一选区")
    assert GroupMembership.objects.get().mandate.person == zhang
    summary = AuditEntry.objects.get(action="roster.import")
    after = json.loads(summary.after)
    assert (after["created"], summary.actor_id, summary.object_id) == (3, clerk.pk, str(setup.congress_a.pk))
    assert sorted(after["created_people"]) == sorted(p.pk for p in people.values())
    assert ID_A not in summary.after and "13800138000" not in summary.after


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(setup, clerk):
    result = run(setup.congress_a, messy_roster(), clerk, all_or_nothing=True)
    assert error_set(result) == EXPECTED_ERRORS and result["written"] is False
    assert not Person.objects.exists() and not AuditEntry.objects.filter(action="roster.import").exists()


def test_all_or_nothing_writes_everything_when_all_rows_are_good(setup, clerk):
    data = xlsx([person_row(1, "张三", ID_A), person_row(2, "李四", ID_B)])
    result = run(setup.congress_a, data, clerk, all_or_nothing=True)
    assert (result["created"], result["errors"], result["written"]) == (2, [], True)


def test_reimport_updates_by_id_number_and_never_duplicates(setup, clerk):
    run(setup.congress_a, messy_roster(), clerk)
    again = run(setup.congress_a, messy_roster(), clerk)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert Person.objects.count() == 3 and Mandate.objects.count() == 3
    changed = xlsx([person_row(1, "张三", ID_A, phone="13700137000", district="第二选区")])
    result = run(setup.congress_a, changed, clerk)
    assert (result["created"], result["updated"]) == (0, 1)
    zhang = Person.objects.get(name="张三")
    assert (zhang.phone, zhang.version, zhang.address) == ("13700137000", 2, "甲村1号")  # empty cell keeps address
    mandate = zhang.mandates.get()
    assert (mandate.district.name, mandate.version) == ("第二选区", 2)
    summary = AuditEntry.objects.filter(action="roster.import").order_by("-seq").first()
    assert json.loads(summary.after)["changed_people"] == [{
        "person": zhang.pk, "before": {"phone": "138****8000"}, "after": {"phone": "137****7000"},
        "mandates": [{"id": mandate.pk, "congress": setup.congress_a.pk, "district": mandate.district_id,
                      "elected_on": "2021-09-20"}]}]



def test_a_reimport_that_only_moves_a_mandate_audits_the_person_with_no_field_change(setup, clerk):
    run(setup.congress_a, xlsx([person_row(1, "张三", ID_A, phone="13800138000")]), clerk)
    zhang = Person.objects.get()
    moved = run(setup.congress_a, xlsx([person_row(1, "张三", ID_A, phone="13800138000", district="第二选区")]),
                clerk)
    assert (moved["created"], moved["updated"], moved["unchanged"]) == (0, 1, 0)
    mandate = zhang.mandates.get()
    assert (mandate.district.name, mandate.version) == ("第二选区", 2)
    zhang.refresh_from_db()
    assert zhang.version == 1, "the person's own data did not change"
    summary = AuditEntry.objects.filter(action="roster.import").order_by("-seq").first()
    assert json.loads(summary.after)["changed_people"] == [{
        "person": zhang.pk, "before": {}, "after": {},
        "mandates": [{"id": mandate.pk, "congress": setup.congress_a.pk, "district": mandate.district_id,
                      "elected_on": "2021-09-20"}]}]

def test_same_id_twice_in_the_file_is_refused_on_both_rows(setup, clerk):
    data = xlsx([person_row(1, "张三", ID_A), person_row(2, "张三", ID_B), person_row(3, "张三", ID_A)])
    result = run(setup.congress_a, data, clerk)
    assert error_set(result) == {(4, "id_number", "id_number_duplicate"), (6, "id_number", "id_number_duplicate")}
    assert "第 6 行" in result["errors"][0]["message"]
    assert Person.objects.get().id_number == ID_B


def test_same_person_on_two_rows_for_two_levels_gets_two_mandates(setup, clerk):
    data = xlsx([person_row(1, "王五", ID_C, level="乡镇"),
                 person_row(1, "王五", ID_C, level="县人大代表", district="县第一选区")])
    result = run(setup.congress_a, data, clerk)
    assert result["errors"] == [] and result["created"] == 1 and result["mandates_created"] == 2
    assert set(Person.objects.get().mandates.values_list("congress_id", flat=True)) == {
        setup.congress_a.pk, setup.county_congress.pk}


def test_id_already_used_by_another_person_is_refused(setup, clerk):
    services.person_create(actor=None, region=setup.town_a, name="张三", id_number=ID_A)
    services.person_create(actor=None, region=setup.town_b, name="李四", id_number=ID_B)   # outside town A
    data = xlsx([person_row(1, "张四", ID_A), person_row(2, "李四", ID_B)])
    result = run(setup.congress_a, data, clerk)
    assert error_set(result) == {(4, "id_number", "id_number_taken"), (5, "id_number", "id_number_taken")}
    assert set(Person.objects.values_list("name", flat=True)) == {"张三", "李四"}


def test_unknown_group_is_a_row_error_and_a_known_one_moves_the_deputy(setup, clerk):
    services.group_create(actor=None, name="第二代表小组", region=setup.town_a)
    run(setup.congress_a, xlsx([person_row(1, "张三", ID_A, group="第一代表小组")]), clerk)
    result = run(setup.congress_a, xlsx([person_row(1, "张三", ID_A, group="第三代表小组"),
                                         person_row(2, "李四", ID_B, group="第二代表小组")]), clerk)
    assert error_set(result) == {(4, "group", "group_unknown")}
    run(setup.congress_a, xlsx([person_row(1, "张三", ID_A, group="第二代表小组")]), clerk)
    memberships = GroupMembership.objects.filter(mandate__person__name="张三").order_by("id")
    assert [(m.group.name, m.left_on is None) for m in memberships] == [("第一代表小组", False),
                                                                       ("第二代表小组", True)]


def test_columns_are_found_without_a_merged_header_and_by_other_names(setup, clerk):
    header = ["身份证号", "联系电话", "姓名", "出生日期", "文化程度", "代表层级"]
    rows = [[ID_A, 13800138000, "张三", "1975-3-8", "初中", ""], [ID_C, "", "王五", 197501, "高中", "镇"]]
    result = run(setup.congress_a, xlsx(rows, upper=header, lower=None, title="名册"), clerk)
    assert error_set(result) == {(4, "birth_date", "birth_date_mismatch")}
    zhang = Person.objects.get()
    assert (zhang.phone, zhang.education) == ("13800138000", "junior")


# --- the file as a whole --------------------------------------------------------------------------------------
def _file_error(setup, clerk, data) -> ImportFileError:
    with pytest.raises(ImportFileError) as exc:
        services.roster_import(actor=clerk, congress=setup.congress_a, data=data, filename="x")
    assert not ImportJob.objects.exists()
    return exc.value


def test_a_file_that_is_not_xlsx_gets_one_clear_error(setup, clerk):
    err = _file_error(setup, clerk, "姓名,身份证号\n张三,440106197503081234\n".encode())
    assert err.code == "file_not_xlsx" and ".xlsx" in err.message
    assert _file_error(setup, clerk, b"PK\x03\x04broken zip").code == "file_not_xlsx"


def test_an_empty_file_or_sheet_gets_one_clear_error(setup, clerk):
    assert _file_error(setup, clerk, b"").code == "file_empty"
    out = io.BytesIO()
    Workbook().save(out)
    assert _file_error(setup, clerk, out.getvalue()).code == "file_empty"


def test_a_sheet_without_a_recognisable_header_gets_one_clear_error(setup, clerk):
    err = _file_error(setup, clerk, xlsx([["张三", ID_A]], upper=["甲", "乙"], lower=None))
    assert err.code == "header_not_found" and "表头" in err.message
    err = _file_error(setup, clerk, xlsx([["张三", "男", "汉"]], upper=["姓名", "性别", "民族"], lower=None))
    assert err.code == "header_missing_column" and "身份证号" in err.message


def test_importing_into_a_congress_outside_the_clerks_region_is_not_found(setup):
    other_clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=setup.town_b)
    with pytest.raises(NotFound):
        services.roster_import(actor=other_clerk, congress=setup.congress_a, data=messy_roster())
    assert not ImportJob.objects.exists()


# --- large files run in the background ------------------------------------------------------------------------
@override_settings(RENDA_IMPORT_INLINE_MAX_ROWS=2)
def test_a_large_file_is_queued_as_a_job_that_reports_progress_and_drops_the_file(setup, clerk,
                                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.roster_import(actor=clerk, congress=setup.congress_a, data=messy_roster())
    job.refresh_from_db()
    assert job.status == ImportJobStatus.PENDING and job.payload and not Person.objects.exists()
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert (job.status, job.progress, job.payload, job.processed_rows) == (ImportJobStatus.DONE, 100, "", 8)
    assert job.result["created"] == 3 and {(e["row"], e["code"]) for e in job.result["errors"]} == {
        (r, c) for r, _, c in EXPECTED_ERRORS}
    assert Person.objects.count() == 3
    assert AuditEntry.objects.filter(action="roster.import").get().actor_id == clerk.pk


def test_a_job_whose_file_cannot_be_read_fails_with_a_chinese_message_and_drops_the_file(setup, clerk):
    job = ImportJob.objects.create(congress=setup.congress_a, created_by=clerk, filename="坏文件.xlsx",
                                   payload=base64.b64encode(b"not a workbook").decode())
    run_roster_import.enqueue(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.payload) == (ImportJobStatus.FAILED, "")
    assert ".xlsx" in job.error_message
    assert not Person.objects.exists()


def test_a_person_registered_while_the_file_was_checked_aborts_the_whole_write(setup, clerk, monkeypatch):
    checked = importer.make_plan

    def racing(actor, rows, lk):
        plan = checked(actor, rows, lk)
        services.person_create(actor=None, region=setup.town_a, name="张三", id_number=ID_A)
        return plan

    monkeypatch.setattr(importer.writing, "make_plan", racing)
    with pytest.raises(Invalid) as exc:
        services.roster_import(actor=clerk, congress=setup.congress_a,
                               data=xlsx([person_row(1, "李四", ID_B), person_row(2, "张三", ID_A)]))
    assert exc.value.code == "import_conflict"
    assert list(Person.objects.values_list("name", flat=True)) == ["张三"]
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED and "重新导入" in job.error_message
    assert not AuditEntry.objects.filter(action="roster.import").exists()


def test_the_import_runs_the_same_number_of_queries_for_3_or_12_rows(setup, clerk):
    """Every lookup is one query for the whole file (a query per row would make 10,000 rows take minutes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.deputies.registry import make_id

    def roster(first: int, n: int, phone: str) -> bytes:
        return xlsx([person_row(i, f"代表{i}", make_id("19800101", i), phone=phone, group="第一代表小组",
                                level="乡镇" if i % 2 else "县", district="第一选区" if i % 2 else "县第一选区")
                     for i in range(first, first + n)])

    def queries(data: bytes) -> int:
        with CaptureQueriesContext(connection) as ctx:
            result = run(setup.congress_a, data, clerk)
        assert result["errors"] == [] and result["written"]
        return len(ctx.captured_queries)

    assert queries(roster(1, 3, "13800138000")) == queries(roster(10, 12, "13800138000"))
    # Re-imported with a new phone each: every person updated, still the same number of queries.
    assert queries(roster(1, 3, "13900139000")) == queries(roster(10, 12, "13900139000"))
    from renda.core import crypto

    assert Person.objects.filter(phone_hash=crypto.keyed_hash("13900139000")).count() == 15
    assert GroupMembership.objects.filter(left_on__isnull=True, group__name="第一代表小组").count() == 15


def test_the_shared_strings_are_read_as_openpyxl_reads_them():
    """The importer's own shared-strings reader (faster) must give what openpyxl gives: plain text, rich-text runs
    joined, phonetic guides left out, the x005F_ escape removed, empty strings kept in place."""
    from openpyxl.reader.strings import read_string_table

    from renda.deputies.importer.workbook import read_shared_strings

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}" count="6" uniqueCount="6">'
           '<si><t>张三</t></si>'
           '<si><t xml:space="preserve"> 李 四 </t></si>'
           '<si><r><rPr><b/></rPr><t>王</t></r><r><t>五</t></r></si>'
           '<si><t>赵六</t><rPh sb="0" eb="2"><t>zhao liu</t></rPh><phoneticPr fontId="1"/></si>'
           '<si><t/></si>'
           '<si><t>a_x005F_x000D_b</t></si>'
           '</sst>').encode()
    ours = read_shared_strings(io.BytesIO(xml))
    assert ours == read_string_table(io.BytesIO(xml))
    assert ours == ["张三", " 李 四 ", "王五", "赵六", "", "a_x000D_b"]
