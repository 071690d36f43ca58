"""Cells for the workbooks the platform writes (openpyxl, write-only).

openpyxl stores a string that starts with "=" as a formula, and Excel or WPS runs it when the file is opened. A
title, an address or a constituent's words are typed by anyone (the portal is public), so every text the platform
writes into a workbook is stored as text: `=HYPERLINK("http://…"&A1, "…")` in an opinion stays those characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell


def cell(sheet: Any, value: Any) -> WriteOnlyCell:
    """A write-only cell holding `value`; a text is never a formula."""
    out = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        out.data_type = "s"
    return out


def row(sheet: Any, values: Iterable[Any]) -> list[WriteOnlyCell]:
    """One row of such cells, for sheet.append()."""
    return [cell(sheet, v) for v in values]
