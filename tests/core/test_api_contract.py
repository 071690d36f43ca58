"""The OpenAPI document is valid OpenAPI 3, and every operation in it answers malformed input with one of its
documented errors in the {code, message, fields} shape — never a 500."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from openapi_spec_validator import validate

from renda.core.roles import Role
from tests.factories import UserFactory
from tests.helpers import api_client

pytestmark = pytest.mark.django_db

MALFORMED_PATH_VALUES = ["abc", "-1", "99999999999999999999", "%00", "1.5"]
MALFORMED_BODIES = [b"{not json", b"[]", b'{"a": 1}', json.dumps({"username": 5, "choice": {"x": []}}).encode()]


def _spec() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_is_valid_openapi_3():
    spec = _spec()
    assert spec["openapi"].startswith("3.")
    validate(spec)
    assert "/api/v1/me" in spec["paths"]


def test_docs_page_is_served_without_a_cdn():
    html = Client().get("/api/v1/docs").content.decode()
    # the visitor's CSRF token is 64 random letters and digits, which now and then spell "cdn" (a CI run failed so)
    token = re.search(r'data-csrf-token="([A-Za-z0-9]+)"', html)
    assert token, "the docs page carries the visitor's CSRF token"
    page = html.replace(token.group(1), "")
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    assert "/static/ninja/" in page
    assets = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert assets and all(a.startswith("/static/") for a in assets), assets  # nothing fetched from elsewhere


def _documented(operation: dict) -> set[int]:
    return {int(code) for code in operation.get("responses", {}) if code.isdigit()}


def _calls(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            for bad in MALFORMED_PATH_VALUES:
                url = path
                for name in params:
                    url = url.replace("{" + name + "}", bad)
                for body in (MALFORMED_BODIES if method != "get" else [None]):
                    yield method, path, url + "?page=-3&page_size=abc&year=x", body, operation
                if not params:
                    break


@pytest.mark.parametrize("role", [Role.COUNTY_STAFF, Role.DEPUTY, None])
def test_every_operation_answers_malformed_input_with_a_documented_error(tree, role):
    spec = _spec()
    if role is None:
        client = Client()
    else:
        from tests.factories import PersonFactory

        extra = {"person": PersonFactory(region=tree.town_a)} if role == Role.DEPUTY else {}
        client = api_client(UserFactory(role=role, region=tree.county, **extra))
    failures = []
    for method, _path, url, body, operation in _calls(spec):
        kwargs = {"content_type": "application/json", "data": body} if body is not None else {}
        response = getattr(client, method)(url, **kwargs)
        status = response.status_code
        if status >= 500 or (status >= 400 and status not in _documented(operation)):
            failures.append(f"{method.upper()} {url} body={body!r}: {status} not in {_documented(operation)}")
            continue
        if status >= 400:
            payload = response.json()
            if not {"code", "message", "fields"} <= set(payload):
                failures.append(f"{method.upper()} {url}: error body {payload} lacks code/message/fields")
    assert not failures, "\n".join(failures[:40])
