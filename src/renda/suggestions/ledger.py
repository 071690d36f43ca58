"""台账: the year's suggestions of the caller's scope as an .xlsx workbook — one row per suggestion, then the
figures overall and by lead unit. Written row by row (openpyxl write-only), so a province's year fits in memory."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.styles import Font

from renda.core import sheets
from renda.suggestions import stats, workflow
from renda.suggestions.models import Assignment, CoSigner, Suggestion, UnitRole

COLUMNS = ["编号", "标题", "类别", "提出途径", "领域分类", "领衔代表", "附议代表", "所在乡镇", "状态", "立案日期",
           "交办日期", "主办单位", "协办单位", "答复期限", "首次答复日期", "办理结果", "代表评价", "见面沟通",
           "超期", "重点督办", "办结日期"]


def _rows(qs: QuerySet[Suggestion], today: date) -> Any:
    qs = qs.select_related("lead_deputy", "lead_unit", "township").prefetch_related(
        Prefetch("cosigners", queryset=CoSigner.objects.select_related("person")),
        Prefetch("assignments", queryset=Assignment.objects.filter(active=True, role=UnitRole.CO)
                 .select_related("unit"), to_attr="co"))
    for s in qs.order_by("number", "id").iterator(chunk_size=2000):
        overdue = bool(s.overdue_since) or (s.status in workflow.OPEN_HANDLING and s.deadline is not None
                                            and s.deadline < today)
        yield [s.number, s.title, s.get_kind_display(), s.get_channel_display(), s.category, s.lead_deputy.name,
               "、".join(c.person.name for c in s.cosigners.all()), s.township.name if s.township else "",
               s.get_status_display(), s.accepted_on, s.assigned_on, s.lead_unit.name if s.lead_unit else "",
               "、".join(a.unit.name for a in s.co), s.deadline, s.first_replied_on, s.result_class,
               s.get_satisfaction_display() if s.satisfaction else "", "是" if s.met_in_person else "",
               "是" if overdue else "", "是" if s.key_supervised else "", s.closed_on]


def _header(ws: Any, values: list[str]) -> None:
    cells = []
    for value in values:
        cell = sheets.cell(ws, value)
        cell.font = Font(bold=True)
        cells.append(cell)
    ws.append(cells)


def build_ledger(qs: QuerySet[Suggestion], *, year: int, today: date, scope_name: str) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"{year}年建议台账")
    ws.append(sheets.row(ws, [f"{scope_name} {year}年代表建议办理台账（导出日期 {today}）"]))
    _header(ws, COLUMNS)
    for row in _rows(stats.admitted(qs, year), today):
        ws.append(sheets.row(ws, row))
    figures = wb.create_sheet("办理情况统计")
    names = list(stats.FIGURE_LABELS)
    _header(figures, ["范围", *[stats.FIGURE_LABELS[n] + ("（%）" if "rate" in n or "share" in n else "")
                               for n in names]])
    total = stats.figures(qs, year=year, today=today).as_dict()
    figures.append(sheets.row(figures, ["合计", *[total[n] for n in names]]))
    for group in stats.figures_by(qs, by="unit", year=year, today=today):
        figures.append(sheets.row(figures, [group["label"] if group["key"] else "未交办",
                                            *[group[n] for n in names]]))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
