"""Ledgers as clerks keep them (a review's findings, the twenty-first session): merged cells, a two-row header,
dates Excel keeps as day counts, error values, a wrong used range, a damaged workbook, a reply of several
paragraphs in a CSV, a cell longer than the csv module's default, NUL characters, the same suggestion raised
again in a later year, and two imports of one ledger at once."""

from __future__ import annotations

import io
import re
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from openpyxl import Workbook

from renda.core.errors import Invalid
from renda.insights import archive, history
from renda.insights.models import ArchivedCase
from tests.factories import UserFactory
from tests.file_database import file_database  # noqa: F401  (the fixture)
from tests.insights.test_archive import HEADER, ROAD, xlsx


def case(number: str, category: str = "城建交通", unit: str = "县交通运输局", date: object = "2023-03-01",
         reply: str = "已办理。") -> list[object]:
    return [number, f"关于第{number}号事项的建议", f"第{number}号事项的内容。", category, unit, reply, date]


@pytest.fixture
def clerk(tree):
    from renda.core.roles import Role

    history.clear_caches()
    return UserFactory(role=Role.COUNTY_STAFF, region=tree.county)


def run(clerk, congress, data: bytes, name: str = "台账.xlsx", **kwargs) -> archive.ArchiveResult:
    return archive.archive_import(actor=clerk, congress=congress, kind="suggestion", data=data, file_name=name,
                                  **kwargs)


def book_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_cell_merged_over_several_cases_gives_its_value_to_each(tree, clerk) -> None:
    book = Workbook()
    sheet = book.active
    for row in [HEADER, case("1"), case("2", category="", unit=""), case("3", category="", unit=""), case("4")]:
        sheet.append(row)
    sheet.merge_cells("D2:D4")  # 领域分类 over three cases
    sheet.merge_cells("E2:E4")  # 主办单位 too
    result = run(clerk, tree.county_congress, book_bytes(book))
    assert result.imported == 4 and result.errors == []
    saved = {n: (c, u) for n, c, u in ArchivedCase.objects.values_list("number", "category", "unit__name")}
    assert saved == {str(n): ("城建交通", "县交通运输局") for n in range(1, 5)}


@pytest.mark.django_db
def test_a_two_row_header_is_read_as_one(tree, clerk) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "标题", "内容", "领域分类", "办理情况", None, None])
    sheet.append([None, None, None, None, "主办单位", "答复内容", "立案日期"])
    sheet.merge_cells("E1:G1")
    for column in "ABCD":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.append(case("1"))
    sheet.append(case("2", unit="县教育局", category="教科文卫"))
    result = run(clerk, tree.county_congress, book_bytes(book))
    assert result.imported == 2 and result.errors == []
    saved = dict(ArchivedCase.objects.values_list("number", "unit__name"))
    assert saved == {"1": "县交通运输局", "2": "县教育局"}
    assert set(ArchivedCase.objects.values_list("reply", flat=True)) == {"已办理。"}


@pytest.mark.django_db
def test_a_data_row_holding_words_like_column_names_stays_a_data_row(tree, clerk) -> None:
    """A web export's last columns hold 答复 and 详情 links in every row: the row under the header is still data
    (a second review: it was joined to the header and the file refused)."""
    text = ("编号,标题,领域分类,主办单位,年度,状态,操作\n"
            "1,关于路灯的建议,城建交通,县交通运输局,2023,答复,详情\n"
            "2,关于公交的建议,城建交通,县交通运输局,2023,答复,详情\n")
    result = run(clerk, tree.county_congress, text.encode(), name="导出.csv")
    assert result.imported == 2 and result.errors == []


@pytest.mark.django_db
def test_a_two_row_header_whose_lower_row_names_more_columns_is_read_as_one(tree, clerk) -> None:
    text = ("序号,标题,领域分类,办理情况,,\n"
            ",,,主办单位,答复内容,交办日期\n"
            "1,关于路灯的建议,城建交通,县交通运输局,已修复,2023-03-01\n")
    result = run(clerk, tree.county_congress, text.encode(), name="台账.csv")
    assert result.imported == 1 and result.errors == []
    saved = ArchivedCase.objects.get()
    assert (saved.title, saved.unit.name, saved.reply, saved.year) == ("关于路灯的建议", "县交通运输局", "已修复", 2023)


@pytest.mark.django_db
def test_a_line_above_the_header_naming_one_column_and_a_data_row_of_names_are_no_header(tree, clerk) -> None:
    """A third review: "年度：2023" above the header took over its 序号 column, a title line 办理情况 gave the replies
    the 序号 values, and a data row whose cells all equal column names was read as a header's lower row."""
    book = Workbook()
    for row in [["年度：", "2023"], ["序号", "建议标题", "建议内容", "领域分类", "主办单位", "答复内容"],
                ["1", "关于路灯的建议", "路灯坏了。", "城建交通", "县交通运输局", "已修复"]]:
        book.active.append(row)
    result = run(clerk, tree.county_congress, book_bytes(book), default_year=2023)
    assert result.imported == 1 and ArchivedCase.objects.get().reply == "已修复"
    text = "标题,内容,分类\n主题,详情,分类\n关于公交的建议,公交太少。,城建交通\n"
    names = run(clerk, tree.congress_a, text.encode(), name="x.csv", default_year=2023)
    assert names.rows == 2 and names.imported == 1, "the row of names is a case, not half of the header"
    assert [(e.line, e.reason.split("不在")[0]) for e in names.errors] == [(2, "领域分类“分类”")]


@pytest.mark.django_db
def test_a_merge_written_with_single_quotes_is_filled_down(tree, clerk) -> None:
    book = Workbook()
    for row in [HEADER, case("1"), case("2", category=""), case("3", category="")]:
        book.active.append(row)
    book.active.merge_cells("D2:D4")
    source, out = zipfile.ZipFile(io.BytesIO(book_bytes(book))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'ref="D2:D4"', b"ref='D2:D4'")
            target.writestr(item, content)
    assert run(clerk, tree.county_congress, out.getvalue()).imported == 3
    assert set(ArchivedCase.objects.values_list("category", flat=True)) == {"城建交通"}


@pytest.mark.django_db
def test_a_workbook_of_the_1904_date_system_counts_its_days_from_1904(tree, clerk) -> None:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = Workbook()
    book.epoch = CALENDAR_MAC_1904
    for row in [HEADER, case("1", date=43585)]:  # 2023-05-01 counted from 1904-01-01 (45047 from 1899-12-30)
        book.active.append(row)
    result = run(clerk, tree.county_congress, book_bytes(book))
    assert result.imported == 1 and result.years == {2023: 1}


@pytest.mark.django_db
def test_a_date_excel_keeps_as_a_day_count_gives_its_year(tree, clerk) -> None:
    """A date in a Chinese format (2023年5月1日, Excel's built-in formats 27–36) reaches the reader as 45047."""
    result = run(clerk, tree.county_congress, xlsx([HEADER, case("1", date=45047), case("2", date="45047"),
                                                    case("3", date=44927.5)]))
    assert result.imported == 3 and result.years == {2023: 3}
    # in the 年度 column a number is a year, never a day count
    text = "标题,领域分类,年度\n关于路灯的建议,城建交通,45047\n"
    refused = run(clerk, tree.county_congress, text.encode(), name="x.csv")
    this_year = archive.timezone.localdate().year
    assert [e.reason for e in refused.errors] == [f"年度“45047”不是 1979 至 {this_year} 年之间的年份"]


@pytest.mark.django_db
def test_an_excel_error_value_refuses_its_row_and_names_the_column(tree, clerk) -> None:
    bad_title, bad_reply = case("2"), case("3")
    bad_title[1], bad_reply[5] = "#REF!", "#N/A"
    result = run(clerk, tree.county_congress, xlsx([HEADER, case("1"), bad_title, bad_reply]))
    assert result.imported == 1
    assert [(e.line, e.reason) for e in result.errors] == [
        (3, "“标题”列是 Excel 的错误值 #REF!，请在表中改成内容后再导入"),
        (4, "“答复内容”列是 Excel 的错误值 #N/A，请在表中改成内容后再导入")]


def _with_dimension(data: bytes, ref: str) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, n = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), content)
                assert n == 1
            target.writestr(item, content)
    return out.getvalue()


@pytest.mark.django_db
def test_a_workbook_whose_stored_used_range_is_wrong_is_read_to_its_last_row(tree, clerk) -> None:
    data = _with_dimension(xlsx([HEADER] + [case(str(n)) for n in range(1, 11)]), "A1:G4")
    result = run(clerk, tree.county_congress, data)
    assert result.rows == 10 and result.imported == 10


@pytest.mark.django_db
def test_a_damaged_workbook_is_one_clear_error_not_a_crash(tree, clerk) -> None:
    data = xlsx([HEADER] + [case(str(n)) for n in range(1, 50)])
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # one row's XML broken, the 31st of 50
                at = [m.start() for m in re.finditer(rb"</row>", content)][30]
                content = content[:at] + b"</rwo>" + content[at + len(b"</row>"):]
            target.writestr(item, content)
    with pytest.raises(Invalid, match=r"文件读到第 (\d+) 行时无法继续读取") as caught:
        run(clerk, tree.county_congress, out.getvalue())
    found = re.search(r"第 (\d+) 行", caught.value.message)
    assert found and 30 <= int(found.group(1)) <= 33, "the row it stopped at, not the first"
    assert not ArchivedCase.objects.exists()


@pytest.mark.django_db
def test_a_csv_row_is_numbered_as_excel_shows_it_whatever_line_breaks_its_cells_hold(tree, clerk) -> None:
    text = ("编号,标题,内容,领域分类,主办单位,答复内容,立案日期\n"
            '1,关于路灯的建议,路灯坏了。,城建交通,县交通运输局,"第一段。\n第二段。\n第三段。",2023-01-01\n'
            "2,关于食堂的建议,食堂太脏。,生态文明,县教育局,,2023-01-02\n")
    result = run(clerk, tree.county_congress, text.encode(), name="台账.csv")
    assert result.imported == 1 and [e.line for e in result.errors] == [3]  # row 3 in Excel, line 5 of the text
    assert ArchivedCase.objects.get().reply == "第一段。\n第二段。\n第三段。"


@pytest.mark.django_db
def test_a_cell_longer_than_the_csv_modules_limit_is_a_row_error_and_nul_is_dropped(tree, clerk) -> None:
    long = "很长的内容" * 30_000  # 150,000 characters, over the csv module's default field limit of 131,072
    text = ("编号,标题,内容,领域分类,主办单位,答复内容,立案日期\n"
            f"1,关于路灯的建议,{long},城建交通,县交通运输局,,2023-01-01\n"
            "2,关于食堂\x00的建议,食堂太脏。,教科文卫,县教育局,已整改\x00。,2023-01-02\n")
    result = run(clerk, tree.county_congress, text.encode(), name="台账.csv")
    assert [(e.line, e.reason) for e in result.errors] == [(2, f"内容有 {len(long)} 字，超过 20000 字")]
    saved = ArchivedCase.objects.get()  # stored on PostgreSQL too, which refuses NUL
    assert (saved.title, saved.reply) == ("关于食堂的建议", "已整改。")


@pytest.mark.django_db
def test_the_same_suggestion_raised_again_in_a_later_year_is_another_case(tree, clerk) -> None:
    again = list(ROAD)
    again[0], again[5], again[6] = "2024003", "已于2024年完成修复。", "2024-02-01"
    first = run(clerk, tree.county_congress, xlsx([HEADER, ROAD]))
    second = run(clerk, tree.county_congress, xlsx([HEADER, again, ROAD]))
    assert (first.imported, second.imported) == (1, 1)
    assert [e.reason for e in second.errors] == ["这一条以前已经导入过"]  # the 2023 row, imported before
    assert sorted(ArchivedCase.objects.values_list("year", flat=True)) == [2023, 2024]
    in_one_file = run(clerk, tree.congress_a, xlsx([HEADER, ROAD, again, ROAD]))
    assert in_one_file.imported == 2 and [e.reason for e in in_one_file.errors] == ["与第 2 行重复"]


@pytest.mark.django_db
def test_a_year_to_come_chosen_on_import_is_one_error_for_the_form(tree, clerk) -> None:
    text = "标题,领域分类\n关于路灯的建议,城建交通\n"
    with pytest.raises(Invalid) as caught:
        run(clerk, tree.county_congress, text.encode(), name="x.csv", default_year=2099)
    assert "year" in caught.value.fields and not ArchivedCase.objects.exists()


def test_two_imports_of_one_ledger_at_once_import_it_once(tree, clerk, file_database) -> None:  # noqa: F811
    rows = [HEADER] + [case(str(n)) for n in range(1, 201)]
    data = xlsx(rows)

    def body() -> None:
        barrier = threading.Barrier(2)

        def one(_i: int) -> int:
            barrier.wait()
            try:
                return run(clerk, tree.county_congress, data).imported
            finally:
                connections.close_all()

        with ThreadPoolExecutor(2) as pool:
            imported = sorted(pool.map(one, range(2)))
        assert imported == [0, 200]
        assert ArchivedCase.objects.count() == 200

    file_database().run(body)


test_two_imports_of_one_ledger_at_once_import_it_once = pytest.mark.django_db(transaction=True)(
    test_two_imports_of_one_ledger_at_once_import_it_once)


@pytest.mark.django_db
def test_the_migration_gives_cases_imported_before_the_digest_of_the_import(tree, clerk) -> None:
    """Cases imported before the year and number were part of the digest get the digest of archive.digest, so that
    the same ledger imported again is still refused row by row."""
    import importlib

    from django.apps import apps

    forwards = importlib.import_module("renda.insights.migrations.0002_archive_digest_year_number").forwards
    assert run(clerk, tree.county_congress, xlsx([HEADER, ROAD, case("7")])).imported == 2
    expected = dict(ArchivedCase.objects.values_list("pk", "digest"))
    ArchivedCase.objects.update(digest="old")
    forwards(apps, None)
    assert dict(ArchivedCase.objects.values_list("pk", "digest")) == expected
    again = run(clerk, tree.county_congress, xlsx([HEADER, ROAD, case("7")]))
    assert again.imported == 0 and [e.reason for e in again.errors] == ["这一条以前已经导入过"] * 2
