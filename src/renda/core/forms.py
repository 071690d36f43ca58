"""The audit administrator's filter over the audit log (the same filter drives the list and the export)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from renda.core.roles import Role


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label="起始日期", required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    user = forms.CharField(label="用户名", required=False, max_length=150)
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部角色"), *Role.choices])
    action = forms.CharField(label="操作", required=False, max_length=64,
                             help_text="操作代码或其前缀，如 setting. 或 user.create")
    object_type = forms.ChoiceField(label="对象类型", required=False)
    object_id = forms.CharField(label="对象编号", required=False, max_length=64)
    q = forms.CharField(label="关键词", required=False, max_length=100,
                        help_text="在用户、对象、IP 和变更内容中查找")

    def __init__(self, *args: Any, object_types: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "全部类型"), *object_types]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return data

    def time_range(self) -> tuple[datetime | None, datetime | None]:
        """The chosen days as a half-open range of aware datetimes in the platform's time zone."""
        zone = timezone.get_current_timezone()
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        return (datetime.combine(start, time.min, tzinfo=zone) if start else None,
                datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone) if end else None)

    def active_filters(self) -> dict[str, str]:
        """What the user filtered by, as text (kept in the audit entry of an export)."""
        return {name: str(value) for name, value in self.cleaned_data.items() if value not in (None, "")}
