"""No personal data of anyone in any public response (issue §7): personal data is planted everywhere it could
come from — the constituent's name and phone (in their fields, in the content, in the reply and the note),
deputies' phones and ID numbers, the responsible clerk's name — and every public page and API operation of the
portal is fetched and scanned. A new public route without a URL here fails the test."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from renda.api.api import operations
from renda.core.access import declared
from renda.liaison.services.opinions import format_code
from tests.liaison.portal_data import (
    DEPUTY_ID,
    DEPUTY_PHONE,
    PLANTED_NAME,
    PLANTED_PHONE,
    STAFF_NAME,
    build_portal_data,
)

pytestmark = pytest.mark.django_db
PLANTED = [PLANTED_NAME, PLANTED_PHONE, PLANTED_PHONE[-8:], DEPUTY_PHONE, DEPUTY_PHONE[-8:], DEPUTY_ID,
           DEPUTY_ID[6:14], STAFF_NAME, "路灯坏了。"]  # the last: the raw content, never echoed


def _portal_routes() -> set[str]:
    routes = set()

    def walk(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and prefix.startswith("portal/"):
                access = declared(entry.callback)
                assert access is not None and access.public, prefix + str(entry.pattern)
                routes.add(prefix + str(entry.pattern))

    walk(get_resolver(), "")
    return routes


def _public_operations() -> set[tuple[str, str]]:
    Client().get("/api/v1/openapi.json")  # builds ninja's nested routers
    return {(m, p) for m, p, view in operations()
            if p.startswith("/public/") and view.__module__.startswith("renda.liaison") and declared(view).public}


def test_every_public_response_is_free_of_planted_personal_data(liaison):
    data = build_portal_data(liaison)
    st, village, town = liaison.central.pk, liaison.tree.village_a.pk, liaison.tree.town_a.pk
    codes = [format_code(o.tracking_code) for o in (data.received, data.replied, data.rejected, data.published)]
    pages = {
        "portal/": ["/portal/", "/portal/?q=甲"],
        "portal/text-size/": ["/portal/text-size/?size=large&next=/portal/"],
        "portal/place/<int:region_id>/": [f"/portal/place/{village}/", f"/portal/place/{town}/"],
        "portal/stations/<int:station_id>/": [f"/portal/stations/{st}/", f"/portal/stations/{liaison.village.pk}/"],
        "portal/opinions/new/": ["/portal/opinions/new/", f"/portal/opinions/new/?station={st}"],
        "portal/track/": ["/portal/track/", f"/portal/track/?code={codes[0]}"],
        "portal/track/<str:code>/": [f"/portal/track/{c}/" for c in codes] + ["/portal/track/NOPE/"],
        "portal/track/<str:code>/evaluate/": [],  # POST only: below
        "portal/replies/": ["/portal/replies/"],
    }
    api = {
        ("GET", "/public/stations"): ["/api/v1/public/stations", f"/api/v1/public/stations?region={village}"],
        ("GET", "/public/stations/{station_id}"): [f"/api/v1/public/stations/{st}"],
        ("GET", "/public/stations/{station_id}/receptions"): [f"/api/v1/public/stations/{st}/receptions"],
        ("GET", "/public/places/{region_id}"): [f"/api/v1/public/places/{village}", f"/api/v1/public/places/{town}"],
        ("GET", "/public/opinions/{tracking_code}"): [f"/api/v1/public/opinions/{c}" for c in codes],
        ("GET", "/public/replies"): ["/api/v1/public/replies"],
        ("POST", "/public/opinions"): [],
        ("POST", "/public/opinions/{tracking_code}/evaluate"): [],
    }
    assert _portal_routes() == set(pages), "a public page is missing from this scan"
    assert _public_operations() == set(api), "a public API operation is missing from this scan"

    client = Client()
    responses = []
    for url in [u for urls in pages.values() for u in urls] + [u for urls in api.values() for u in urls]:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 404), (url, response.status_code)
        responses.append((url, response))
    responses.append(("POST /portal/opinions/new/", client.post("/portal/opinions/new/", {
        "station": st, "content": f"{PLANTED_NAME}说路灯坏了。", "name": PLANTED_NAME, "phone": PLANTED_PHONE},
        follow=True)))
    responses.append(("POST /portal/opinions/new/ invalid", client.post("/portal/opinions/new/", {
        "station": st, "content": "短", "name": PLANTED_NAME, "phone": PLANTED_PHONE})))
    responses.append(("POST api opinions", client.post("/api/v1/public/opinions", content_type="application/json",
                      data=json.dumps({"station": st, "content": "路灯坏了。很久了", "name": PLANTED_NAME,
                                       "phone": PLANTED_PHONE}))))
    responses.append(("POST api evaluate", client.post(
        f"/api/v1/public/opinions/{codes[1]}/evaluate", content_type="application/json",
        data=json.dumps({"satisfaction": "unsatisfied", "comment": "没修好", "phone": PLANTED_PHONE}))))
    responses.append(("POST page evaluate", client.post(f"/portal/track/{codes[3]}/evaluate/",
                                                       {"satisfaction": "satisfied", "phone": PLANTED_PHONE},
                                                       follow=True)))

    judged = dict(responses)
    assert judged["POST api evaluate"].status_code == 200 and judged["POST page evaluate"].status_code == 200
    assert "感谢您的评价" in judged["POST page evaluate"].content.decode(), "the judging went through, not a refusal"
    leaks = []
    for url, response in responses:
        body = response.content.decode()
        leaks += [f"{url}: {secret}" for secret in PLANTED if secret in body]
    assert not leaks, "personal data in public responses:\n" + "\n".join(leaks)
    # and the scan looked at real content, not at empty pages
    joined = "".join(r.content.decode() for _, r in responses)
    assert "王一" in joined and "甲镇人大代表中心联络站" in joined and "路灯本月修复" in joined
