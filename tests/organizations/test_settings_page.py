"""The congress settings page: every registered setting with default, current value and source; county staff
change any congress of their county, township staff only their own; a stale submit is refused, not merged;
every change is audited with before → after."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from renda.core.errors import Forbidden
from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.core.settings_registry import all_specs
from renda.organizations.forms import SHOWN_SUFFIX, encode
from renda.organizations.models import CongressSetting
from renda.organizations.services import congress_setting, congress_setting_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"
GROUP = "组织"


def _login(client, role: str, region) -> Any:
    user = UserFactory(role=role, region=region)
    client.force_login(user, backend=BACKEND)
    return user


def _form(congress, changes: dict[str, Any], shown: dict[str, Any] | None = None,
          group: str = GROUP) -> dict[str, Any]:
    """What the browser sends for the group: every field of the group, as drawn from `shown` (default: now)."""
    data: dict[str, Any] = {"group": group}
    for s in all_specs("congress"):
        if s.group != group:
            continue
        seen = (shown or {}).get(s.key, congress_setting(congress, s.key))
        value = changes.get(s.key, seen)
        if s.kind in ("list", "lines") and isinstance(value, list):
            value = "\n".join(value)
        if s.kind != "bool" or value:
            data[s.key] = value
        data[s.key + SHOWN_SUFFIX] = encode(seen)
    return data


def _post(client, congress, data):
    return client.post(f"{reverse('organizations:settings')}?congress={congress.pk}", data)


def test_page_lists_every_congress_setting_with_default_and_source(client, tree):
    _login(client, Role.COUNTY_STAFF, tree.county)
    response = client.get(reverse("organizations:settings"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "测试县人民代表大会" in html, "the user's own congress is shown first"
    for s in all_specs("congress"):
        assert f'data-key="{s.key}"' in html, s.key
        assert s.label in html
        assert str(s.group) in html
    assert "DOMAIN.md §2：主席团 7–13 人" in html  # a source
    assert all(f'value="{c.pk}"' in html for c in (tree.county_congress, tree.congress_a, tree.congress_b))


def test_county_staff_change_a_township_congress_setting_and_it_is_audited(client, tree):
    clerk = _login(client, Role.COUNTY_STAFF, tree.county)
    response = _post(client, tree.congress_a, _form(tree.congress_a, {"org.presidium_min": 9}))
    assert response.status_code == 302
    assert CongressSetting.objects.get(congress=tree.congress_a, key="org.presidium_min").value == 9
    assert congress_setting(tree.congress_b, "org.presidium_min") == 7
    entry = AuditEntry.objects.get(action="setting.change")
    assert (entry.actor_id, entry.actor_role, entry.object_type, entry.object_id) == (
        clerk.pk, Role.COUNTY_STAFF, "organizations.congress", str(tree.congress_a.pk))
    assert (entry.before, entry.after) == ('{"org.presidium_min":7}', '{"org.presidium_min":9}')
    assert entry.ip == "127.0.0.1"
    page = client.get(response["Location"]).content.decode()
    assert "参数已保存" in page and "已调整" in page


def test_category_terms_are_kept_one_line_per_category_with_their_commas(client, tree):
    _login(client, Role.COUNTY_STAFF, tree.county)
    typed = "教科文卫：保健品，药店、诊所\r\n\r\n环境保护：噪声, 扬尘"
    data = _form(tree.congress_a, {"insights.category_terms": typed}, group="智能辅助")
    assert _post(client, tree.congress_a, data).status_code == 302
    assert congress_setting(tree.congress_a, "insights.category_terms") == ["教科文卫：保健品，药店、诊所",
                                                                            "环境保护：噪声, 扬尘"]
    page = client.get(f"{reverse('organizations:settings')}?congress={tree.congress_a.pk}").content.decode()
    assert "教科文卫：保健品，药店、诊所\n环境保护：噪声, 扬尘</textarea>" in page
    bad = _form(tree.congress_a, {"insights.category_terms": "教科文卫：保健品\n药店"}, group="智能辅助")
    refused = _post(client, tree.congress_a, bad)
    assert refused.status_code == 422 and "第 2 行“药店”缺少类别" in refused.content.decode()
    assert len(congress_setting(tree.congress_a, "insights.category_terms")) == 2


def test_township_staff_change_their_own_congress(client, tree):
    _login(client, Role.TOWNSHIP_STAFF, tree.town_a)
    page = client.get(reverse("organizations:settings")).content.decode()
    assert "甲镇人民代表大会" in page and 'name="org.presidium_min"' in page
    assert _post(client, tree.congress_a, _form(tree.congress_a, {"org.presidium_max": 11})).status_code == 302
    assert congress_setting(tree.congress_a, "org.presidium_max") == 11
    assert AuditEntry.objects.filter(action="setting.change", object_id=str(tree.congress_a.pk)).count() == 1


def test_township_staff_get_404_for_another_townships_congress(client, tree):
    _login(client, Role.TOWNSHIP_STAFF, tree.town_b)
    assert client.get(reverse("organizations:settings"), {"congress": tree.congress_a.pk}).status_code == 404
    assert client.get(reverse("organizations:settings"), {"congress": tree.county_congress.pk}).status_code == 404
    response = _post(client, tree.congress_a, _form(tree.congress_a, {"org.presidium_min": 9}))
    assert response.status_code == 404
    assert not CongressSetting.objects.exists()
    assert not AuditEntry.objects.filter(action="setting.change").exists()


def test_township_staff_only_read_a_congress_in_scope_that_is_not_their_own(client, tree):
    # a township clerk account placed at the county sees the county's congresses but changes only the county's
    _login(client, Role.TOWNSHIP_STAFF, tree.county)
    page = client.get(reverse("organizations:settings"), {"congress": tree.congress_a.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="read-only"' in html and 'name="org.presidium_min"' not in html
    response = _post(client, tree.congress_a, _form(tree.congress_a, {"org.presidium_min": 9}))
    assert response.status_code == 403
    assert not CongressSetting.objects.exists()
    assert not AuditEntry.objects.filter(action="setting.change").exists()


def test_a_stale_submit_is_refused_not_merged(client, tree):
    _login(client, Role.TOWNSHIP_STAFF, tree.town_a)
    shown = {"org.presidium_min": 7}
    colleague = UserFactory(role=Role.COUNTY_STAFF, region=tree.county)
    congress_setting_set(actor=colleague, congress=tree.congress_a, key="org.presidium_min", raw=8)

    response = _post(client, tree.congress_a, _form(tree.congress_a, {"org.presidium_min": 9}, shown=shown))
    assert response.status_code == 409
    html = response.content.decode()
    assert "已被他人修改为 8（您看到的是 7）" in html
    assert 'value="8"' in html, "the page now shows the current value"
    assert congress_setting(tree.congress_a, "org.presidium_min") == 8
    assert AuditEntry.objects.filter(action="setting.change").count() == 1, "only the colleague's change"


def test_a_stale_value_elsewhere_in_the_group_refuses_the_whole_submit(client, tree):
    _login(client, Role.COUNTY_STAFF, tree.county)
    congress_setting_set(actor=None, congress=tree.congress_a, key="org.presidium_max", raw=12)
    data = _form(tree.congress_a, {"org.presidium_min": 9}, shown={"org.presidium_max": 13})
    assert _post(client, tree.congress_a, data).status_code == 409
    assert congress_setting(tree.congress_a, "org.presidium_min") == 7
    assert congress_setting(tree.congress_a, "org.presidium_max") == 12


def test_a_value_outside_its_bounds_is_refused_with_the_reason(client, tree):
    _login(client, Role.COUNTY_STAFF, tree.county)
    response = _post(client, tree.congress_a, _form(tree.congress_a, {"org.presidium_min": 99}))
    assert response.status_code == 422
    assert "“主席团最少人数”不能大于 15" in response.content.decode()
    assert not CongressSetting.objects.exists()
    assert not AuditEntry.objects.filter(action="setting.change").exists()


def test_an_unchanged_submit_writes_nothing(client, tree):
    _login(client, Role.COUNTY_STAFF, tree.county)
    assert _post(client, tree.congress_a, _form(tree.congress_a, {})).status_code == 302
    assert not CongressSetting.objects.exists()
    assert not AuditEntry.objects.filter(action="setting.change").exists()


def test_a_congress_id_that_is_not_a_number_is_not_found(client, tree):
    _login(client, Role.COUNTY_STAFF, tree.county)
    assert client.get(reverse("organizations:settings"), {"congress": "abc"}).status_code == 404


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.UNIT_USER])
def test_other_roles_cannot_use_the_settings_page(client, tree, role):
    user = UserFactory(role=role, region=tree.county, unit=tree.unit_county if role == Role.UNIT_USER else None)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user, backend=BACKEND)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get(reverse("organizations:settings")).status_code == 403
    assert _post(client, tree.congress_a, _form(tree.congress_a, {"org.presidium_min": 9})).status_code == 403
    assert not CongressSetting.objects.exists()


def test_the_service_refuses_a_township_clerk_changing_a_neighbours_setting(tree):
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    with pytest.raises(Forbidden):
        congress_setting_set(actor=clerk, congress=tree.congress_b, key="org.presidium_min", raw=9)
    assert congress_setting(tree.congress_b, "org.presidium_min") == 7
