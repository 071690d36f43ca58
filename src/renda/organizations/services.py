"""Writes to the organisation: regions, congresses, terms, bodies, units, congress settings."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from django.db import transaction

from renda.core import audit
from renda.core.errors import Forbidden, Invalid, StaleVersion
from renda.core.roles import Role
from renda.core.settings_registry import SettingSpec, on_change_callbacks, spec
from renda.organizations.models import (
    CHILD_LEVELS,
    Body,
    Congress,
    CongressSetting,
    HandlingUnit,
    Region,
    RegionLevel,
    Term,
    unit_names,
)


@transaction.atomic
def region_create(*, actor: Any, name: str, level: str, parent: Region | None = None, code: str = "") -> Region:
    if parent is not None and level not in CHILD_LEVELS[parent.level]:
        raise Invalid(f"“{parent.name}”之下不能设{level}级区域", fields={"level": ["层级与上级区域不符"]})
    region = Region(name=name, level=level, parent=parent, code=code)
    region.full_clean(exclude=["path"])
    region.save()
    region.path = f"{parent.path if parent else '/'}{region.pk}/"
    region.depth = (parent.depth + 1) if parent else 0
    region.save(update_fields=["path", "depth"])
    audit.record(actor=actor, action="region.create", obj=region,
                 after={"name": name, "level": level, "parent": parent.pk if parent else None})
    return region


@transaction.atomic
def congress_create(*, actor: Any, region: Region, name: str = "") -> Congress:
    if region.level in ("street", "village"):
        raise Invalid("街道和村（居）不设人民代表大会", fields={"region": ["该区域不设人民代表大会"]})
    congress = Congress.objects.create(region=region, name=name or f"{region.name}人民代表大会")
    audit.record(actor=actor, action="congress.create", obj=congress, after={"region": region.pk})
    return congress


@transaction.atomic
def term_open(*, actor: Any, congress: Congress, number: int, start_date: date,
              election_date: date | None = None, end_date: date | None = None) -> Term:
    previous = Term.objects.filter(congress=congress, is_current=True).first()
    if previous:
        Term.objects.filter(pk=previous.pk).update(is_current=False)
    term = Term.objects.create(congress=congress, number=number, start_date=start_date,
                               election_date=election_date, end_date=end_date, is_current=True)
    audit.record(actor=actor, action="term.open", obj=term,
                 before={"current_term": previous.number if previous else None}, after={"current_term": number})
    return term


@transaction.atomic
def body_create(*, actor: Any, kind: str, name: str, region: Region, congress: Congress | None = None,
                term: Term | None = None) -> Body:
    body = Body.objects.create(kind=kind, name=name, region=region, congress=congress, term=term)
    audit.record(actor=actor, action="body.create", obj=body, after={"kind": kind, "name": name})
    return body


@transaction.atomic
def unit_create(*, actor: Any, name: str, kind: str, region: Region, contact: str = "",
                duties: str = "", other_names: str = "") -> HandlingUnit:
    unit = HandlingUnit(name=name, kind=kind, region=region, contact=contact, duties=duties.strip(),
                        other_names=other_names.strip())
    unit.full_clean()
    unit.save()
    audit.record(actor=actor, action="unit.create", obj=unit,
                 after={"name": name, "kind": kind, "duties": unit.duties, "other_names": unit.other_names})
    return unit


def with_former_name(other_names: str, former: str, current: str) -> str:
    """The unit's 曾用名、简称 after a rename from `former` to `current`: the former name added once (first), the
    current name no longer listed as another name."""
    names = [n for n in unit_names(current, other_names)[1:] if n != former]
    return "、".join([former, *names]) if former and former != current else "、".join(names)


def unit_serves(unit: HandlingUnit, congress: Congress) -> bool:
    """Whether suggestions and opinions of the congress may go to the unit: a unit of the congress's region or
    below, or a county department for the county's congress and every township congress in it."""
    upath, cpath = unit.region.path, congress.region.path
    return upath.startswith(cpath) or (cpath.startswith(upath) and unit.region.level == RegionLevel.COUNTY)


def units_serving(congress: Congress) -> list[HandlingUnit]:
    """The handling units, in use or not, that serve the congress (unit_serves): read from its region's ancestors
    and its region and below only."""
    path = congress.region.path
    ids = [int(p) for p in path.strip("/").split("/") if p]
    candidates = (HandlingUnit.objects.select_related("region").filter(region_id__in=ids)
                  | HandlingUnit.objects.select_related("region").filter(region__path__startswith=path))
    return [u for u in candidates.order_by("-active", "pk") if unit_serves(u, congress)]


def congress_setting(congress: Congress | None, key: str) -> Any:
    """The congress's value of a [setting], or its documented default."""
    s = spec(key)
    assert s.scope == "congress", key
    if congress is None:
        return s.default
    row = CongressSetting.objects.filter(congress=congress, key=key).only("value").first()
    return s.default if row is None else row.value


def congress_categories(congress: Congress | None) -> list[str]:
    """The congress's one list of categories (议题分类), shared by suggestions, opinions and the text engine."""
    return list(congress_setting(congress, "org.categories"))


def may_change_settings(*, user: Any, congress: Congress) -> bool:
    """County staff change the settings of every congress in their region; township staff only those of their
    own township's congress (a township does not set the rules of its neighbour or of the county)."""
    role = getattr(user, "role", None)
    region = getattr(user, "region", None)
    if region is None:
        return False
    if role == Role.COUNTY_STAFF:
        return congress.region.is_within(region)
    if role == Role.TOWNSHIP_STAFF:
        return congress.region_id == region.pk
    return False


def _congress_spec(key: str) -> SettingSpec:
    try:
        s = spec(key)
    except KeyError:
        raise Invalid(f"没有名为 {key} 的参数", fields={key: ["未知参数"]}) from None
    if s.scope != "congress":
        raise Invalid(f"“{s.label}”是全平台参数，不能按人民代表大会设置", fields={key: ["不是人民代表大会的参数"]})
    return s


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or "（空）"
    return str(value)


NOT_GIVEN: Any = object()


@transaction.atomic
def congress_setting_set(*, actor: Any, congress: Congress, key: str, raw: Any, expected: Any = NOT_GIVEN) -> Any:
    """Change one [setting] of a congress. `actor` None is the platform itself (seeding) and is not checked.

    `expected` is the value the actor was shown: when someone changed it meanwhile the write is refused
    (StaleVersion), never merged. Writes of one congress's settings are serialised on the congress row, so
    the comparison and the write see the same value."""
    s = _congress_spec(key)
    if actor is not None and not may_change_settings(user=actor, congress=congress):
        raise Forbidden("您无权修改该人民代表大会的参数")
    try:
        value = s.clean(raw)
    except ValueError as exc:
        raise Invalid(str(exc), fields={key: [str(exc)]}) from None
    list(Congress.objects.select_for_update().filter(pk=congress.pk).values_list("pk", flat=True))
    before = congress_setting(congress, key)
    if expected is not NOT_GIVEN and audit.canonical(expected) != audit.canonical(before):
        message = (f"“{s.label}”已被他人修改为 {_shown(before)}（您看到的是 {_shown(expected)}），"
                   "您的修改未保存。请核对最新的值后重新提交。")
        raise StaleVersion(message, fields={key: [message]})
    if audit.canonical(before) == audit.canonical(value):
        return value
    CongressSetting.objects.update_or_create(congress=congress, key=key, defaults={"value": value})
    audit.record(actor=actor, action="setting.change", obj=congress, object_repr=f"{congress} · {s.label}",
                 before={key: before}, after={key: value})
    for on_change in on_change_callbacks(key):
        transaction.on_commit(functools.partial(on_change, congress))
    return value
