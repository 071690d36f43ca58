"""Opening the .xlsx and finding its header band (title rows and merged header cells above it are fine)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse  # the parser openpyxl reads the rest of the file with

from renda.core.errors import Invalid
from renda.deputies import validation
from renda.deputies.importer.columns import ALIAS_TO_FIELD, HEADER_SCAN_ROWS, REQUIRED_COLUMNS, norm_header


class ImportFileError(Invalid):
    """The file as a whole cannot be read: one clear error, no row list."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code, fields={"file": [message]})


@dataclass
class Roster:
    columns: dict[str, int]          # field → 0-based column
    header_line: int                 # the Excel line of the header row
    data_start: int                  # first Excel line after the header band
    estimated_rows: int
    rows: Iterator[tuple[int, tuple[Any, ...]]]   # (Excel line, values) after the header


_SI, _T, _R = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))


def read_shared_strings(source: Any) -> list[str]:
    """The workbook's shared strings as openpyxl's read_string_table reads them (each <si>: its <t>, then the <t> of
    each rich-text run <r>; phonetic runs <rPh> left out; the x005F_ escape removed), without building openpyxl's
    Text objects for each: a county roster is mostly shared strings, and that was a seventh of the import's time."""
    strings = []
    for _event, node in iterparse(source):
        if node.tag != _SI:
            continue
        parts = []
        for child in node:
            if child.tag == _T:
                parts.append(child.text or "")
            elif child.tag == _R:
                run = child.find(_T)
                if run is not None:
                    parts.append(run.text or "")
        strings.append("".join(parts).replace("x005F_", ""))
        node.clear()
    return strings


class _RosterReader(ExcelReader):
    """openpyxl's reader (read-only, values only) with the faster shared-strings table above."""

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = read_shared_strings(source)


def _open(data: bytes) -> Any:
    if not data:
        raise ImportFileError("file_empty", "文件是空的，请选择名册文件")
    if data[:4] != b"PK\x03\x04":
        raise ImportFileError("file_not_xlsx", "文件不是 Excel .xlsx 格式；如为 .xls、.et 或 .csv，请在 Excel 或 WPS "
                                               "中“另存为” .xlsx 后再导入")
    try:
        reader = _RosterReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read()
        return reader.wb
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError("file_not_xlsx", "文件无法作为 Excel .xlsx 打开，可能已损坏或不是名册文件") from None


def _match(row: tuple[Any, ...]) -> dict[int, str]:
    found: dict[int, str] = {}
    for col, value in enumerate(row):
        name = ALIAS_TO_FIELD.get(norm_header(value)) if isinstance(value, str) else None
        if name:
            found[col] = name
    return found


def _find_header(head: list[tuple[Any, ...]]) -> tuple[int, dict[str, int], int] | None:
    """(index of the header row, columns, index of the first data row) from the first rows of a sheet."""
    matches = [_match(row) for row in head]
    best = max(range(len(head)), key=lambda i: (len(set(matches[i].values())), -i), default=None)
    if best is None or len(set(matches[best].values())) < 2:
        return None
    band = [best]
    # A merged header spans two rows: a row right above or below that also names columns belongs to it.
    if best + 1 < len(head) and matches[best + 1] and not _looks_like_data(head[best + 1]):
        band.append(best + 1)
    if best > 0 and matches[best - 1]:
        band.insert(0, best - 1)
    columns: dict[str, int] = {}
    by_col: dict[int, str] = {}
    for i in reversed(band):            # the lower row names the sub-column: it wins
        for col, name in matches[i].items():
            if col not in by_col and name not in columns:
                by_col[col] = name
                columns[name] = col
    return best, columns, band[-1] + 1


def _looks_like_data(row: tuple[Any, ...]) -> bool:
    return any(isinstance(v, int | float) or (isinstance(v, str) and re.search(r"\d{6,}", v)) for v in row)


def read_roster(data: bytes) -> Roster:
    """Open the workbook and find its header; ImportFileError if it is no roster."""
    workbook = _open(data)
    seen_any = False
    for sheet in workbook.worksheets:
        # The sheet's <dimension> gives the row count for free; a writer that leaves it out gets an estimate
        # from the file size (~80 bytes a row, compressed) so that a big file still goes to the background.
        estimated = sheet.max_row if (sheet.max_row or 0) > 1 else len(data) // 80
        sheet.reset_dimensions()   # some writers store a wrong <dimension>; read to the real end
        rows = sheet.iter_rows(values_only=True)
        head = [row for _, row in zip(range(HEADER_SCAN_ROWS), rows, strict=False)]
        if any(any(v not in (None, "") for v in row) for row in head):
            seen_any = True
        found = _find_header(head)
        if found is None:
            continue
        best, columns, start = found
        missing = [validation.FIELD_LABELS[c] for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise ImportFileError("header_missing_column", f"表头缺少必需的列：{'、'.join(missing)}")

        def body(head: list[tuple[Any, ...]] = head, rows: Iterator[Any] = rows,
                 start: int = start) -> Iterator[tuple[int, tuple[Any, ...]]]:
            for i in range(start, len(head)):
                yield i + 1, head[i]
            yield from enumerate(rows, start=len(head) + 1)

        return Roster(columns=columns, header_line=best + 1, data_start=start + 1,
                      estimated_rows=max(estimated - start, 0), rows=body())
    if not seen_any:
        raise ImportFileError("file_empty", "名册是空的：工作表中没有任何内容")
    raise ImportFileError("header_not_found", "未找到表头：前 10 行中应有一行包含“姓名”“身份证号”等列名")

