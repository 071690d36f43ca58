"""[setting] values of DOMAIN.md: declared once by the module that uses them, with the documented default.

Each module registers its specs at import (in its AppConfig.ready); values live on the congress
(organizations.CongressSetting) or, for platform-wide policy, in core.PlatformSetting. Code reads them with
`congress_setting(congress, key)` / `platform_setting(key)` and never writes the default as a literal elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Scope = Literal["congress", "platform"]
Kind = Literal["int", "bool", "str", "choice", "list", "lines", "json"]


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: Any
    kind: Kind = "int"
    scope: Scope = "congress"
    group: str = "通用"
    help: str = ""
    source: str = ""  # where the default comes from: a seed, a law, common practice
    choices: tuple[tuple[str, str], ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    validator: Callable[[Any], None] | None = field(default=None, compare=False)
    # called with the congress after a change of its value has been committed (e.g. retrain a model that reads it)
    on_change: Callable[[Any], None] | None = field(default=None, compare=False)

    def clean(self, raw: Any) -> Any:
        """Turn a submitted value into the stored one, or raise ValueError with a Chinese message."""
        if self.kind == "int":
            try:
                value: Any = int(str(raw).strip())
            except (TypeError, ValueError):
                raise ValueError(f"“{self.label}”须为整数") from None
            if self.min_value is not None and value < self.min_value:
                raise ValueError(f"“{self.label}”不能小于 {self.min_value}")
            if self.max_value is not None and value > self.max_value:
                raise ValueError(f"“{self.label}”不能大于 {self.max_value}")
        elif self.kind == "bool":
            value = raw in (True, "1", "true", "on", "yes", 1)
        elif self.kind == "choice":
            if raw not in {c for c, _ in self.choices}:
                raise ValueError(f"“{self.label}”的取值无效")
            value = raw
        elif self.kind == "list":
            if isinstance(raw, str):
                value = [part.strip() for part in raw.replace("，", ",").replace("\n", ",").split(",")
                         if part.strip()]
            elif isinstance(raw, list):
                value = raw
            else:
                raise ValueError(f"“{self.label}”须为列表")
        elif self.kind == "lines":  # one item per line; commas belong to the item
            if isinstance(raw, str):
                value = [line.strip() for line in raw.splitlines() if line.strip()]
            elif isinstance(raw, list) and all(isinstance(v, str) for v in raw):
                value = [v.strip() for v in raw if v.strip()]
            else:
                raise ValueError(f"“{self.label}”须为每行一项的文本")
        else:
            value = raw if self.kind == "json" else str(raw).strip()
        if self.validator:
            self.validator(value)
        return value


_REGISTRY: dict[str, SettingSpec] = {}


def register(*specs: SettingSpec) -> None:
    for spec in specs:
        existing = _REGISTRY.get(spec.key)
        if existing is not None and existing != spec:
            raise ValueError(f"setting {spec.key} registered twice with different specs")
        _REGISTRY[spec.key] = spec


def spec(key: str) -> SettingSpec:
    return _REGISTRY[key]


# what other apps do after a change of a setting they read but do not declare (the text engine retrains when the
# congress's taxonomy changes): called like SettingSpec.on_change, after it
_LISTENERS: dict[str, list[Callable[[Any], None]]] = {}


def listen(key: str, callback: Callable[[Any], None]) -> None:
    """Call `callback(congress)` after each committed change of the congress setting `key` (an app's ready())."""
    callbacks = _LISTENERS.setdefault(key, [])
    if callback not in callbacks:
        callbacks.append(callback)


def on_change_callbacks(key: str) -> list[Callable[[Any], None]]:
    """What runs after a committed change of `key`: the spec's own on_change, then the listeners."""
    own = _REGISTRY[key].on_change
    return ([own] if own is not None else []) + list(_LISTENERS.get(key, ()))


def all_specs(scope: Scope | None = None) -> list[SettingSpec]:
    return [s for s in _REGISTRY.values() if scope is None or s.scope == scope]


def platform_setting(key: str) -> Any:
    from renda.core.models import PlatformSetting

    s = _REGISTRY[key]
    assert s.scope == "platform", key
    row = PlatformSetting.objects.filter(key=key).only("value").first()
    return s.default if row is None else row.value
