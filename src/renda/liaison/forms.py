"""Forms of the portal and of the staff pages; they check shapes and lengths only — rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms

from renda.core.settings_registry import platform_setting
from renda.liaison.models import ExceptionKind, NotAcceptedReason, Satisfaction, StationKind
from renda.liaison.recurrence import PRESETS


class PortalOpinionForm(forms.Form):
    content = forms.CharField(label="您的意见或建议", max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))
    village = forms.TypedChoiceField(label="您所在的村（社区）", required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label="问题类别", required=False)
    name = forms.CharField(label="您的姓名", required=False, max_length=50)
    phone = forms.CharField(label="联系电话", required=False, max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
    website = forms.CharField(label="网址（请勿填写）", required=False, max_length=200)

    def __init__(self, *args: Any, villages: list[tuple[int, str]], categories: list[str], require_contact: bool,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = int(platform_setting("liaison.opinion_max_chars"))
        self.fields["content"].widget.attrs["maxlength"] = str(limit)  # the service enforces it too
        self.fields["content"].help_text = f"最多 {limit} 个字"
        village: Any = self.fields["village"]
        village.choices = [("", "不选择"), *villages]
        category: Any = self.fields["category"]
        category.choices = [("", "不清楚，请工作人员分类"), *[(c, c) for c in categories]]
        if require_contact:
            self.fields["name"].required = self.fields["phone"].required = True
        self.fields["name"].widget.attrs["autocomplete"] = "name"


class TrackForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=20,
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off",
                                                         "spellcheck": "false"}))


class EvaluateForm(forms.Form):
    satisfaction = forms.ChoiceField(label="您对答复是否满意", choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="补充说明（选填）", required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3}))
    # asked only when the constituent left a phone (services.public.asks_phone); the service checks it
    phone = forms.CharField(label="您留言时登记的联系电话", required=False, max_length=24)


# --- staff --------------------------------------------------------------------------------------------------------
class StationForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=StationKind.choices)
    region = forms.TypedChoiceField(label="所在区域", coerce=int)
    address = forms.CharField(label="地址", max_length=200)
    opening_hours = forms.CharField(label="开放时间", max_length=200, required=False)
    phone = forms.CharField(label="联系电话（公开）", max_length=30, required=False,
                            help_text="联络站的办公电话，会在公众页面公开；请勿填写个人手机")

    def __init__(self, *args: Any, regions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = regions  # type: ignore[attr-defined]


class ScheduleForm(forms.Form):
    preset = forms.ChoiceField(label="接待日规则", required=False,
                               choices=[*PRESETS, ("custom", "自定义（填写下方 RRULE）")])
    rule = forms.CharField(label="自定义规则（iCalendar RRULE）", required=False, max_length=300,
                           help_text="例如 FREQ=MONTHLY;BYMONTHDAY=1,11,21")
    title = forms.CharField(label="名称", max_length=100, initial="代表接待日")
    starts_on = forms.DateField(label="起始日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="开始时间", widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label="结束时间", widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label="地点", max_length=200, required=False, help_text="留空则为联络站地址")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def chosen_rule(self) -> str:
        preset = self.cleaned_data.get("preset")
        return self.cleaned_data.get("rule", "") if preset in ("", "custom", None) else preset


class ExceptionForm(forms.Form):
    kind = forms.ChoiceField(label="调整方式", choices=ExceptionKind.choices)
    date = forms.DateField(label="原定日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    new_date = forms.DateField(label="新日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="原因", max_length=200)


class OpinionRegisterForm(forms.Form):
    channel = forms.ChoiceField(label="来源", choices=[("reception", "接待日登记"), ("phone", "电话"),
                                                      ("letter", "来信来访")])
    content = forms.CharField(label="意见内容", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    category = forms.ChoiceField(label="分类", required=False)
    name = forms.CharField(label="群众姓名", required=False, max_length=50)
    phone = forms.CharField(label="联系电话", required=False, max_length=20)

    def __init__(self, *args: Any, categories: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "暂不分类"), *[(c, c) for c in categories]]  # type: ignore[attr-defined]


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label="不予受理原因", choices=NotAcceptedReason.choices)
    note = forms.CharField(label="告知群众的说明", required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
