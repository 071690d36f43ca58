"""An extraordinary session (临时会议) rests on a decision of the body that fixes the sessions — the presidium of a
township congress, the standing committee of a county one — or on the proposal of 五分之一以上 of the deputies
[law, 地方组织法]: exactly one fifth is enough, one fewer is not."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from django.urls import reverse

from renda.core.errors import DomainError, Invalid
from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.deputies.models import Mandate, MandateStatus
from renda.meetings import law, services
from renda.meetings.models import ConvenedBy, Session, SessionKind
from tests.factories import UserFactory
from tests.helpers import api_client
from tests.meetings.util import make_deputies

DAY = dt.date(2026, 6, 2)


@pytest.mark.parametrize("n", range(3, 451))
def test_one_fifth_of_the_deputies_is_the_least_that_calls_an_extra_session(n: int) -> None:
    m = law.extra_session_request_min(n)
    assert m == math.ceil(n / 5)
    assert 5 * m >= n > 5 * (m - 1)  # m deputies are at least one fifth; m - 1 are less


def _extra(tree, congress, *, number: int = 3, **kwargs) -> Session:
    return services.session_create(actor=None, congress=congress, number=number, title="临时会议", starts_on=DAY,
                                   ends_on=DAY, kind=SessionKind.EXTRAORDINARY, **kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize(("n", "needed"), [(10, 2), (11, 3), (45, 9), (46, 10)])
def test_deputies_call_it_with_exactly_one_fifth_and_not_with_one_fewer(tree, n: int, needed: int) -> None:
    people = make_deputies(tree.term_a, n)
    with pytest.raises(DomainError) as refused:
        _extra(tree, tree.congress_a, convened_by=ConvenedBy.DEPUTIES, requesters=[p.pk for p in people[:needed - 1]])
    assert refused.value.code == "extra_session_not_called"
    assert f"本届在任代表 {n} 名，至少 {needed} 名提议，现有 {needed - 1} 名" in refused.value.message
    assert not Session.objects.exists()

    session = _extra(tree, tree.congress_a, convened_by=ConvenedBy.DEPUTIES,
                     requesters=[p.pk for p in people[:needed]], basis="关于提请临时召开镇人民代表大会会议的提议")
    assert sorted(session.requesters.values_list("pk", flat=True)) == sorted(p.pk for p in people[:needed])
    entry = AuditEntry.objects.get(action="session.create")
    after = json.loads(entry.after)
    assert after["convened_by"] == "deputies" and len(after["requesters"]) == needed


@pytest.mark.django_db
def test_a_name_given_twice_counts_once_and_only_serving_deputies_of_this_term_count(tree) -> None:
    people = make_deputies(tree.term_a, 10)
    with pytest.raises(DomainError, match="现有 1 名"):
        _extra(tree, tree.congress_a, convened_by=ConvenedBy.DEPUTIES, requesters=[people[0].pk, people[0].pk])
    Mandate.objects.filter(person=people[1]).update(status=MandateStatus.TERMINATED)
    neighbour = make_deputies(tree.term_b, 1, prefix="乙镇代表")[0]
    for outsider in (people[1], neighbour):
        with pytest.raises(DomainError, match="不是本届在任代表") as refused:
            _extra(tree, tree.congress_a, convened_by=ConvenedBy.DEPUTIES, requesters=[people[0].pk, outsider.pk])
        assert refused.value.extra["not_serving"] == [outsider.pk]
    # nine serving deputies now: two are still needed, and two serving ones suffice
    assert _extra(tree, tree.congress_a, convened_by=ConvenedBy.DEPUTIES,
                  requesters=[people[0].pk, people[2].pk]).requesters.count() == 2


@pytest.mark.django_db
def test_the_deciding_body_is_the_presidium_in_a_township_and_the_standing_committee_in_a_county(tree) -> None:
    make_deputies(tree.term_a, 10)
    with pytest.raises(DomainError, match="主席团决定"):
        _extra(tree, tree.congress_a, convened_by=ConvenedBy.STANDING_COMMITTEE, basis="常委会决定")
    with pytest.raises(Invalid, match="文号或日期"):
        _extra(tree, tree.congress_a, convened_by=ConvenedBy.PRESIDIUM)
    assert _extra(tree, tree.congress_a, convened_by=ConvenedBy.PRESIDIUM, basis="镇人大主席团 2026 年 5 月 20 日决定")
    with pytest.raises(DomainError, match="常委会决定"):
        _extra(tree, tree.county_congress, convened_by=ConvenedBy.PRESIDIUM, basis="x")
    assert _extra(tree, tree.county_congress, convened_by=ConvenedBy.STANDING_COMMITTEE, basis="县人大常委会决定")


@pytest.mark.django_db
def test_an_extra_session_needs_a_basis_and_a_regular_one_takes_none(tree) -> None:
    people = make_deputies(tree.term_a, 10)
    with pytest.raises(DomainError) as refused:
        _extra(tree, tree.congress_a)
    assert refused.value.code == "extra_session_not_called"
    with pytest.raises(Invalid, match="只适用于临时会议"):
        services.session_create(actor=None, congress=tree.congress_a, number=1, title="例会", starts_on=DAY,
                                ends_on=DAY, convened_by=ConvenedBy.DEPUTIES, requesters=[p.pk for p in people])
    regular = services.session_create(actor=None, congress=tree.congress_a, number=1, title="例会", starts_on=DAY,
                                      ends_on=DAY)
    assert regular.kind == SessionKind.REGULAR and regular.convened_by == ""


@pytest.mark.django_db
def test_the_api_takes_the_requesters_and_refuses_too_few_with_the_figures(tree) -> None:
    people = make_deputies(tree.term_a, 12)
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    client = api_client(clerk)
    body = {"congress": tree.congress_a.pk, "number": 3, "title": "甲镇临时会议", "starts_on": "2026-06-02",
            "ends_on": "2026-06-02", "kind": "extraordinary", "convened_by": "deputies",
            "requesters": [p.pk for p in people[:2]]}
    refused = client.post("/api/v1/sessions", json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["code"] == "extra_session_not_called" and "至少 3 名" in refused.json()["message"]
    body["requesters"] = [p.pk for p in people[:3]]
    made = client.post("/api/v1/sessions", json.dumps(body), content_type="application/json")
    assert made.status_code == 200, made.content
    assert made.json()["convened_by"] == "deputies" and made.json()["requesters"] == sorted(p.pk for p in people[:3])
    listed = client.get(f"/api/v1/sessions?congress={tree.congress_a.pk}").json()["items"]
    assert listed[0]["requesters"] == made.json()["requesters"]


@pytest.mark.django_db
def test_the_page_lists_the_serving_deputies_to_tick_and_creates_the_session(client, tree) -> None:
    people = make_deputies(tree.term_a, 11)
    Mandate.objects.filter(person=people[10]).update(status=MandateStatus.TERMINATED)
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    client.force_login(clerk, backend="django.contrib.auth.backends.ModelBackend")
    fragment = client.get(reverse("meetings:session_requesters"), {"congress": tree.congress_a.pk}).content.decode()
    assert "本届在任代表 10 名，至少 2 名" in fragment
    assert fragment.count('name="requesters"') == 10 and f'value="{people[10].pk}"' not in fragment
    assert client.get(reverse("meetings:session_requesters"), {"congress": tree.congress_b.pk}).status_code == 404
    page = client.get(reverse("meetings:list")).content.decode()
    assert 'name="convened_by"' in page and "五分之一以上代表提议" in page
    response = client.post(reverse("meetings:session_new"), {
        "congress": tree.congress_a.pk, "number": 3, "title": "甲镇临时会议", "starts_on": "2026-06-02",
        "ends_on": "2026-06-02", "kind": "extraordinary", "convened_by": "deputies",
        "requesters": [people[0].pk, people[1].pk]})
    assert response.status_code == 302
    session = Session.objects.get(title="甲镇临时会议")
    assert session.kind == SessionKind.EXTRAORDINARY and session.requesters.count() == 2
