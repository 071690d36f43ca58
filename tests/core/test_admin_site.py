"""The system administrator's back office: only theirs (三员分立), scoped to their region, every write audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from renda.accounts.models import User
from renda.core import audit
from renda.core.admin_site import admin_site
from renda.core.models import AuditEntry, AuditHead
from renda.core.roles import Role
from renda.organizations.models import BodyMember, HandlingUnit, Region, Term
from tests.factories import PASSWORD, BodyFactory, PersonFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"
STRONG = "Xian-Zheng-2026!"


def login_with_second_factor(client, user):
    """Log in as an administrator who has passed the TOTP step (what django_otp.login leaves in the session)."""
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user, backend=BACKEND)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def sysadmin(client, tree):
    user = UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN, region=tree.county)
    login_with_second_factor(client, user)
    return user


@pytest.fixture
def town_admin(client, tree):
    user = UserFactory(username="town_sysadmin", role=Role.SYSTEM_ADMIN, region=tree.town_a)
    login_with_second_factor(client, user)
    return user


def url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"sysadmin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(response) -> dict[str, Any]:
    """What the browser would send back unchanged from an admin add or change page (with its inlines)."""
    data: dict[str, Any] = {}

    def put(form, prefix: str = "") -> None:
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = form[name].value()
            key = f"{prefix}{name}"
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        put(formset.management_form, f"{formset.prefix}-")
        for i, form in enumerate(formset.forms):
            put(form, f"{formset.prefix}-{i}-")
    return data


# --- who gets in ------------------------------------------------------------------------------------------------


def test_system_administrator_opens_the_index_and_a_change_list(client, tree, sysadmin):
    index = client.get(reverse("sysadmin:index"))
    assert index.status_code == 200
    html = index.content.decode()
    for label in ("用户", "行政区域", "人民代表大会", "届", "机构", "承办单位"):
        assert label in html, label
    listing = client.get(url(Region, "changelist"))
    assert listing.status_code == 200
    shown = set(listing.context["cl"].result_list)
    assert shown == {tree.county, tree.town_a, tree.town_b, tree.village_a, tree.village_b}


@pytest.mark.parametrize("role", [Role.AUDIT_ADMIN, Role.SECURITY_ADMIN])
def test_the_other_administrators_are_refused(client, tree, role):
    login_with_second_factor(client, UserFactory(role=role, region=tree.county))
    assert client.get(reverse("sysadmin:index")).status_code == 403
    assert client.get(url(Region, "changelist")).status_code == 403
    assert client.get(url(Region, "change", tree.town_a.pk)).status_code == 403


@pytest.mark.parametrize("role", [Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF])
def test_staff_are_refused(client, tree, role):
    client.force_login(UserFactory(role=role, region=tree.county), backend=BACKEND)
    assert client.get(reverse("sysadmin:index")).status_code == 403
    assert client.get(url(HandlingUnit, "changelist")).status_code == 403


def test_a_system_administrator_without_the_second_factor_is_sent_to_it(client, tree):
    client.force_login(UserFactory(role=Role.SYSTEM_ADMIN, region=tree.county), backend=BACKEND)
    response = client.get(reverse("sysadmin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp")


def test_anonymous_visitor_is_sent_to_the_platform_login(client):
    response = client.get(reverse("sysadmin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))


def test_the_audit_log_is_not_in_the_back_office(client, sysadmin):
    assert AuditEntry not in admin_site._registry and AuditHead not in admin_site._registry
    assert client.get("/sysadmin/core/auditentry/").status_code == 404
    assert "审计" not in client.get(reverse("sysadmin:index")).content.decode()


# --- scope ------------------------------------------------------------------------------------------------------


def test_objects_outside_the_administrators_region_are_not_found(client, tree, town_admin):
    town_b_unit = UnitFactory(region=tree.town_b, name="乙镇农业服务中心")
    town_b_clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b)
    for model, obj in ((Region, tree.town_b), (Region, tree.county), (HandlingUnit, town_b_unit),
                       (HandlingUnit, tree.unit_county), (Term, tree.term_b), (User, town_b_clerk)):
        assert client.get(url(model, "change", obj.pk)).status_code == 404, obj
        assert client.get(url(model, "delete", obj.pk)).status_code == 404, obj
        assert client.get(url(model, "history", obj.pk)).status_code == 404, obj
    listing = client.get(url(Region, "changelist"))
    assert set(listing.context["cl"].result_list) == {tree.town_a, tree.village_a}
    assert client.get(url(Region, "change", tree.village_a.pk)).status_code == 200


def test_choices_of_foreign_keys_are_narrowed_to_the_region(client, tree, town_admin):
    form = client.get(url(HandlingUnit, "add")).context["adminform"].form
    assert set(form.fields["region"].queryset) == {tree.town_a, tree.village_a}
    response = client.post(url(HandlingUnit, "add"), {"name": "越界单位", "kind": "other",
                                                       "region": tree.town_b.pk, "contact": ""})
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert not HandlingUnit.objects.filter(name="越界单位").exists()


def test_security_and_audit_administrators_are_beyond_the_system_administrator(client, tree, sysadmin):
    auditor = UserFactory(role=Role.AUDIT_ADMIN, region=tree.county)
    security = UserFactory(role=Role.SECURITY_ADMIN, region=tree.county)
    listing = client.get(url(User, "changelist"))
    assert auditor not in listing.context["cl"].result_list and security not in listing.context["cl"].result_list
    assert client.get(url(User, "change", auditor.pk)).status_code == 404
    assert client.get(reverse("sysadmin:auth_user_password_change", args=[auditor.pk])).status_code == 404
    role_choices = {v for v, _ in client.get(url(User, "add")).context["adminform"].form.fields["role"].choices}
    assert Role.AUDIT_ADMIN not in role_choices and Role.SECURITY_ADMIN not in role_choices


# --- audited writes ---------------------------------------------------------------------------------------------


def test_a_change_writes_an_audit_entry_with_before_and_after(client, tree, sysadmin):
    unit = tree.unit_county
    data = form_data(client.get(url(HandlingUnit, "change", unit.pk)))
    data.update(name="县交通运输和物流局", contact="王科长")
    response = client.post(url(HandlingUnit, "change", unit.pk), data)
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.contact, unit.version) == ("县交通运输和物流局", "王科长", 2)
    entry = AuditEntry.objects.get(action="unit.change")
    assert (entry.actor_id, entry.actor_role, entry.object_type, entry.object_id) == (
        sysadmin.pk, Role.SYSTEM_ADMIN, "organizations.handlingunit", str(unit.pk))
    # the old name is kept as a 曾用名, so that ledgers of before the rename still find the unit
    assert entry.before == audit.canonical({"contact": "", "name": "县交通运输局", "other_names": ""})
    assert entry.after == audit.canonical({"contact": "王科长", "name": "县交通运输和物流局",
                                           "other_names": "县交通运输局"})
    assert unit.names() == ["县交通运输和物流局", "县交通运输局"]
    assert audit.verify_chain().ok


def test_another_units_current_name_is_refused_as_a_former_name(client, tree, sysadmin):
    unit = tree.unit_county
    data = form_data(client.get(url(HandlingUnit, "change", unit.pk)))
    data.update(other_names="县交通局、县教育局")  # 县教育局 is tree.unit_other's name, in the same county
    response = client.post(url(HandlingUnit, "change", unit.pk), data)
    assert response.status_code == 200
    assert "“县教育局”是本区域另一个单位现在的名称" in response.content.decode()
    unit.refresh_from_db()
    assert unit.other_names == "" and not AuditEntry.objects.filter(action="unit.change").exists()


def test_a_unit_is_found_in_the_list_by_a_former_name(client, tree, sysadmin):
    tree.unit_county.other_names = "县交通局"
    tree.unit_county.save()
    found = client.get(url(HandlingUnit, "changelist"), {"q": "县交通局"}).context["cl"].result_list
    assert list(found) == [tree.unit_county]


def test_renaming_a_unit_back_keeps_each_name_once(client, tree, sysadmin):
    unit = tree.unit_county
    unit.other_names = "县交通局、县交通运输和物流局"
    unit.save()
    data = form_data(client.get(url(HandlingUnit, "change", unit.pk)))
    data.update(name="县交通运输和物流局")
    assert client.post(url(HandlingUnit, "change", unit.pk), data).status_code == 302
    unit.refresh_from_db()
    assert unit.other_names == "县交通运输局、县交通局"  # the name it took is no longer an "other" name
    data = form_data(client.get(url(HandlingUnit, "change", unit.pk)))
    data.update(name="县交通运输局", other_names=data["other_names"] + "、县交通运输和物流局")  # typed, and renamed
    assert client.post(url(HandlingUnit, "change", unit.pk), data).status_code == 302
    unit.refresh_from_db()
    assert unit.names() == ["县交通运输局", "县交通运输和物流局", "县交通局"]


def test_saving_without_a_change_writes_nothing(client, tree, sysadmin):
    data = form_data(client.get(url(HandlingUnit, "change", tree.unit_county.pk)))
    assert client.post(url(HandlingUnit, "change", tree.unit_county.pk), data).status_code == 302
    assert not AuditEntry.objects.filter(action="unit.change").exists()


def test_adding_a_region_goes_through_the_service_and_is_audited(client, tree, sysadmin):
    response = client.post(url(Region, "add"), {"name": "丙镇", "level": "township", "parent": tree.county.pk,
                                                "code": "123456"})
    assert response.status_code == 302
    town = Region.objects.get(name="丙镇")
    assert town.path == f"{tree.county.path}{town.pk}/" and town.depth == tree.county.depth + 1
    entry = AuditEntry.objects.get(action="region.create")
    assert entry.object_id == str(town.pk) and entry.actor_id == sysadmin.pk


def test_a_region_of_the_wrong_level_is_refused_on_the_form(client, tree, sysadmin):
    response = client.post(url(Region, "add"), {"name": "怪村", "level": "county", "parent": tree.town_a.pk})
    assert response.status_code == 200
    assert "乡镇之下不能设县（区、市）" in response.content.decode()
    assert not Region.objects.filter(name="怪村").exists()
    assert not AuditEntry.objects.exists()


def test_a_delete_writes_an_audit_entry_with_what_was_deleted(client, tree, sysadmin):
    unit = UnitFactory(region=tree.town_a, name="甲镇财政所")
    response = client.post(url(HandlingUnit, "delete", unit.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not HandlingUnit.objects.filter(pk=unit.pk).exists()
    entry = AuditEntry.objects.get(action="unit.delete")
    assert entry.object_id == str(unit.pk) and entry.object_repr == "甲镇财政所"
    assert '"name":"甲镇财政所"' in entry.before and entry.after == ""


def test_adding_a_term_opens_it_and_ends_the_previous(client, tree, sysadmin):
    response = client.post(url(Term, "add"), {"congress": tree.congress_a.pk, "number": 21,
                                              "start_date": "2026-10-01"})
    assert response.status_code == 302
    tree.term_a.refresh_from_db()
    assert not tree.term_a.is_current
    assert Term.objects.get(congress=tree.congress_a, number=21).is_current
    entry = AuditEntry.objects.get(action="term.open")
    assert entry.before == '{"current_term":20}' and entry.after == '{"current_term":21}'


def test_body_members_changed_inline_are_audited_one_by_one(client, tree, sysadmin):
    body = BodyFactory(name="甲镇人大主席团", region=tree.town_a, congress=tree.congress_a, term=tree.term_a)
    leaving = BodyMember.objects.create(body=body, person=PersonFactory(name="老委员", region=tree.town_a))
    newcomer = PersonFactory(name="新委员", region=tree.town_a)
    data = form_data(client.get(url(type(body), "change", body.pk)))
    data.update({"members-0-until": "2026-06-30", "members-1-person": newcomer.pk, "members-1-post": "member",
                 "members-1-since": "2026-07-01"})
    response = client.post(url(type(body), "change", body.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    leaving.refresh_from_db()
    assert leaving.until == dt.date(2026, 6, 30)
    assert BodyMember.objects.filter(body=body, person=newcomer, until__isnull=True).exists()
    change = AuditEntry.objects.get(action="body_member.change")
    assert (change.before, change.after) == ('{"until":null}', '{"until":"2026-06-30"}')
    created = AuditEntry.objects.get(action="body_member.create")
    assert f'"person":{newcomer.pk}' in created.after


def test_a_member_from_outside_the_region_cannot_be_added(client, tree, town_admin):
    body = BodyFactory(name="甲镇人大主席团", region=tree.town_a, congress=tree.congress_a, term=tree.term_a)
    outsider = PersonFactory(name="乙镇人", region=tree.town_b)
    data = form_data(client.get(url(type(body), "change", body.pk)))
    data.update({"members-0-person": outsider.pk, "members-0-post": "member"})
    assert client.post(url(type(body), "change", body.pk), data).status_code == 200
    assert not BodyMember.objects.filter(person=outsider).exists()
    assert not AuditEntry.objects.filter(action__startswith="body_member.").exists()


# --- accounts ---------------------------------------------------------------------------------------------------


def _new_account(**extra: Any) -> dict[str, Any]:
    return {"username": "zhangsan", "usable_password": "true", "password1": STRONG, "password2": STRONG,
            "display_name": "张三", "role": Role.COUNTY_STAFF, **extra}


def test_an_account_is_created_with_a_password_that_passes_the_rules(client, tree, sysadmin):
    response = client.post(url(User, "add"), _new_account(region=tree.county.pk))
    assert response.status_code == 302
    user = User.objects.get(username="zhangsan")
    assert user.check_password(STRONG) and user.role == Role.COUNTY_STAFF and user.region == tree.county
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.object_id == str(user.pk) and entry.actor_id == sysadmin.pk
    assert STRONG not in entry.after


def test_a_weak_password_is_refused_by_the_validators(client, tree, sysadmin):
    response = client.post(url(User, "add"), _new_account(region=tree.county.pk, password1="zhangsan1",
                                                          password2="zhangsan1"))
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors)
    assert "密码不能包含用户名" in errors
    assert not User.objects.filter(username="zhangsan").exists()


def test_the_system_administrator_cannot_create_an_audit_administrator(client, tree, sysadmin):
    response = client.post(url(User, "add"), _new_account(region=tree.county.pk, role=Role.AUDIT_ADMIN))
    assert response.status_code == 200
    assert not User.objects.filter(username="zhangsan").exists()


def test_a_unit_user_needs_a_unit(client, tree, sysadmin):
    response = client.post(url(User, "add"), _new_account(region=tree.county.pk, role=Role.UNIT_USER))
    assert "承办单位用户须指定承办单位" in response.content.decode()
    assert not User.objects.filter(username="zhangsan").exists()


def test_an_account_change_is_audited_without_the_password(client, tree, sysadmin):
    clerk = UserFactory(username="clerk", role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    data = form_data(client.get(url(User, "change", clerk.pk)))
    data.update(role=Role.COUNTY_STAFF, region=tree.county.pk)
    assert client.post(url(User, "change", clerk.pk), data).status_code == 302
    clerk.refresh_from_db()
    assert clerk.role == Role.COUNTY_STAFF
    entry = AuditEntry.objects.get(action="user.change")
    assert entry.before == audit.canonical({"region": tree.town_a.pk, "role": Role.TOWNSHIP_STAFF})
    assert entry.after == audit.canonical({"region": tree.county.pk, "role": Role.COUNTY_STAFF})


def test_setting_a_password_runs_the_rules_and_is_audited(client, tree, sysadmin):
    clerk = UserFactory(username="clerk", role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    page = reverse("sysadmin:auth_user_password_change", args=[clerk.pk])
    weak = client.post(page, {"usable_password": "true", "password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 200
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="user.password_set").exists()

    strong = client.post(page, {"usable_password": "true", "password1": STRONG, "password2": STRONG})
    assert strong.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(STRONG)
    entry = AuditEntry.objects.get(action="user.password_set")
    assert entry.object_id == str(clerk.pk) and entry.actor_id == sysadmin.pk
    assert STRONG not in entry.after and "pbkdf2" not in entry.after and "md5" not in entry.after


def test_the_back_office_password_change_goes_to_the_audited_platform_page(client):
    from django.urls import reverse

    from renda.core.admin_site import admin_site

    response = admin_site.password_change(None)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")


def test_a_units_duties_are_kept_audited_and_retrain_the_unit_models(client, tree, sysadmin, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    from renda.insights import services as insights_services

    changed: list[int] = []
    monkeypatch.setattr(insights_services, "units_changed", lambda unit, left=None: changed.append(unit.pk) or 1)
    unit = tree.unit_county
    data = form_data(client.get(url(HandlingUnit, "change", unit.pk)))
    data["duties"] = "公路建设养护、道路运输、公交线路"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url(HandlingUnit, "change", unit.pk), data).status_code == 302
    unit.refresh_from_db()
    assert unit.duties == "公路建设养护、道路运输、公交线路" and changed == [unit.pk]
    entry = AuditEntry.objects.get(action="unit.change")
    assert entry.after == audit.canonical({"duties": "公路建设养护、道路运输、公交线路"})


def test_clearing_a_units_duties_retrains_the_unit_models_too(client, tree, sysadmin, monkeypatch) -> None:
    """The models learnt the old duties as terms: removing them must retrain as well, or the terms stay learnt.
    A unit without duties whose region or state changes has no terms to move and is left to the nightly job."""
    from renda.insights import services as insights_services

    changed: list[int] = []
    monkeypatch.setattr(insights_services, "units_changed", lambda unit, left=None: changed.append(unit.pk) or 1)
    unit = tree.unit_county
    HandlingUnit.objects.filter(pk=unit.pk).update(duties="公路建设养护、道路运输")
    data = form_data(client.get(url(HandlingUnit, "change", unit.pk)))
    data["duties"] = ""
    assert client.post(url(HandlingUnit, "change", unit.pk), data).status_code == 302
    assert changed == [unit.pk]
    data = form_data(client.get(url(HandlingUnit, "change", unit.pk)))
    data["contact"] = "0571-88881234"
    assert client.post(url(HandlingUnit, "change", unit.pk), data).status_code == 302
    assert changed == [unit.pk]


def test_moving_a_unit_with_duties_retrains_where_it_left_too(client, tree, sysadmin, monkeypatch) -> None:
    """The congresses of the region a unit left learnt its duties as terms: they are retrained with the new ones."""
    from renda.insights import services as insights_services

    calls: list[tuple[int, int | None]] = []
    monkeypatch.setattr(insights_services, "units_changed",
                        lambda unit, left=None: calls.append((unit.region_id, left and left.pk)) or 1)
    unit = tree.unit_county
    HandlingUnit.objects.filter(pk=unit.pk).update(region=tree.town_a, duties="公路建设养护、道路运输")
    data = form_data(client.get(url(HandlingUnit, "change", unit.pk)))
    data["region"] = str(tree.town_b.pk)
    assert client.post(url(HandlingUnit, "change", unit.pk), data).status_code == 302
    assert calls == [(tree.town_b.pk, tree.town_a.pk)]
