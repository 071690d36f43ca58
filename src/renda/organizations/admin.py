"""The organisation in the system administrator's back office: regions, congresses, terms, bodies with their
members, handling units — scoped and audited by renda.core.admin.AuditedAdmin; adds go through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from renda.core.admin import AuditedAdmin, ScopedInline
from renda.core.admin_site import admin_site
from renda.organizations import services
from renda.organizations.models import (
    CHILD_LEVELS,
    Body,
    BodyMember,
    Congress,
    HandlingUnit,
    Region,
    RegionLevel,
    Term,
)

LEVEL_LABELS = dict(RegionLevel.choices)


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ("name", "level", "parent", "code")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "parent" in self.fields:
            self.fields["parent"].required = True  # a new region hangs under one the administrator keeps

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        parent, level = data.get("parent"), data.get("level")
        if parent is not None and level and level not in CHILD_LEVELS[parent.level]:
            self.add_error("level", f"{LEVEL_LABELS[parent.level]}之下不能设{LEVEL_LABELS[level]}")
        return data


@admin.register(Region, site=admin_site)
class RegionAdmin(AuditedAdmin):
    audit_name = "region"
    form = RegionForm
    list_display = ("name", "level", "code", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    add_fields = ("name", "level", "parent", "code")
    change_fields = ("name", "code", "level", "parent")
    change_readonly = ("level", "parent")  # moving a region would move its whole subtree

    def create(self, request: HttpRequest, obj: Any, form: forms.ModelForm) -> models.Model:
        data = form.cleaned_data
        return services.region_create(actor=request.user, name=data["name"], level=data["level"],
                                      parent=data["parent"], code=data.get("code", ""))


class CongressForm(forms.ModelForm):
    class Meta:
        model = Congress
        fields = ("region", "name")

    def clean_region(self) -> Region:
        region = self.cleaned_data["region"]
        if region.level in (RegionLevel.STREET, RegionLevel.VILLAGE):
            raise forms.ValidationError("街道和村（居）不设人民代表大会")
        return region


@admin.register(Congress, site=admin_site)
class CongressAdmin(AuditedAdmin):
    audit_name = "congress"
    form = CongressForm
    list_display = ("name", "region")
    search_fields = ("name",)
    list_select_related = ("region",)
    add_fields = ("region", "name")
    change_fields = ("name", "region")
    change_readonly = ("region",)

    def create(self, request: HttpRequest, obj: Any, form: forms.ModelForm) -> models.Model:
        data = form.cleaned_data
        return services.congress_create(actor=request.user, region=data["region"], name=data["name"])


@admin.register(Term, site=admin_site)
class TermAdmin(AuditedAdmin):
    """Adding a term opens it: it becomes the current term and the previous one ends (services.term_open)."""

    audit_name = "term"
    list_display = ("__str__", "congress", "number", "start_date", "end_date", "is_current")
    list_filter = ("is_current",)
    list_select_related = ("congress",)
    add_fields = ("congress", "number", "election_date", "start_date", "end_date")
    change_fields = ("congress", "number", "election_date", "start_date", "end_date", "is_current")
    change_readonly = ("congress", "is_current")

    def create(self, request: HttpRequest, obj: Any, form: forms.ModelForm) -> models.Model:
        data = form.cleaned_data
        return services.term_open(actor=request.user, congress=data["congress"], number=data["number"],
                                  start_date=data["start_date"], election_date=data.get("election_date"),
                                  end_date=data.get("end_date"))


class BodyMemberInline(ScopedInline, admin.TabularInline):
    model = BodyMember
    audit_name = "body_member"
    fields = ("person", "post", "since", "until")
    extra = 1


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ("kind", "name", "region", "congress", "term")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        congress, term = data.get("congress"), data.get("term")
        if term is not None and term.congress_id != getattr(congress, "pk", None):
            self.add_error("term", "届次须属于所选的人民代表大会")
        return data


@admin.register(Body, site=admin_site)
class BodyAdmin(AuditedAdmin):
    audit_name = "body"
    form = BodyForm
    inlines = [BodyMemberInline]
    list_display = ("name", "kind", "region", "congress", "term")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("region", "congress", "term__congress")
    add_fields = change_fields = ("kind", "name", "region", "congress", "term")

    def create(self, request: HttpRequest, obj: Any, form: forms.ModelForm) -> models.Model:
        data = form.cleaned_data
        return services.body_create(actor=request.user, kind=data["kind"], name=data["name"],
                                    region=data["region"], congress=data.get("congress"), term=data.get("term"))

    def deletion_snapshot(self, obj: Any) -> dict[str, Any]:
        out = super().deletion_snapshot(obj)
        out["members"] = [{"person": m.person_id, "post": m.post, "until": m.until}
                          for m in BodyMember.objects.filter(body=obj).order_by("id")]
        return out


@admin.register(HandlingUnit, site=admin_site)
class HandlingUnitAdmin(AuditedAdmin):
    audit_name = "unit"
    list_display = ("name", "kind", "region", "active", "contact")
    list_filter = ("kind", "active")
    search_fields = ("name", "other_names")  # a former name finds the unit too
    list_select_related = ("region",)
    add_fields = ("name", "kind", "region", "contact", "duties", "other_names")
    change_fields = ("name", "kind", "region", "contact", "duties", "other_names", "active")

    def create(self, request: HttpRequest, obj: Any, form: forms.ModelForm) -> models.Model:
        data = form.cleaned_data
        return services.unit_create(actor=request.user, name=data["name"], kind=data["kind"],
                                    region=data["region"], contact=data.get("contact", ""),
                                    duties=data.get("duties", ""), other_names=data.get("other_names", ""))

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        changed = set(form.changed_data)  # duties learnt or unlearnt; a unit with duties moved or (de)activated
        stored = HandlingUnit.objects.get(pk=obj.pk) if change else None
        left = stored.region if stored is not None and "region" in changed else None
        if stored is not None and "name" in changed:
            # a renamed unit keeps its old name as a 曾用名, so that the ledgers of before still find it
            obj.other_names = services.with_former_name(obj.other_names, stored.name, obj.name)
            if obj.other_names != stored.other_names and "other_names" not in form.changed_data:
                form.changed_data.append("other_names")  # audited with the rename (changed_data is cached)
        super().save_model(request, obj, form, change)
        if "duties" in changed or ({"active", "region"} & changed and obj.duties):
            from renda.insights.services import units_changed  # the text engine learns the duties as terms

            units_changed(obj, left=left)  # the congresses it left unlearn its duties too
