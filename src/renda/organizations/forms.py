"""The settings page's form: one group of a congress's [setting] values, each with the value the user was shown
(so a change made meanwhile by someone else is refused, not overwritten)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from renda.core.settings_registry import SettingSpec

SHOWN_SUFFIX = "__shown"


def encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class SpecField(forms.Field):
    """A form field that lets the setting's own spec turn the submitted text into the stored value."""

    def __init__(self, spec: SettingSpec, **kwargs: Any) -> None:
        self.spec = spec
        kwargs.setdefault("widget", self._widget(spec))
        super().__init__(label=spec.label, help_text=spec.help, required=False, **kwargs)

    @staticmethod
    def _widget(spec: SettingSpec) -> forms.Widget:
        if spec.kind == "int":
            attrs = {k: v for k, v in (("min", spec.min_value), ("max", spec.max_value)) if v is not None}
            return forms.NumberInput(attrs=attrs)
        if spec.kind == "bool":
            return forms.CheckboxInput()
        if spec.kind == "choice":
            return forms.Select(choices=spec.choices)
        if spec.kind in ("list", "json"):
            return forms.Textarea(attrs={"rows": 3})
        if spec.kind == "lines":
            return forms.Textarea(attrs={"rows": 6})
        return forms.TextInput()

    def prepare_value(self, value: Any) -> Any:
        if self.spec.kind in ("list", "lines") and isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        if self.spec.kind == "json" and not isinstance(value, str):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def to_python(self, value: Any) -> Any:
        if self.spec.kind == "json" and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ValidationError(f"“{self.spec.label}”不是有效的 JSON") from None
        try:
            return self.spec.clean(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class SettingsGroupForm(forms.Form):
    """The settings of one group for one congress, pre-filled with their current values."""

    def __init__(self, *args: Any, specs: Sequence[SettingSpec], current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specs = list(specs)
        for s in self.specs:
            self.fields[s.key] = SpecField(s, initial=current[s.key])
            self.fields[s.key + SHOWN_SUFFIX] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=encode(current[s.key]))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for s in self.specs:
            try:
                json.loads(data.get(s.key + SHOWN_SUFFIX) or "")
            except ValueError:
                raise ValidationError("页面已过期，请刷新后重新填写") from None
        return data

    def shown(self, key: str) -> Any:
        """The value the user saw when the page was drawn."""
        return json.loads(self.cleaned_data[key + SHOWN_SUFFIX])

    def value_fields(self) -> list[forms.BoundField]:
        return [self[s.key] for s in self.specs]
