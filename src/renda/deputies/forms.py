"""The forms of the deputies pages. They check shapes (a date is a date, a choice is a choice); the rules — an ID
number's checksum, gender and birth date agreeing with it, the state table — are the services', whose FieldInvalid
errors the views put back on the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html_join

from renda.deputies import workflow
from renda.deputies.models import Education, Gender, MandateStatus, Occupation, Party, Person
from renda.organizations.models import RegionLevel

LEVEL_CHOICES = [(RegionLevel.COUNTY.value, "县级代表"), (RegionLevel.TOWNSHIP.value, "乡镇代表"),
                 (RegionLevel.CITY.value, "市级代表")]


def _choice(pairs: Any) -> list[tuple[str, str]]:
    return [("", "全部")] + [(str(pk), label) for pk, label in pairs]


class FilterForm(forms.Form):
    """The list's filters; choices are only what the user may see (a guessed id is simply not a choice)."""

    q = forms.CharField(label="搜索", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "姓名、拼音首字母或身份证号",
                                                      "autocomplete": "off"}))
    congress = forms.TypedChoiceField(label="人民代表大会", required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(label="层级", required=False, choices=[("", "全部"), *LEVEL_CHOICES])
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *MandateStatus.choices])
    district = forms.TypedChoiceField(label="选区", required=False, coerce=int, empty_value=None)
    group = forms.TypedChoiceField(label="代表小组", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, congresses: Any, districts: Any, groups: Any, **kwargs: Any) -> None:
        """Each choice list as (id, label) pairs."""
        super().__init__(*args, **kwargs)
        _set_choices(self, "congress", _choice(congresses))
        _set_choices(self, "district", _choice(districts))
        _set_choices(self, "group", _choice(groups))

    def selects(self) -> list[dict[str, Any]]:
        """The choice fields for a hand-written <select> (Django's widget templates cost ~1 ms per 10 options, and
        a county has a hundred districts and groups to offer)."""
        out = []
        for name in ("congress", "level", "status", "district", "group"):
            bound = self[name]
            value = bound.value()
            current = "" if value is None else str(value)
            # The options as one escaped string: a template loop over a county's 150 options cost ~3 ms a page.
            options = format_html_join("", '<option value="{}"{}>{}</option>', (
                (key, " selected" if str(key) == current else "", label)
                for key, label in getattr(self.fields[name], "choices", [])))
            out.append({"name": name, "label": bound.label, "options": options, "value": current,
                        "errors": bound.errors})
        return out

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is dropped and shown as an error)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if self.is_bound and not self.is_valid():
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return {"congress": data.get("congress"), "status": data.get("status") or "",
                "district": data.get("district"), "group": data.get("group"), "level": data.get("level") or "",
                "q": data.get("q") or ""}


class PersonForm(forms.Form):
    """A person's data. The ID number and phone are never shown in clear here: left empty they stay as they are."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别", choices=Gender.choices)
    ethnicity = forms.CharField(label="民族", max_length=20)
    birth_date = forms.DateField(label="出生日期", required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 help_text="填写身份证号时以身份证号为准")
    party = forms.ChoiceField(label="政治面貌", choices=Party.choices)
    education = forms.ChoiceField(label="文化程度", required=False, choices=[("", "未填"), *Education.choices])
    occupation = forms.ChoiceField(label="职业构成", choices=Occupation.choices)
    organization_post = forms.CharField(label="工作单位及职务", max_length=200, required=False)
    id_number = forms.CharField(label="身份证号", max_length=40, required=False,
                                help_text="留空则不修改；填写新号码将替换原号码")
    phone = forms.CharField(label="手机号码", max_length=30, required=False, help_text="留空则不修改",
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}))
    clear_phone = forms.BooleanField(label="删除手机号码", required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)

    KEPT_WHEN_EMPTY = ("id_number", "phone")

    @classmethod
    def for_person(cls, person: Person, data: Any = None) -> PersonForm:
        initial = {f: getattr(person, f) for f in ("name", "gender", "ethnicity", "birth_date", "party",
                                                   "education", "occupation", "organization_post", "address")}
        return cls(data, initial={**initial, "version": person.version})

    def changes(self, person: Person) -> dict[str, Any]:
        """What differs from the record, for person_update (ID and phone only when typed)."""
        data = self.cleaned_data
        out = {k: v for k, v in data.items()
               if k not in ("version", "clear_phone", *self.KEPT_WHEN_EMPTY) and v != getattr(person, k)}
        if out.get("birth_date") is None and "birth_date" in out and person.id_number:
            out.pop("birth_date")  # the ID's birth date stays
        for key in self.KEPT_WHEN_EMPTY:
            if data.get(key):
                out[key] = data[key]
        if data.get("clear_phone"):
            out["phone"] = ""
        return out


class StatusForm(forms.Form):
    """Ending a mandate: only the moves the state table allows from its current status are offered."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="变更为")
    date = forms.DateField(label="变更日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label="变更原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="如：本人书面提出辞职，经县人大常委会第X次会议接受")

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        targets = workflow.allowed_events(current).values()
        _set_choices(self, "status", [(s, MandateStatus(s).label) for s in targets])


def _set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field: Any = form.fields[name]
    field.choices = choices


class ImportForm(forms.Form):
    file = forms.FileField(label="名册文件（.xlsx）",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    congress = forms.TypedChoiceField(label="导入到", coerce=int)
    dry_run = forms.BooleanField(label="仅检查，不写入", required=False, initial=True)
    all_or_nothing = forms.BooleanField(label="有任何错误则全部不导入", required=False)

    def __init__(self, *args: Any, congresses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "congress", [(c.pk, c.name) for c in congresses])


class StatsForm(forms.Form):
    congress = forms.TypedChoiceField(label="人民代表大会", coerce=int, required=False, empty_value=None)
    term = forms.TypedChoiceField(label="届次", coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label="范围", required=False,
                               choices=[("active", "现有代表（在任）"), ("all", "本届当选的全部代表")])

    def __init__(self, *args: Any, congresses: Any, terms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "congress", [(c.pk, c.name) for c in congresses])
        _set_choices(self, "term", [("", "本届")] + [(t.pk, f"第{t.number}届") for t in terms])
