"""Printable documents as .docx in the official document format (GB/T 9704-2012 党政机关公文格式):
A4; margins top 37 mm, bottom 35 mm, left (binding) 28 mm, right 26 mm (a 156 × 225 mm text block);
title in 2号小标宋 (22 pt), centred; body in 3号仿宋 (16 pt), 22 lines of 28 characters, first-line indent of two
characters; date in Arabic numerals, right-aligned four characters in; page numbers "— 1 —" in 4号宋体.

- the supervision card (督办卡) of a key supervised suggestion;
- the assignment letter (交办函) that hands it to its lead unit.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from renda.organizations.models import RegionLevel
from renda.suggestions.models import Assignment, ProgressKind, SupervisionCard, UnitRole

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
TABLE_PT = 14  # 4号, so that the card's table fits the text block
LINE_PT = 28.95  # 225 mm / 22 lines


def _set_font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _new_document() -> Any:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    _page_numbers(section)
    return doc


def _page_numbers(section: Any) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, 14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    _set_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, 14)


def _title(doc: Any, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing = Pt(35)
    _set_font(paragraph.add_run(text), TITLE_FONT, TITLE_PT)
    doc.add_paragraph()  # one empty line under the title


def _body(doc: Any, text: str, *, indent: bool = True, align: Any = None, font: str = BODY_FONT) -> Any:
    paragraph = doc.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    if align is not None:
        paragraph.alignment = align
    _set_font(paragraph.add_run(text), font, BODY_PT)
    return paragraph


def _date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def issuer(congress: Any) -> str:
    """Who signs: a township congress's presidium, or the county standing committee's office."""
    region = congress.region
    if region.level == RegionLevel.TOWNSHIP:
        return f"{congress.name}主席团"
    return f"{region.name}人大常委会办公室"


def _units(card: SupervisionCard) -> tuple[str, str]:
    s = card.suggestion
    co = Assignment.objects.filter(suggestion=s, role=UnitRole.CO, active=True).select_related("unit")
    return (s.lead_unit.name if s.lead_unit else "（待交办）"), "、".join(a.unit.name for a in co) or "无"


def _save(doc: Any) -> bytes:
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def supervision_card_docx(card: SupervisionCard) -> bytes:
    s = card.suggestion
    lead_unit, co_units = _units(card)
    doc = _new_document()
    _title(doc, f"{card.year}年重点督办建议督办卡")
    _body(doc, f"编号：{s.number}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    entries = list(card.entries.all())
    progress = "\n".join(f"{e.recorded_on:%Y-%m-%d} {e.text}" for e in entries if e.kind != ProgressKind.FEEDBACK)
    feedback = "\n".join(f"{e.recorded_on:%Y-%m-%d} {e.text}" for e in entries if e.kind == ProgressKind.FEEDBACK)
    rows = [
        ("建议标题", s.title),
        ("领衔代表", s.lead_deputy.name),
        ("附议代表", "、".join(c.person.name for c in s.cosigners.select_related("person")) or "无"),
        ("主办单位", lead_unit),
        ("协办单位", co_units),
        ("督办领导", f"{card.leader.name}（{card.leader_post}）" if card.leader_post else card.leader.name),
        ("督办责任", card.responsibility),
        ("办理要求", card.requirements or "按期办结，答复代表，代表满意"),
        ("办结时限", _date(card.deadline)),
        ("交办会", f"{_date(card.meeting.held_on)} {card.meeting.place}" if card.meeting else "—"),
        ("办理进展", progress or "—"),
        ("办结反馈", feedback or "—"),
        ("代表评价", s.get_satisfaction_display() if s.satisfaction else "—"),
    ]
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, (label, value) in enumerate(rows):
        left, right = table.rows[i].cells
        left.width, right.width = Mm(32), Mm(124)
        left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(left.paragraphs[0].add_run(label), HEADING_FONT, TABLE_PT)
        _set_font(right.paragraphs[0].add_run(value), BODY_FONT, TABLE_PT)
    doc.add_paragraph()
    _body(doc, f"{issuer(s.congress)}制", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return _save(doc)


def assignment_letter_docx(card: SupervisionCard, *, issued_on: date) -> bytes:
    s = card.suggestion
    lead_unit, co_units = _units(card)
    doc = _new_document()
    _title(doc, "关于交办重点督办建议的函")
    _body(doc, f"{lead_unit}：", indent=False)
    co = f"，{co_units}协办" if co_units != "无" else ""
    _body(doc, f"经研究，决定将{s.lead_deputy.name}代表领衔提出的《{s.title}》（第{s.number}号）列为{card.year}年度"
               f"重点督办建议，由你单位主办{co}，{card.leader.name}同志督办。现将有关事项函告如下：")
    _body(doc, "一、督办责任", font=HEADING_FONT)
    _body(doc, card.responsibility)
    _body(doc, "二、办结时限", font=HEADING_FONT)
    _body(doc, f"请于{_date(card.deadline)}前办结并书面答复代表，同时抄送本机关。")
    _body(doc, "三、办理要求", font=HEADING_FONT)
    _body(doc, card.requirements or "请主要负责同志亲自研究，当面听取代表意见，确保按期办结、取得实效。")
    doc.add_paragraph()
    _body(doc, "附件：重点督办建议督办卡")
    doc.add_paragraph()
    doc.add_paragraph()
    signer = _body(doc, issuer(s.congress), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signer.paragraph_format.right_indent = Pt(BODY_PT * 2)
    dated = _body(doc, _date(issued_on), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    dated.paragraph_format.right_indent = Pt(BODY_PT * 4)  # 右空四字
    return _save(doc)
