"""Reading a table a clerk or a contest hands over: a CSV file (UTF-8 with or without BOM, or GB18030 as Excel and
WPS save it in Chinese Windows; comma- or tab-separated) or the first sheet of an .xlsx workbook. The header is the
first non-empty row — or, when the caller names the columns it knows, the row among the first HEADER_SCAN non-empty
ones that has the most of them (a ledger often has a title line above its header, as the platform's own 台账
export does). Names are trimmed; empty rows are skipped; values are text, a date-time cell written
"YYYY-MM-DD HH:MM:SS". Each row keeps its line number in the file (the Excel row, or the CSV line it starts on), so
an error can name it."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from pathlib import Path

HEADER_SCAN = 10


class TableError(ValueError):
    """The file as a whole cannot be read."""


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
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)

    def lines() -> Iterable[tuple[int, Sequence[str]]]:
        start = 1
        for row in reader:
            yield start, row
            start = reader.line_num + 1

    try:
        return _as_dicts(lines(), known)
    except csv.Error as e:
        raise TableError(f"line {reader.line_num}: {e}") from e


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(raw: bytes, known: Collection[str]) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise TableError(f"not a readable .xlsx workbook ({e})") from e
    try:
        sheet = book.worksheets[0]
        return _as_dicts(((line, [_cell_text(v) for v in row])
                          for line, row in enumerate(sheet.iter_rows(values_only=True), start=1)), known)
    finally:
        book.close()


def _as_dicts(rows: Iterable[tuple[int, Sequence[str]]], known: Collection[str]) -> list[tuple[int, dict[str, str]]]:
    filled = [(line, row) for line, row in rows if any(str(v).strip() for v in row)]
    if not filled:
        return []
    at = 0
    if known:
        def hits(row: Sequence[str]) -> int:  # "* 标题：" counts as 标题 (required marks, spaces, colons)
            return sum(re.sub(r"[\s*＊:：]", "", str(v)) in known for v in row)

        best = max(range(min(HEADER_SCAN, len(filled))), key=lambda k: (hits(filled[k][1]), -k))
        at = best if hits(filled[best][1]) else 0
    header = [str(v).strip() for v in filled[at][1]]
    return [(line, {name: value for name, value in zip(header, row, strict=False) if name})
            for line, row in filled[at + 1:]]
