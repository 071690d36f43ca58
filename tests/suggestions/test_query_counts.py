"""Queries per list page and per stats call stay constant as the rows grow (issue 7 benchmark: "queries per
page"): one more suggestion, co-signer or unit must not add a query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from renda.suggestions.models import Status
from tests.helpers import api_client

pytestmark = pytest.mark.django_db


def _count(client, path):
    client.get(path)  # warm: session, caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", ["/suggestions/", "/api/v1/suggestions", "/api/v1/suggestions?status=handling",
                                  "/api/v1/suggestions/stats?by=unit", "/api/v1/suggestions/stats?by=township"])
def test_queries_per_page_do_not_grow_with_the_rows(world, path):
    world.build(Status.HANDLING)
    page = Client()
    page.force_login(world.county_clerk)
    client = page if path.startswith("/suggestions/") else api_client(world.county_clerk)
    few = _count(client, path)
    for state in (Status.HANDLING, Status.REPLIED, Status.ASSIGNED):
        world.build(state)
    assert _count(client, path) == few
