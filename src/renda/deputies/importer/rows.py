"""Cleaning one row: every cell normalised (full-width, spaces, dates, words), every bad field an error."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from renda.core import crypto
from renda.deputies import validation
from renda.deputies.importer.columns import (
    EDUCATION_PATTERNS,
    LEVEL_WORDS,
    OCCUPATION_WORDS,
    PARTY_WORDS,
    TEXT_LIMITS,
)
from renda.deputies.importer.workbook import Roster
from renda.deputies.models import DeputyGroup, ElectoralDistrict
from renda.deputies.validation import FieldInvalid, clean_text
from renda.organizations.models import Congress, Term


@dataclass
class Row:
    line: int
    values: dict[str, Any] = field(default_factory=dict)   # cleaned person fields present in the row
    id_number: str = ""
    id_hash: str = ""
    level: str = ""
    district: str = ""
    group: str = ""
    elected_on: Any = None
    target: Congress | None = None
    term: Term | None = None
    district_obj: ElectoralDistrict | None = None
    group_obj: DeputyGroup | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, name: str, code: str, message: str) -> None:
        self.errors.append({"row": self.line, "field": name, "code": code, "message": f"第 {self.line} 行：{message}"})


def _map_word(row: Row, name: str, raw: Any, words: dict[str, str]) -> str | None:
    text = "".join(clean_text(raw).split())
    if not text:
        return None
    code = words.get(text) or words.get(re.sub(r"\(.*?\)$", "", text))
    if code is None:
        row.error(name, f"{name}_unknown", f"{validation.FIELD_LABELS[name]}“{text}”无法识别")
    return code


def _education(row: Row, raw: Any) -> str | None:
    text = clean_text(raw)
    if not text:
        return None
    for pattern, code in EDUCATION_PATTERNS:
        if re.search(pattern, text):
            return code
    row.error("education", "education_unknown", f"文化程度“{text}”无法识别")
    return None


def clean_row(line: int, cells: tuple[Any, ...], columns: dict[str, int]) -> Row | None:
    """One row's values, cleaned, with its field errors; None for a row with neither name nor ID (a note)."""
    raw = {name: (cells[col] if col < len(cells) else None) for name, col in columns.items()}
    name = validation.clean_name(raw.get("name"))
    if not name and not clean_text(raw.get("id_number")):
        return None
    row = Row(line=line)
    row.values["name"] = name
    if not name:
        row.error("name", "name_required", "姓名不能为空")
    for key, limit in TEXT_LIMITS.items():
        text = name if key == "name" else clean_text(raw.get(key))
        if len(text) > limit:
            row.error(key, f"{key}_too_long", f"{validation.FIELD_LABELS[key]}超过 {limit} 个字")
        elif text and key != "name":
            row.values[key] = text
    try:
        row.id_number = validation.validate_id_number(raw.get("id_number"))
        row.id_hash = crypto.keyed_hash(row.id_number)
    except FieldInvalid as exc:
        row.error("id_number", exc.code, exc.message)
    for key, check in (("gender", validation.check_gender), ("birth_date", validation.check_birth_date)):
        if row.id_number:
            try:
                row.values[key] = check(row.id_number, raw.get(key))
            except FieldInvalid as exc:
                row.error(key, exc.code, exc.message)
    for key, cleaner in (("phone", validation.validate_mobile), ("ethnicity", validation.clean_ethnicity)):
        try:
            value: Any = cleaner(raw.get(key))
        except FieldInvalid as exc:
            row.error(key, exc.code, exc.message)
        else:
            if value:
                row.values[key] = value
    for key, value in (("party", _map_word(row, "party", raw.get("party"), PARTY_WORDS)),
                       ("occupation", _map_word(row, "occupation", raw.get("occupation"), OCCUPATION_WORDS)),
                       ("education", _education(row, raw.get("education")))):
        if value:
            row.values[key] = value
    level_text = "".join(clean_text(raw.get("level")).split())
    level_text = re.sub(r"(人大代表|人大|代表)$", "", level_text)
    if level_text:
        row.level = LEVEL_WORDS.get(level_text, "")
        if not row.level:
            row.error("level", "level_invalid", f"代表层级“{level_text}”无法识别（应为县、乡镇、市等）")
    row.district = clean_text(raw.get("district"))
    row.group = clean_text(raw.get("group"))
    try:
        row.elected_on = validation.parse_date(raw.get("elected_on"), field="elected_on")
    except FieldInvalid as exc:
        row.error("elected_on", exc.code, exc.message)
    return row


ProgressFn = Callable[[str, int, int], None]


def clean_rows(roster: Roster, progress: ProgressFn | None = None, every: int = 500) -> list[Row]:
    rows: list[Row] = []
    for count, (line, cells) in enumerate(roster.rows, start=1):
        row = clean_row(line, cells, roster.columns)
        if row is not None:
            rows.append(row)
        if progress and count % every == 0:
            progress("checking", count, roster.estimated_rows)
    return rows


def group_errors(rows: list[Row]) -> list[dict[str, Any]]:
    return [err for row in rows for err in row.errors]

