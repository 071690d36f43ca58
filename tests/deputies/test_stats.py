"""GET /api/v1/deputies/stats: the composition of a congress's deputies for a term, by gender, ethnicity, party,
age band, education, occupation and level, counts and shares that agree with the registry; the county sees each
township side by side; the same scope rules as the registry."""

from __future__ import annotations

import datetime as dt

import pytest

from renda.core.roles import Role
from renda.deputies import services, stats
from renda.deputies.models import Mandate, MandateStatus, Person
from tests.deputies.registry import build, make_id
from tests.factories import UserFactory
from tests.helpers import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg(tree):
    return build(tree)


def dims(body) -> dict[str, dict[str, tuple[int, float]]]:
    return {d["key"]: {r["code"]: (r["count"], r["share"]) for r in d["rows"]} for d in body["dimensions"]}


def test_town_composition_counts_and_shares(reg):
    response = api_client(reg.clerk_a).get("/api/v1/deputies/stats")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["congress"]["id"], body["term"]["number"], body["total"]) == (reg.tree.congress_a.pk, 20, 2)
    d = dims(body)
    assert d["gender"] == {"male": (1, 0.5), "female": (1, 0.5)}
    assert d["ethnicity"] == {"汉族": (1, 0.5), "回族": (1, 0.5)}
    assert d["party"]["cpc"] == (1, 0.5) and d["party"]["none"] == (1, 0.5) and d["party"]["democratic"] == (0, 0)
    assert d["education"]["bachelor"] == (1, 0.5) and d["education"]["college"] == (1, 0.5)
    assert d["occupation"]["farmer"] == (1, 0.5) and d["occupation"]["worker"] == (1, 0.5)
    assert d["level"]["township"] == (2, 1.0)
    highlights = {h["code"]: (h["count"], h["share"]) for h in body["highlights"]}
    assert highlights == {"women": (1, 0.5), "minorities": (1, 0.5), "non_party": (1, 0.5)}
    assert body["townships"] == [], "a township has no townships below it"


def test_age_bands_are_full_years_at_the_terms_election_date(reg):
    election = reg.tree.term_a.election_date            # 2021-09-20
    assert stats.reference_date(reg.tree.term_a) == election
    born = {"exactly_35": dt.date(1986, 9, 20), "a_day_short_of_35": dt.date(1986, 9, 21),
            "exactly_55": dt.date(1966, 9, 20), "a_day_short_of_45": dt.date(1976, 9, 21)}
    for i, birth in enumerate(born.values(), start=10):
        person = services.person_create(actor=None, region=reg.tree.town_a, name=f"代表{i}",
                                        id_number=make_id(birth.strftime("%Y%m%d"), i))
        services.mandate_create(actor=None, person=person, congress=reg.tree.congress_a)
    body = api_client(reg.clerk_a).get("/api/v1/deputies/stats").json()
    ages = dims(body)["age_band"]
    # 张三 1975-03-08 → 46; 李四 1990-01-01 → 31; then 35, 34, 55, 44.
    assert {k: v[0] for k, v in ages.items()} == {"under_35": 2, "35_44": 2, "45_54": 1, "55_plus": 1}
    assert sum(v[0] for v in ages.values()) == body["total"] == 6


def test_counts_agree_with_the_registry_and_follow_status(reg):
    clerk = reg.county_clerk
    services.mandate_change_status(actor=None, mandate=reg.mandate_zhang, status=MandateStatus.RESIGNED,
                                   date=dt.date(2026, 1, 1), reason="辞职")
    url = f"/api/v1/deputies/stats?congress={reg.tree.congress_a.pk}"
    active = api_client(clerk).get(url).json()
    everyone = api_client(clerk).get(url + "&status=all").json()
    assert active["total"] == Mandate.objects.filter(congress=reg.tree.congress_a, status="active").count() == 1
    assert everyone["total"] == Mandate.objects.filter(congress=reg.tree.congress_a).count() == 2
    for key, column in (("gender", "gender"), ("party", "party"), ("education", "education"),
                        ("occupation", "occupation"), ("ethnicity", "ethnicity")):
        for code, (count, share) in dims(everyone)[key].items():
            expected = Person.objects.filter(mandates__congress=reg.tree.congress_a, **{column: code}).count()
            assert count == expected, (key, code)
            assert share == round(expected / 2, 4)


def test_county_sees_each_township_side_by_side(reg):
    body = api_client(reg.county_clerk).get("/api/v1/deputies/stats").json()
    assert body["congress"]["id"] == reg.tree.county_congress.pk
    assert body["total"] == 1 and dims(body)["party"]["democratic"] == (1, 1.0)
    columns = {t["congress"]["name"]: t for t in body["townships"]}
    assert list(columns) == ["甲镇人民代表大会", "乙镇人民代表大会"]
    assert columns["甲镇人民代表大会"]["total"] == 2 and columns["乙镇人民代表大会"]["total"] == 1
    assert dims(columns["乙镇人民代表大会"])["occupation"]["cadre"] == (1, 1.0)
    # Every column lists the same categories, so they line up.
    assert [r["code"] for r in columns["甲镇人民代表大会"]["dimensions"][0]["rows"]] == \
           [r["code"] for r in columns["乙镇人民代表大会"]["dimensions"][0]["rows"]]


def test_stats_scope(reg):
    other = api_client(reg.clerk_b).get(f"/api/v1/deputies/stats?congress={reg.tree.congress_a.pk}")
    assert (other.status_code, other.json()["code"]) == (404, "not_found")
    assert api_client(reg.clerk_a).get(
        f"/api/v1/deputies/stats?congress={reg.tree.county_congress.pk}").status_code == 404
    wrong_term = api_client(reg.clerk_a).get(f"/api/v1/deputies/stats?term={reg.tree.term_b.pk}")
    assert wrong_term.status_code == 404
    unit = UserFactory(role=Role.UNIT_USER, region=reg.tree.county, unit=reg.tree.unit_county)
    me = UserFactory(role=Role.DEPUTY, region=reg.tree.town_a, person=reg.zhang)
    for user in (unit, me):
        assert api_client(user).get("/api/v1/deputies/stats").status_code == 403
