"""Organisation pages for staff: the region tree they work in, and their congresses' [setting] values."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from renda.core.access import page
from renda.core.errors import Forbidden, Invalid, NotFound, StaleVersion
from renda.core.roles import Role
from renda.core.settings_registry import SettingSpec, all_specs
from renda.organizations import selectors, services
from renda.organizations.forms import SHOWN_SUFFIX, SettingsGroupForm
from renda.organizations.models import Body, Congress, CongressSetting, HandlingUnit, Region, RegionLevel


@dataclass
class Node:
    """One region of the tree with what sits there; villages are listed under their township."""

    region: Region
    indent: int
    congress: Congress | None = None
    bodies: list[Body] = field(default_factory=list)
    units: list[HandlingUnit] = field(default_factory=list)
    villages: list[Region] = field(default_factory=list)

    @property
    def indent_rem(self) -> float:
        return min(self.indent, 3) * 1.25

    @property
    def term(self) -> Any:
        terms = getattr(self.congress, "current_terms", None)
        return terms[0] if terms else None


def _tree(user: Any) -> list[Node]:
    base_depth = user.region.depth if user.region else 0
    nodes: dict[int, Node] = {}
    for region in selectors.regions_visible(user=user):
        if region.level == RegionLevel.VILLAGE and region.parent_id in nodes:
            nodes[region.parent_id].villages.append(region)
        else:
            nodes[region.pk] = Node(region=region, indent=region.depth - base_depth)
    for congress in selectors.congresses_visible(user=user):
        if congress.region_id in nodes:
            nodes[congress.region_id].congress = congress
    for body in selectors.bodies_visible(user=user):
        if body.region_id in nodes:
            nodes[body.region_id].bodies.append(body)
    for unit in selectors.units_visible(user=user):
        if unit.region_id in nodes:
            nodes[unit.region_id].units.append(unit)
    return list(nodes.values())


@page(Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.SYSTEM_ADMIN)
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "organizations/overview.html", {"nodes": _tree(request.user)})


# --- settings ------------------------------------------------------------------------------------------------


def _display(spec: SettingSpec, value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if spec.kind == "choice":
        return dict(spec.choices).get(value, str(value))
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or "（空）"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _chosen_congress(request: HttpRequest, congresses: list[Congress]) -> Congress | None:
    raw = request.GET.get("congress")
    if raw:
        try:
            return selectors.access_congress_by_id(user=request.user, congress_id=int(raw))
        except ValueError:
            raise NotFound() from None
    own = [c for c in congresses if c.region_id == request.user.region_id]  # type: ignore[union-attr]
    return next(iter(own or congresses), None)


def _groups(congress: Congress, bound: tuple[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every registered congress setting, by group: default, current value and where it comes from."""
    stored = dict(CongressSetting.objects.filter(congress=congress).values_list("key", "value"))
    by_group: dict[str, list[SettingSpec]] = defaultdict(list)
    for s in sorted(all_specs("congress"), key=lambda s: (s.group, s.key)):
        by_group[s.group].append(s)
    groups = []
    for name, specs in by_group.items():
        current = {s.key: stored.get(s.key, s.default) for s in specs}
        data = bound[1] if bound and bound[0] == name else None
        form = SettingsGroupForm(data, specs=specs, current=current)
        rows = [{"spec": s, "field": form[s.key], "shown": form[s.key + SHOWN_SUFFIX],
                 "current": _display(s, current[s.key]), "default": _display(s, s.default),
                 "changed": s.key in stored} for s in specs]
        groups.append({"name": name, "form": form, "rows": rows})
    return groups


def _save_group(request: HttpRequest, congress: Congress, form: SettingsGroupForm) -> None:
    """All settings of the group change together or none does (a stale one refuses the whole submit)."""
    with transaction.atomic():
        for s in form.specs:
            services.congress_setting_set(actor=request.user, congress=congress, key=s.key,
                                          raw=form.cleaned_data[s.key], expected=form.shown(s.key))


@page(Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
def settings_page(request: HttpRequest) -> HttpResponse:
    congresses = list(selectors.congresses_visible(user=request.user))
    congress = _chosen_congress(request, congresses)
    ctx: dict[str, Any] = {"congresses": congresses, "congress": congress}
    if congress is None:
        return render(request, "organizations/settings.html", ctx)
    editable = services.may_change_settings(user=request.user, congress=congress)
    ctx["editable"] = editable
    if request.method != "POST":
        return render(request, "organizations/settings.html", {**ctx, "groups": _groups(congress)})
    if not editable:
        raise Forbidden("您只能修改本级人民代表大会的参数")
    group = request.POST.get("group", "")
    groups = _groups(congress, (group, request.POST))
    form = next((g["form"] for g in groups if g["name"] == group), None)
    if form is None:
        raise Invalid("未知的参数分组")
    status = 422
    if form.is_valid():
        try:
            _save_group(request, congress, form)
        except StaleVersion as exc:
            ctx["stale"] = exc.message
            groups, status = _groups(congress), 409  # show the values as they are now
        except Invalid as exc:
            for key, errors in exc.fields.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            messages.success(request, f"“{group}”参数已保存")
            return redirect(f"{reverse('organizations:settings')}?congress={congress.pk}")
    return render(request, "organizations/settings.html", {**ctx, "groups": groups}, status=status)
