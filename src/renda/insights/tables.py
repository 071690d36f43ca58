"""Reading a table a clerk or a contest hands over: a CSV file (UTF-8 with or without BOM, or GB18030 as Excel and
WPS save it in Chinese Windows; comma- or tab-separated) or the first sheet of an .xlsx workbook. The header is the
first non-empty row — or, when the caller names the columns it knows, the row among the first HEADER_SCAN non-empty
ones that has the most of them (a ledger often has a title line above its header, as the platform's own 台账
export does), joined with the row below it when that row names columns too (a two-row header: 办理情况 over
主办单位 | 答复内容; the lower row's name wins). Names are trimmed; empty rows are skipped; values are text without
control characters (PostgreSQL refuses NUL), a date-time cell written "YYYY-MM-DD HH:MM:SS"; a cell merged over
several rows gives its value to each of them (a ledger merges a unit's or a category's cell over its cases). Each
row keeps its line number as Excel or WPS shows it (the sheet's row, or the CSV record: a reply of three paragraphs
is one row), so an error can name it."""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

from renda.liaison.codes import CONTROL_RE as CONTROL  # the characters no text holds (PostgreSQL refuses NUL)

HEADER_SCAN = 10


class TableError(ValueError):
    """The file as a whole cannot be read; `line`, where known, is the row it stopped at."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def read_path(path: str | Path) -> list[dict[str, str]]:
    """The rows of the file at `path` (errors name the file)."""
    raw = Path(path).read_bytes()
    try:
        return [row for _, row in numbered_rows(raw)]
    except TableError as e:
        raise TableError(f"{path}: {e}") from e


def numbered_rows(raw: bytes, *, known: Collection[str] = ()) -> Rows:
    """(line, row) of every non-empty row after the header; `known`: column names that tell the header row."""
    if raw[:4] == b"PK\x03\x04":
        return _xlsx_rows(raw, known)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError("neither UTF-8 nor GB18030 text, nor an .xlsx workbook")
    first_line = content.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    # a cell may be as long as the file: the caller's own limits name the row (a row's content over its maximum)
    csv.field_size_limit(max(csv.field_size_limit(), len(content) + 1))
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    records = enumerate(reader, start=1)  # the record's number is its row in Excel, whatever line breaks it holds
    try:
        return _as_dicts(((line, [CONTROL.sub("", v) for v in row]) for line, row in records), known)
    except csv.Error as e:
        raise TableError(f"line {reader.line_num}: {e}", line=reader.line_num) from e


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return CONTROL.sub("", str(value))


_MERGE_REF = re.compile(rb"""<(?:\w+:)?mergeCell\b[^>]*?\bref=["']([A-Z]+[0-9]+:[A-Z]+[0-9]+)["']""")
_MERGES_START = re.compile(rb"<(?:\w+:)?mergeCells\b")  # no cell's text holds "<": XML writes it &lt;
_MERGES_END = re.compile(rb"</(?:\w+:)?mergeCells>")
_CHUNK = 1 << 20


def _merged_ranges(book: object, sheet: object) -> list[tuple[int, int, int, int]]:
    """(first row, last row, first column, last column), 1-based, of each merged cell of the sheet that spans rows.
    A read-only sheet does not read them: they are in the sheet's XML after its rows (<mergeCells>), found here by
    decompressing the sheet once more and searching its bytes — no second XML parse, so a sheet without merged cells
    costs little, and a damaged row is reported by the row reader at its own line."""
    from openpyxl.utils.cell import range_boundaries

    archive, path = getattr(book, "_archive", None), getattr(sheet, "_worksheet_path", None)
    if archive is None or path is None:
        return []
    tail, merges, found = b"", b"", []
    with archive.open(path) as source:
        while chunk := source.read(_CHUNK):  # a megabyte at a time: the sheet of a 20 MB workbook is far larger
            data = tail + chunk
            if not merges:
                start = _MERGES_START.search(data)
                if start is None:
                    tail = data[-32:]
                    continue
                data = data[start.start():]
            merges = merges + data if merges else data
            tail = b""
            if _MERGES_END.search(merges):
                break
    for ref in _MERGE_REF.findall(merges):  # only the <mergeCells> element (a few bytes a merge) is kept
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
        if max_row > min_row:
            found.append((min_row, max_row, min_col, max_col))
    return found


def _filled_down(rows: Iterable[tuple[int, list[str]]],
                 merged: list[tuple[int, int, int, int]]) -> Iterator[tuple[int, list[str]]]:
    """The rows with each merged cell's value copied into the rows below it that the merge covers. Linear in rows
    and merges: a merge starts at its first row and stays active to its last."""
    starting: dict[int, list[tuple[int, int]]] = {}
    for first, last, col, _last_col in merged:
        starting.setdefault(first, []).append((last, col))
    active: list[tuple[int, int, str]] = []  # (last row, column, value)
    for line, row in rows:
        if active:
            active = [span for span in active if span[0] >= line]
            for _last, col, value in active:
                if value and (col > len(row) or not row[col - 1]):
                    row = row + [""] * (col - len(row))
                    row[col - 1] = value
        for last, col in starting.pop(line, ()):
            active.append((last, col, row[col - 1] if col <= len(row) else ""))
        yield line, row


def _xlsx_rows(raw: bytes, known: Collection[str]) -> Rows:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, ParseError, zlib.error,
                  EOFError, TypeError)
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except unreadable as e:
        raise TableError(f"not a readable .xlsx workbook ({e})") from e
    line = 0
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong <dimension>: read to the last row there is
        merged = _merged_ranges(book, sheet)

        def cells() -> Iterator[tuple[int, list[str]]]:
            nonlocal line
            for line, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield line, [_cell_text(v) for v in row]

        rows = _as_dicts(_filled_down(cells(), merged), known)
        epoch = getattr(book, "epoch", None)
        if isinstance(epoch, datetime):  # a workbook of the 1904 date system (older Mac Excel) counts days from 1904
            rows.day_zero = epoch.date()
        return rows
    except unreadable as e:
        raise TableError(f"row {line + 1}: the workbook is damaged ({e})", line=line + 1) from e
    finally:
        book.close()


def _as_dicts(rows: Iterable[tuple[int, Sequence[str]]], known: Collection[str]) -> Rows:
    filled = [(line, row) for line, row in rows if any(str(v).strip() for v in row)]
    if not filled:
        return Rows()
    at, band = 0, 1
    header = [str(v).strip() for v in filled[0][1]]
    if known:
        def names(row: Sequence[str]) -> list[bool]:  # "* 标题：" counts as 标题 (required marks, spaces, colons)
            return [re.sub(r"[\s*＊:：]", "", str(v)) in known for v in row]

        def lower_half(row: Sequence[str], upper: Sequence[str]) -> bool:
            """Whether `row` is the lower row of a two-row header under `upper`: every filled cell names a known
            column or stands under an empty cell, and some name stands under an empty cell (办理情况 merged over
            主办单位 | 答复内容). A data row of names only (主题, 详情, 分类 under 标题, 内容, 分类) is none."""
            def empty_above(k: int) -> bool:
                return k >= len(upper) or not str(upper[k]).strip()

            named = names(row)
            return (all(named[k] or not str(v).strip() or empty_above(k) for k, v in enumerate(row))
                    and any(named[k] and empty_above(k) for k in range(len(row))))

        best = max(range(min(HEADER_SCAN, len(filled))), key=lambda k: (sum(names(filled[k][1])), -k))
        at = best if any(names(filled[best][1])) else 0
        header = [str(v).strip() for v in filled[at][1]]
        if any(names(header)):
            # a two-row header (办理情况 over 主办单位 | 答复内容): the row above the best one when it names two
            # columns or more (the best is then its lower row; a title line "年度：2023" is none), else the row
            # below when it is a lower half (lower_half: a data row of 答复, 详情 links is none)
            if at > 0 and sum(names(filled[at - 1][1])) >= 2:
                header = _joined([str(v).strip() for v in filled[at - 1][1]], header)
            elif at + 1 < len(filled) and lower_half(filled[at + 1][1], header):
                header, band = _joined(header, [str(v).strip() for v in filled[at + 1][1]]), 2
    # every named column in every row, "" where a row stops short (a CSV line without its last fields)
    out = Rows((line, {name: (row[k] if k < len(row) else "") for k, name in enumerate(header) if name})
               for line, row in filled[at + band:])
    return out


def _joined(upper: list[str], lower: list[str]) -> list[str]:
    """The column names of a two-row header: the lower row's, and the upper row's where the lower row has none
    (标题 merged down over two rows, 办理情况 over 主办单位)."""
    width = max(len(upper), len(lower))
    upper, lower = upper + [""] * (width - len(upper)), lower + [""] * (width - len(lower))
    return [low or up for up, low in zip(upper, lower, strict=True)]


class Rows(list[tuple[int, dict[str, str]]]):
    """The (line, row) pairs of a table, and the day Excel counts a workbook's dates from (1899-12-30, or
    1904-01-01 in a workbook of the 1904 date system): a date cell in a format the file names by number only
    reaches the reader as that day count (archive._year)."""

    day_zero: date = date(1899, 12, 30)
