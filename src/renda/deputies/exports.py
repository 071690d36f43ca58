"""Roster export (.xlsx, the import's own columns) and the printable roster in 姓氏笔画 order.

The export holds the caller's scope narrowed by the list's filters, one row per mandate (a deputy of two levels has
two rows, as the import expects). ID numbers and phones are masked unless the caller asks for the plain values
and their role may reveal them (pii.can_reveal). Every export writes an audit entry (deputy.export); an unmasked
one also writes a person.reveal entry naming every person whose data left the system in clear — in the same
transaction as the read, like a single reveal.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from renda.core import audit, sheets
from renda.core.errors import Forbidden
from renda.core.masking import mask_id_number, mask_phone
from renda.deputies import pii, strokes
from renda.deputies.models import Education, Gender, Mandate, Occupation, Party
from renda.organizations.models import RegionLevel

# The import's columns (importer.HEADER_ALIASES: the first name of each), in the order counties keep them.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "姓名"), ("gender", "性别"), ("ethnicity", "民族"), ("birth_date", "出生年月"),
    ("party", "政治面貌"), ("education", "文化程度"), ("occupation", "职业构成"),
    ("organization_post", "工作单位及职务"), ("id_number", "身份证号"), ("phone", "手机号码"), ("address", "住址"),
    ("district", "选区"), ("level", "代表层级"), ("group", "代表小组"), ("elected_on", "当选日期"),
)
# The words the importer reads back for each level (importer.LEVEL_WORDS).
LEVEL_WORDS: dict[str, str] = {RegionLevel.PROVINCE: "省", RegionLevel.CITY: "市", RegionLevel.COUNTY: "县",
               RegionLevel.TOWNSHIP: "乡镇"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_LABELS = {"gender": dict(Gender.choices), "party": dict(Party.choices), "education": dict(Education.choices),
           "occupation": dict(Occupation.choices)}


def roster_order(mandates: Iterable[Mandate]) -> list[Mandate]:
    """Congress by congress (the higher level first), each in 姓氏笔画 order."""
    return sorted(mandates, key=lambda m: (m.congress.region.depth, m.congress.region.path,
                                           strokes.name_key(m.person.name), m.person_id))


def _group_name(mandate: Mandate) -> str:
    groups = getattr(mandate, "current_groups", None) or []
    return groups[0].group.name if groups else ""


def row_values(mandate: Mandate, *, unmasked: bool) -> dict[str, Any]:
    p = mandate.person
    return {
        "name": p.name, "gender": _LABELS["gender"].get(p.gender, ""), "ethnicity": p.ethnicity,
        "birth_date": p.birth_date, "party": _LABELS["party"].get(p.party, ""),
        "education": _LABELS["education"].get(p.education, ""),
        "occupation": _LABELS["occupation"].get(p.occupation, ""), "organization_post": p.organization_post,
        "id_number": p.id_number if unmasked else mask_id_number(p.id_number),
        "phone": p.phone if unmasked else mask_phone(p.phone), "address": p.address,
        "district": mandate.district.name if mandate.district else "",
        "level": LEVEL_WORDS.get(str(mandate.congress.region.level), ""), "group": _group_name(mandate),
        "elected_on": mandate.elected_on,
    }


def _workbook(rows: list[Mandate], *, unmasked: bool, title: str) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("代表名册")
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["H"].width = 30
    ws.column_dimensions["I"].width = 22
    ws.append(sheets.row(ws, [title]))
    ws.append([label for _, label in COLUMNS])
    for mandate in rows:
        values = row_values(mandate, unmasked=unmasked)
        out = []
        for key, _ in COLUMNS:
            cell = sheets.cell(ws, values[key] if values[key] != "" else None)
            if isinstance(values[key], dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif key in ("id_number", "phone"):
                cell.number_format = "@"        # text: Excel must not turn an ID into 4.4E+17
            out.append(cell)
        ws.append(out)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass
class Export:
    content: bytes
    filename: str
    rows: int


def export_roster(*, actor: Any, mandates: Iterable[Mandate], unmasked: bool = False,
                  filters: dict[str, Any] | None = None, title: str = "代表名册") -> Export:
    """The .xlsx of `mandates` (already narrowed to the actor's scope by the caller's selector), audited."""
    if unmasked and not pii.can_reveal(actor):
        raise Forbidden("您的角色无权导出完整的身份证号和手机号码")
    with transaction.atomic():
        rows = roster_order(mandates)
        stamp = timezone.localtime()
        content = _workbook(rows, unmasked=unmasked, title=f"{title}（导出于 {stamp:%Y-%m-%d %H:%M}）")
        people = sorted({m.person_id for m in rows})
        audit.record(actor=actor, action="deputy.export", object_type="deputies.person",
                     object_repr=f"{title}（{len(rows)} 行）",
                     after={"rows": len(rows), "people": len(people), "unmasked": unmasked,
                            "filters": {k: v for k, v in (filters or {}).items() if v not in (None, "")}})
        if unmasked and people:
            audit.record(actor=actor, action="person.reveal", object_type="deputies.person",
                         object_repr=f"导出名册中的 {len(people)} 人",
                         after={"fields": ["id_number", "phone"], "via": "deputy.export", "people": people})
    return Export(content=content, filename=f"代表名册-{stamp:%Y%m%d-%H%M}.xlsx", rows=len(rows))
