"""The system administrator's back office: the shared rules of every model admin, and the accounts.

Every model admin of `admin_site` (this module and renda.organizations.admin):
- sees only objects in the administrator's region and below; an object outside is "not found" (404), and the
  choices of every foreign key are narrowed the same way;
- writes an audit entry with before → after for every add, change and delete, inside the admin's own
  transaction (Django wraps the add, change and delete views in one); adds go through the app's create
  service, which writes its own entry.
The audit log is never registered here (三员分立: the system administrator can neither read nor alter it), and
neither are the security and audit administrators' accounts: taking over one of those would be a way round it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models, transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import Http404, HttpRequest

from renda.accounts import services as account_services
from renda.accounts.models import User
from renda.core import audit, scope
from renda.core.admin_site import admin_site
from renda.core.models import VersionedModel
from renda.core.roles import Role

# Where each scoped model keeps the region path that decides who may see it.
SCOPE_PATHS = {
    "organizations.region": "path",
    "organizations.congress": "region__path",
    "organizations.term": "congress__region__path",
    "organizations.body": "region__path",
    "organizations.bodymember": "body__region__path",
    "organizations.handlingunit": "region__path",
    "deputies.person": "region__path",
    "accounts.user": "region__path",
}
SECRET_FIELDS = frozenset({"password"})
# Accounts the system administrator may neither see nor give: the other two of the three administrators.
SEPARATE_ROLES = (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


def scoped(qs: models.QuerySet[Any], request: HttpRequest) -> models.QuerySet[Any]:
    return scope.within(qs, request.user, SCOPE_PATHS[qs.model._meta.label_lower])


def is_system_admin(request: HttpRequest) -> bool:
    return getattr(request.user, "role", None) == Role.SYSTEM_ADMIN


def recorded_fields(model: type[models.Model], names: Any) -> list[str]:
    """The model fields among `names` that go into an audit entry (never a password hash)."""
    concrete = {f.name for f in model._meta.concrete_fields}
    return [n for n in names if n in concrete and n not in SECRET_FIELDS]


def all_recorded_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in SECRET_FIELDS]


def adopt(obj: models.Model, created: models.Model) -> None:
    """Make the admin's unsaved instance the object a service created, so the admin's redirect, its history
    entry and its inlines refer to it."""
    for f in obj._meta.concrete_fields:
        setattr(obj, f.attname, getattr(created, f.attname))
    obj._state.adding = False
    obj._state.db = created._state.db


class ScopedPermissions:
    """Only the system administrator uses the site (the site checks it too); what they reach is narrowed to
    their region, for the objects listed and for the choices of every foreign key."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_system_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_system_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return scoped(super().get_queryset(request), request)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if related._meta.label_lower in SCOPE_PATHS:
            kwargs["queryset"] = scoped(related._default_manager.all(), request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class AuditedAdmin(ScopedPermissions, admin.ModelAdmin):
    """A scoped model admin whose every write is audited.

    `audit_name` prefixes the actions ("region" → region.change, region.delete); `add_fields` and
    `change_fields` / `change_readonly` are the forms for adding and changing; `create()` routes an add
    through the app's service."""

    audit_name: ClassVar[str]
    add_fields: ClassVar[tuple[str, ...]] = ()
    change_fields: ClassVar[tuple[str, ...]] = ()
    change_readonly: ClassVar[tuple[str, ...]] = ()
    list_per_page = 50

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None and self.add_fields:
            return self.add_fields
        if obj is not None and self.change_fields:
            return self.change_fields
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.change_readonly if obj is not None else ()

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        """Outside the administrator's region is "not found", not a redirect to the list."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("未找到该对象")
        return obj

    def create(self, request: HttpRequest, obj: Any, form: ModelForm) -> models.Model | None:
        """Add through the app's service (which audits); None to save the form's object here."""
        return None

    def snapshot(self, obj: models.Model, fields: list[str]) -> dict[str, Any]:
        return audit.snapshot(obj, fields)

    def deletion_snapshot(self, obj: models.Model) -> dict[str, Any]:
        """Everything that goes with the object (the before of its delete entry)."""
        return self.snapshot(obj, all_recorded_fields(self.model))

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not change:
            created = self.create(request, obj, form)
            if created is not None:
                adopt(obj, created)
                return
            obj.save()
            audit.record(actor=request.user, action=f"{self.audit_name}.create", obj=obj,
                         after=self.snapshot(obj, recorded_fields(self.model, form.changed_data)))
            return
        fields = recorded_fields(self.model, form.changed_data)
        if not fields:
            return  # nothing changed: no write, no entry
        before = self.snapshot(self.model._default_manager.get(pk=obj.pk), fields)
        if isinstance(obj, VersionedModel):
            obj.version += 1  # a copy held elsewhere (a form, an API client) is now stale
        obj.save()
        audit.record(actor=request.user, action=f"{self.audit_name}.change", obj=obj, before=before,
                     after=self.snapshot(obj, fields))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before = self.deletion_snapshot(obj)
        label, pk, text = obj._meta.label_lower, obj.pk, str(obj)
        obj.delete()
        audit.record(actor=request.user, action=f"{self.audit_name}.delete", object_type=label, object_id=pk,
                     object_repr=text, before=before)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet,
                     change: bool) -> None:
        """Inline rows are audited one by one, under the inline's own name ("body_member.create")."""
        model: type[models.Model] = formset.model  # type: ignore[assignment]
        name = next(i.audit_name for i in self.inlines if i.model is model)  # type: ignore[attr-defined]
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            before = audit.snapshot(obj, all_recorded_fields(model))
            pk, text = obj.pk, str(obj)
            obj.delete()
            audit.record(actor=request.user, action=f"{name}.delete", object_type=model._meta.label_lower,
                         object_id=pk, object_repr=text, before=before)
        for obj in formset.new_objects:
            obj.save()
            audit.record(actor=request.user, action=f"{name}.create", obj=obj,
                         after=audit.snapshot(obj, all_recorded_fields(model)))
        for obj, changed in formset.changed_objects:
            fields = recorded_fields(model, changed)
            before = audit.snapshot(model._default_manager.get(pk=obj.pk), fields)
            obj.save()
            audit.record(actor=request.user, action=f"{name}.change", obj=obj, before=before,
                         after=audit.snapshot(obj, fields))
        formset.save_m2m()


class ScopedInline(ScopedPermissions):
    """Mixed into an inline admin; `audit_name` names its rows' actions."""

    audit_name: ClassVar[str]


# --- accounts -------------------------------------------------------------------------------------------------


class AccountRules(ModelForm):
    """What an account needs for its role, said on the form's fields (the service checks it again)."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        role = data.get("role")
        if role == Role.UNIT_USER and not data.get("unit"):
            self.add_error("unit", "承办单位用户须指定承办单位")
        if role == Role.DEPUTY and not data.get("person"):
            self.add_error("person", "代表账户须关联代表本人")
        if "region" in self.fields and not data.get("region"):
            self.add_error("region", "须指定所属区域")
        return data


class AccountCreateForm(AccountRules, AdminUserCreationForm):
    """Username, role, region and a password that passes the platform's password rules (Django's validators,
    run by the creation form)."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "role", "region", "unit", "person")


class AccountChangeForm(AccountRules, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = ("username", "password", "display_name", "role", "region", "unit", "person",  # type: ignore[assignment]
                  "is_active")


@admin.register(User, site=admin_site)
class AccountAdmin(AuditedAdmin, DjangoUserAdmin):
    audit_name = "user"
    form = AccountChangeForm
    add_form = AccountCreateForm
    list_display = ("username", "display_name", "role", "region", "unit", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name")
    ordering = ("username",)
    filter_horizontal = ()
    list_select_related = ("region", "unit")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("账户", {"fields": ("display_name", "role", "region", "unit", "person", "is_active")}),
        ("登录记录", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        ("账户", {"fields": ("display_name", "role", "region", "unit", "person")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return super().get_queryset(request).exclude(role__in=SEPARATE_ROLES)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role":
            kwargs["choices"] = [("", "---------"), *[(v, label) for v, label in Role.choices
                                                      if v not in SEPARATE_ROLES]]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def create(self, request: HttpRequest, obj: Any, form: ModelForm) -> models.Model:
        data = form.cleaned_data
        return account_services.user_create(
            actor=request.user, username=data["username"], role=data["role"], region=data["region"],
            unit=data.get("unit"), person=data.get("person"), display_name=data.get("display_name", ""),
            password=data.get("password1") if data.get("set_usable_password") else None)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """Setting another account's password: Django's form (it runs the password validators), audited in
        the same transaction."""
        with transaction.atomic():
            request.renda_setting_password = True  # type: ignore[attr-defined]
            return super().user_change_password(request, id, form_url)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if getattr(request, "renda_setting_password", False):
            audit.record(actor=request.user, action="user.password_set", obj=obj,
                         after={"password": "已重设" if obj.has_usable_password() else "已停用密码登录"})
        return super().log_change(request, obj, message)
