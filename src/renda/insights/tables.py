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
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

HEADER_SCAN = 10
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


def numbered_rows(raw: bytes, *, known: Collection[str] = ()) -> list[tuple[int, dict[str, str]]]:
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


def _merged_ranges(book: object, sheet: object) -> list[tuple[int, int, int, int]]:
    """(first row, last row, first column, last column), 1-based, of each merged cell of the sheet that spans rows.
    A read-only sheet does not read them: they are in the sheet's XML after its rows, found here by streaming it."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.xml.functions import iterparse

    archive, path = getattr(book, "_archive", None), getattr(sheet, "_worksheet_path", None)
    if archive is None or path is None:
        return []
    found = []
    with archive.open(path) as source:
        for _event, node in iterparse(source):
            if node.tag.endswith("}mergeCell") and node.get("ref"):
                min_col, min_row, max_col, max_row = range_boundaries(node.get("ref"))
                if max_row > min_row:
                    found.append((min_row, max_row, min_col, max_col))
            node.clear()
    return found


def _filled_down(rows: Iterable[tuple[int, list[str]]],
                 merged: list[tuple[int, int, int, int]]) -> Iterator[tuple[int, list[str]]]:
    """The rows with each merged cell's value copied into the rows below it that the merge covers."""
    top: dict[tuple[int, int, int, int], str] = {}
    for line, row in rows:
        for span in merged:
            first, last, col, _last_col = span
            if line == first:
                top[span] = row[col - 1] if col <= len(row) else ""
            elif first < line <= last and top.get(span):
                row = row + [""] * (col - len(row))
                row[col - 1] = row[col - 1] or top[span]
        yield line, row


def _xlsx_rows(raw: bytes, known: Collection[str]) -> list[tuple[int, dict[str, str]]]:
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

        return _as_dicts(_filled_down(cells(), merged), known)
    except unreadable as e:
        raise TableError(f"row {line + 1}: the workbook is damaged ({e})", line=line + 1) from e
    finally:
        book.close()


def _as_dicts(rows: Iterable[tuple[int, Sequence[str]]], known: Collection[str]) -> list[tuple[int, dict[str, str]]]:
    filled = [(line, row) for line, row in rows if any(str(v).strip() for v in row)]
    if not filled:
        return []
    at, band = 0, 1
    if known:
        def names(row: Sequence[str]) -> list[bool]:  # "* 标题：" counts as 标题 (required marks, spaces, colons)
            return [re.sub(r"[\s*＊:：]", "", str(v)) in known for v in row]

        def hits(row: Sequence[str]) -> int:
            return sum(names(row))

        best = max(range(min(HEADER_SCAN, len(filled))), key=lambda k: (hits(filled[k][1]), -k))
        at = best if hits(filled[best][1]) else 0
        # a two-row header: the next row names two columns or more, or names columns and holds nothing else
        if at + 1 < len(filled) and hits(filled[at][1]):
            below = filled[at + 1][1]
            given = [bool(str(v).strip()) for v in below]
            if hits(below) >= 2 or (hits(below) and all(n for n, g in zip(names(below), given, strict=True) if g)):
                band = 2
    header = [str(v).strip() for v in filled[at][1]]
    if band == 2:
        lower = [str(v).strip() for v in filled[at + 1][1]]
        header += [""] * (len(lower) - len(header))
        header = [low or up for up, low in zip(header, lower + [""] * (len(header) - len(lower)), strict=True)]
    # every named column in every row, "" where a row stops short (a CSV line without its last fields)
    return [(line, {name: (row[k] if k < len(row) else "") for k, name in enumerate(header) if name})
            for line, row in filled[at + band:]]
