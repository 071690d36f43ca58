"""The shared floor: settings registry defaults and overrides, error pages in Chinese, encryption round trip."""

from __future__ import annotations

import pytest
from django.test import override_settings

from renda.core import crypto
from renda.core.errors import Invalid
from renda.core.models import AuditEntry
from renda.core.settings_registry import all_specs, spec
from renda.organizations.services import congress_setting, congress_setting_set
from tests.factories import UserFactory


def test_every_registered_setting_has_a_label_a_default_and_a_group():
    specs = all_specs()
    assert len(specs) >= 5
    for s in specs:
        assert s.label and s.group, s.key
        assert s.default is not None, s.key
        # the default itself must pass the spec's own validation
        assert s.clean(s.default) == s.default, s.key


@pytest.mark.django_db
def test_a_congress_setting_reads_its_default_until_changed_and_the_change_is_audited(tree):
    clerk = UserFactory(region=tree.county)
    assert congress_setting(tree.congress_a, "org.presidium_min") == spec("org.presidium_min").default
    congress_setting_set(actor=clerk, congress=tree.congress_a, key="org.presidium_min", raw="9")
    assert congress_setting(tree.congress_a, "org.presidium_min") == 9
    assert congress_setting(tree.congress_b, "org.presidium_min") == 7, "another congress keeps the default"
    entry = AuditEntry.objects.filter(action="setting.change").latest("seq")
    assert (entry.before, entry.after) == ('{"org.presidium_min":7}', '{"org.presidium_min":9}')


@pytest.mark.django_db
def test_a_setting_outside_its_bounds_is_refused_with_the_field_named(tree):
    clerk = UserFactory(region=tree.county)
    with pytest.raises(Invalid) as err:
        congress_setting_set(actor=clerk, congress=tree.congress_a, key="org.presidium_min", raw="99")
    assert "org.presidium_min" in err.value.fields
    assert congress_setting(tree.congress_a, "org.presidium_min") == 7


def test_encryption_round_trips_and_is_not_deterministic():
    a, b = crypto.encrypt("13812345678"), crypto.encrypt("13812345678")
    assert a != b, "a fresh nonce every time: equal phones do not look equal at rest"
    assert crypto.decrypt(a) == crypto.decrypt(b) == "13812345678"


def test_a_tampered_ciphertext_is_refused():
    token = crypto.encrypt("11010519491231002X")
    raw = bytearray(crypto.base64.b64decode(token[3:]))
    raw[-1] ^= 1
    from cryptography.exceptions import InvalidTag

    with pytest.raises(InvalidTag):
        crypto.decrypt("v1:" + crypto.base64.b64encode(bytes(raw)).decode())


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_error_pages_are_in_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
