"""The text engine on a suggestion's own page: at review (立案) the clerk confirms or corrects the domain category,
with the engine's proposal preselected when the deputy gave none; at assignment (交办) the engine's lead unit is
preselected among the units the suggestion may go to. The correction is audited and is learnt."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from renda.core.models import AuditEntry
from renda.insights import history
from renda.insights import services as insights
from renda.organizations.services import congress_setting_set
from renda.suggestions import services
from renda.suggestions.models import Status
from tests.insights.synthetic import history as synthetic_history

pytestmark = pytest.mark.django_db

SMOKE = ("东湖社区油烟扰民", "东湖社区油烟扰民，噪音扰民也很严重，垃圾乱堆，希望有关部门尽快处理。")
ROADS = ("修缮甲村道路", "甲村至镇道路坑洼，路灯不亮，桥梁破损，请予修缮。")


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Any) -> Any:
    """Models are files under DATA_DIR: every test gets its own."""
    settings.DATA_DIR = tmp_path
    return tmp_path


def page(user: Any, s: Any) -> str:
    c = Client()
    c.force_login(user)
    response = c.get(reverse("suggestions:detail", args=[s.pk]))
    assert response.status_code == 200
    return response.content.decode()


def train_models(world: Any) -> Any:
    """Category and unit models for town A's congress from a labelled history (roads → 县交通运输局, schools and
    clinics → 县教育局, the rest → 县水利局). Models are files under DATA_DIR: set it per test first."""
    history.clear_caches()
    t = world.tree
    congress_setting_set(actor=None, congress=t.congress_a, key="insights.min_history", raw="20")
    items = synthetic_history(per_class=8)
    insights.model_train(actor=None, congress=t.congress_a, kind="category", items=items)
    unit_of = {"城建交通": t.unit_county, "教科文卫": t.unit_other}
    insights.model_train(actor=None, congress=t.congress_a, kind="unit",
                         items=[(text, str(unit_of.get(c, world.third_unit).pk)) for text, c in items])
    return world


@pytest.fixture
def trained(world: Any) -> Any:
    return train_models(world)


def draft(world: Any, title: str, content: str, category: str = "") -> Any:
    s = services.suggestion_create(actor=world.lead, congress=world.tree.congress_a, kind="suggestion",
                                   channel="recess", title=title, content=content, category=category,
                                   co_signers=[])
    return services.suggestion_submit(actor=world.lead, suggestion=s)


def test_review_preselects_the_proposed_category_when_the_deputy_gave_none(trained) -> None:
    s = draft(trained, *SMOKE)
    html = page(trained.clerk_a, s)
    assert 'data-testid="review-category-proposal"' in html and "智能建议分类：环境保护" in html and "已预选" in html
    assert '<option value="环境保护" selected>' in html


def test_review_keeps_the_deputys_category_chosen_and_shows_the_proposal_beside_it(trained) -> None:
    s = draft(trained, *SMOKE, category="社会保障")
    html = page(trained.clerk_a, s)
    assert '<option value="社会保障" selected>' in html
    assert "智能建议分类：环境保护" in html and "已预选" not in html


def test_a_clerks_correction_at_review_is_audited_and_learnt(trained) -> None:
    s = draft(trained, *SMOKE, category="社会保障")
    s = services.suggestion_review(actor=trained.clerk_a, suggestion=s, decision="accept", category="环境保护")
    assert s.status == Status.ACCEPTED and s.category == "环境保护"
    entry = AuditEntry.objects.filter(action="suggestion.review").latest("seq")
    assert '"社会保障"' in str(entry.before) and '"环境保护"' in str(entry.after)
    assert (f"{s.title} {s.content}", "环境保护") in list(history.category_labels(trained.tree.congress_a))


def test_a_category_outside_the_taxonomy_is_refused_and_nothing_changes(trained) -> None:
    from renda.core.errors import Invalid

    s = draft(trained, *SMOKE, category="社会保障")
    with pytest.raises(Invalid) as exc:
        services.suggestion_review(actor=trained.clerk_a, suggestion=s, decision="accept", category="外交国防")
    assert "category" in exc.value.fields
    s.refresh_from_db()
    assert s.status == Status.SUBMITTED and s.category == "社会保障"


def test_leaving_the_category_out_keeps_the_deputys(trained) -> None:
    s = draft(trained, *SMOKE, category="社会保障")
    s = services.suggestion_review(actor=trained.clerk_a, suggestion=s, decision="accept")
    assert s.category == "社会保障"


def test_the_review_form_posts_the_category(trained) -> None:
    s = draft(trained, *SMOKE)
    c = Client()
    c.force_login(trained.clerk_a)
    response = c.post(reverse("suggestions:act", args=[s.pk, "review"]),
                      {"version": s.version, "decision": "accept", "category": "环境保护"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == Status.ACCEPTED and s.category == "环境保护"


def test_assignment_preselects_the_proposed_lead_unit(trained) -> None:
    s = draft(trained, *ROADS)
    s = services.suggestion_review(actor=trained.clerk_a, suggestion=s, decision="accept")
    html = page(trained.clerk_a, s)
    unit = trained.tree.unit_county
    assert 'data-testid="assign-unit-proposal"' in html and f"智能建议承办单位：{unit.name}" in html
    assert f'<option value="{unit.pk}" selected>' in html


def test_no_model_no_proposal_and_nothing_preselected(world) -> None:
    history.clear_caches()
    s = draft(world, *SMOKE)
    html = page(world.clerk_a, s)
    assert "review-category-proposal" not in html and " selected>环境保护" not in html
    s = services.suggestion_review(actor=world.clerk_a, suggestion=s, decision="accept")
    assert "assign-unit-proposal" not in page(world.clerk_a, s)


def test_the_api_review_takes_the_category_too(world) -> None:
    from tests.helpers import api_client

    s = draft(world, *SMOKE, category="社会保障")
    client = api_client(world.clerk_a)
    bad = client.post(f"/api/v1/suggestions/{s.pk}/review", {"decision": "accept", "category": "外交国防"},
                      content_type="application/json")
    assert bad.status_code == 422 and "category" in bad.json()["fields"]
    ok = client.post(f"/api/v1/suggestions/{s.pk}/review", {"decision": "accept", "category": "环境保护"},
                     content_type="application/json")
    assert ok.status_code == 200, ok.content
    s.refresh_from_db()
    assert s.category == "环境保护"


def test_a_category_no_clerk_checked_is_no_label(world) -> None:
    """A deputy's own category on a suggestion withdrawn or returned before 立案 was nobody's check: twelve such
    suggestions, submitted and withdrawn at once, turned a confident 环境保护 into 社会保障."""
    withdrawn = draft(world, "油烟扰民一", "东湖社区油烟扰民，晚上噪音很大。", category="社会保障")
    services.suggestion_withdraw(actor=world.lead, suggestion=withdrawn)
    returned = draft(world, "油烟扰民二", "西湖社区油烟扰民，请予整治。", category="社会保障")
    services.suggestion_review(actor=world.clerk_a, suggestion=returned, decision="return", reason="no_content")
    waiting = draft(world, "油烟扰民三", "南湖社区油烟扰民，请予处理。", category="社会保障")
    admitted = draft(world, "油烟扰民四", "北湖社区油烟扰民，请予整治。", category="社会保障")
    services.suggestion_review(actor=world.clerk_a, suggestion=admitted, decision="accept", category="环境保护")
    later = draft(world, "油烟扰民五", "中湖社区油烟扰民，请予整治。", category="环境保护")
    later = services.suggestion_review(actor=world.clerk_a, suggestion=later, decision="accept")
    services.suggestion_withdraw(actor=world.lead, suggestion=later)  # checked at 立案, withdrawn after: a label

    labels = [(t, c) for t, c in history.category_labels(world.tree.congress_a) if "油烟" in t]
    assert sorted(labels) == [("油烟扰民五 中湖社区油烟扰民，请予整治。", "环境保护"),
                              ("油烟扰民四 北湖社区油烟扰民，请予整治。", "环境保护")]
    assert waiting.category == "社会保障"


def decide(user: Any, bill: Any, **fields: str) -> int:
    """The clerk sends the bill's decision form (by the presidium); the answer's status."""
    c = Client()
    c.force_login(user)
    return c.post(reverse("suggestions:act", args=[bill.pk, "decide"]),
                  {"version": bill.version, "decided_by": "presidium", **fields}).status_code


def test_a_bill_handled_as_a_suggestion_has_its_category_confirmed_or_corrected(trained) -> None:
    from tests.helpers import api_client

    bill = trained.build(Status.SUBMITTED, kind="bill")
    html = page(trained.clerk_a, bill)
    assert 'data-testid="form-decide"' in html and 'data-testid="decide-category-proposal"' in html
    assert '<option value="城建交通" selected>' in html  # the deputy's, to confirm or correct

    assert decide(trained.clerk_a, bill, decision="as_suggestion", reason="内容属于建议", category="社会保障") == 302
    bill.refresh_from_db()
    assert (bill.status, bill.kind, bill.category) == (Status.ACCEPTED, "suggestion", "社会保障")
    entry = AuditEntry.objects.filter(action="suggestion.decide").latest("seq")
    assert '"城建交通"' in str(entry.before) and '"社会保障"' in str(entry.after)
    assert (f"{bill.title} {bill.content}", "社会保障") in list(history.category_labels(trained.tree.congress_a))

    other = trained.build(Status.SUBMITTED, kind="bill")
    bad = api_client(trained.clerk_a).post(
        f"/api/v1/suggestions/{other.pk}/decide", {"decision": "as_suggestion", "decided_by": "presidium",
                                                   "reason": "内容属于建议", "category": "外交国防"},
        content_type="application/json")
    assert bad.status_code == 422 and "category" in bad.json()["fields"]
    agenda = api_client(trained.clerk_a).post(
        f"/api/v1/suggestions/{other.pk}/decide", {"decision": "agenda", "decided_by": "presidium",
                                                   "reason": "列入议程", "category": "社会保障"},
        content_type="application/json")
    assert agenda.status_code == 200, agenda.content
    other.refresh_from_db()
    assert (other.status, other.category) == (Status.ON_AGENDA, "城建交通")
    same_text = [c for t, c in history.category_labels(trained.tree.congress_a) if t == f"{bill.title} {bill.content}"]
    assert same_text == ["社会保障"], "a bill on the agenda is no label: no clerk checked its category"


def test_a_bill_put_on_the_agenda_is_not_refused_for_a_category_taken_out_meanwhile(trained) -> None:
    bill = trained.build(Status.SUBMITTED, kind="bill")
    congress_setting_set(actor=None, congress=trained.tree.congress_a, key="org.categories", raw="环境保护,社会保障")
    assert decide(trained.clerk_a, bill, decision="agenda", reason="列入议程", category="城建交通") == 302
    bill.refresh_from_db()
    assert (bill.status, bill.category) == (Status.ON_AGENDA, "城建交通")
