"""The administrator's entry of one year's schedule: one line per day or range, "2027-10-01~2027-10-07 国庆节"."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django import forms

LINE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:~|～|至|--|—)\s*(\d{4}-\d{1,2}-\d{1,2}))?\s+(\S.*)$")


def parse_lines(text: str) -> list[tuple[date, str]]:
    """Days from lines of "date[~date] name"; ValidationError naming the first bad line."""
    rows: list[tuple[date, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = LINE.match(line)
        if not match:
            raise forms.ValidationError(
                f"第 {number} 行格式有误：应为“2027-10-01~2027-10-07 国庆节”或“2027-09-26 国庆节”")
        try:
            first = date.fromisoformat(_pad(match.group(1)))
            last = date.fromisoformat(_pad(match.group(2))) if match.group(2) else first
        except ValueError:
            raise forms.ValidationError(f"第 {number} 行的日期无效") from None
        if last < first or (last - first).days > 31:
            raise forms.ValidationError(f"第 {number} 行的日期区间无效")
        day = first
        while day <= last:
            rows.append((day, match.group(3).strip()))
            day += timedelta(days=1)
    return rows


def _pad(text: str) -> str:
    y, m, d = text.split("-")
    return f"{y}-{int(m):02d}-{int(d):02d}"


def format_lines(rows: list[tuple[date, str]]) -> str:
    """The inverse of parse_lines, joining consecutive days of one name into a range."""
    out: list[str] = []
    i = 0
    while i < len(rows):
        start, name = rows[i]
        end = start
        while i + 1 < len(rows) and rows[i + 1][1] == name and rows[i + 1][0] == end + timedelta(days=1):
            i += 1
            end = rows[i][0]
        out.append(f"{start}~{end} {name}" if end != start else f"{start} {name}")
        i += 1
    return "\n".join(out)


class CalendarYearForm(forms.Form):
    holidays = forms.CharField(label="放假日期", widget=forms.Textarea(attrs={"rows": 10}),
                               help_text="每行一段：起始日期~结束日期 节日名称，含放假期间的周末。")
    makeup_days = forms.CharField(label="调休上班日期", required=False, widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text="每行一天：日期 节日名称（须为周六或周日）。")
    source_detail = forms.CharField(label="依据", required=False, max_length=200,
                                    help_text="如：国务院办公厅关于2027年部分节假日安排的通知")

    def clean_holidays(self) -> list[tuple[date, str]]:
        return parse_lines(self.cleaned_data["holidays"])

    def clean_makeup_days(self) -> list[tuple[date, str]]:
        return parse_lines(self.cleaned_data.get("makeup_days") or "")

    def add_domain_errors(self, fields: dict[str, Any]) -> None:
        for name, messages in fields.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
