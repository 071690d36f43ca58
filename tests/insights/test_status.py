"""智能辅助: the status of a congress's models — trained or not, from how many items, how well they do on items they
have not seen, which classes they leave out — and the button that has them learn again now."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.insights import archive, classifier, history, services, store
from tests.factories import UnitFactory, UserFactory
from tests.helpers import api_client
from tests.insights.synthetic import history as synthetic_history
from tests.insights.test_archive import xlsx


@pytest.fixture
def clerk(tree):
    history.clear_caches()
    return UserFactory(role=Role.COUNTY_STAFF, region=tree.county)


def ledger(tree) -> list[list[object]]:
    """15 distinct cases of each synthetic category with its unit, and two of 农业农村 for 县水利局: too few to
    learn."""
    water = UnitFactory(region=tree.county, name="县水利局")
    rows: list[list[object]] = [["内容", "领域分类", "主办单位", "年度"]]
    cases = dict(synthetic_history(per_class=20))  # a message written twice is one case
    for category in ("城建交通", "教科文卫", "环境保护", "社会保障"):
        for text in [t for t, c in cases.items() if c == category][:15]:
            rows.append([text, category, "县交通运输局" if category == "城建交通" else "县教育局", 2024])
    rows += [["幸福村灌溉渠道年久失修，春耕用水困难", "农业农村", water.name, 2024],
             ["石桥村山塘渗漏，希望修缮", "农业农村", water.name, 2024]]
    return rows


def page(user) -> str:
    c = Client()
    c.force_login(user)
    response = c.get(reverse("insights:status"))
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, congress) -> str:
    return next(part for part in html.split('data-testid="model-status"')[1:] if f"<h2>{congress.name}</h2>" in part)


@pytest.mark.django_db
def test_a_congress_without_models_says_how_many_items_are_labelled_against_the_minimum(
        tree, clerk, django_capture_on_commit_callbacks) -> None:
    html = page(clerk)
    county = card(html, tree.county_congress)
    assert county.count('<span class="tag ended">未启用</span>') == 2
    assert county.count("已标注 0 条，其中可用于学习的 0 条") == 2
    assert reverse("insights:archive") in county and 'data-testid="model-retrain"' in county
    # the county sees its townships' congresses too, folded, each with one line of how its models stand
    assert "<details open>" in county and "<details open>" not in card(html, tree.congress_a)
    assert "领域分类：未启用，已标注 0/50 · 主办单位：未启用，已标注 0/50" in card(html, tree.congress_a)
    # a ledger imported without its retraining having run yet (it runs after the commit): enough history, no model
    archive.archive_import(actor=clerk, congress=tree.county_congress, kind="suggestion", data=xlsx(ledger(tree)),
                           file_name="台账.xlsx")
    county = card(page(clerk), tree.county_congress)
    assert county.count("已标注 62 条，够开始学习了（需要 50 条）：下次学习（每晚）后启用，也可以点“立即重新学习”") == 2
    with django_capture_on_commit_callbacks(execute=True):  # 立即重新学习: both models, in the background
        response = Client()
        response.force_login(clerk)
        done = response.post(reverse("insights:retrain", args=[tree.county_congress.pk]))
    assert done.status_code == 302
    assert store.load(tree.county_congress.pk, "category") is not None
    assert store.load(tree.county_congress.pk, "unit") is not None
    trained = AuditEntry.objects.filter(action="insights.model_train")
    assert sorted(json.loads(e.after)["kind"] for e in trained) == ["category", "unit"]
    assert {e.actor_id for e in trained} == {clerk.pk}  # whoever asked is named
    asked = AuditEntry.objects.get(action="insights.retrain_request")
    assert (asked.actor_id, asked.object_id) == (clerk.pk, str(tree.county_congress.pk))
    # a second click within two minutes queues nothing more, and says so
    with django_capture_on_commit_callbacks(execute=False) as queued:
        again = response.post(reverse("insights:retrain", args=[tree.county_congress.pk]), follow=True)
    assert queued == [] and "刚刚已安排重新学习，不必再次安排" in again.content.decode()
    assert AuditEntry.objects.filter(action="insights.retrain_request").count() == 1


@pytest.mark.django_db
def test_a_trained_model_shows_what_it_learnt_how_well_it_does_and_what_it_leaves_out(
        tree, clerk, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        archive.archive_import(actor=clerk, congress=tree.county_congress, kind="suggestion",
                               data=xlsx(ledger(tree)), file_name="台账.xlsx")
    category, unit = services.model_status(tree.county_congress)
    assert (category.kind, category.active, category.labelled) == ("category", True, 60)
    learnt = {c.name: c.items for c in category.classes}
    assert learnt == dict.fromkeys(("城建交通", "教科文卫", "环境保护", "社会保障"), 15)
    assert category.left_out == (("农业农村", 2),)
    assert category.accuracy is not None and 0.7 <= category.accuracy <= 1.0  # the synthetic classes are distinct
    assert all(c.f1 is not None for c in category.classes)
    assert category.proposed is not None and category.right is not None and 0 < category.proposed <= 1
    assert [t for t, *_ in category.thresholds] == [40, 50, 60, 70, 80, 90]
    assert (unit.active, {c.name for c in unit.classes}, unit.left_out) == (True, {"县交通运输局", "县教育局"},
                                                                            (("县水利局", 2),))
    html = card(page(clerk), tree.county_congress)
    assert html.count('<span class="tag">已启用</span>') == 2 and "学习了 60 条已标注的条目" in html
    assert "建议与工作人员的选择一致的约占 <strong>" in html and "按现在的置信度阈值 60%，约" in html
    assert '<tr aria-current="true"><td>60%（现在）</td>' in html
    assert "已标注少于 5 条、暂不建议：农业农村（2 条）" in html and "县水利局（2 条）" in html
    trained = json.loads(AuditEntry.objects.filter(action="insights.model_train").latest("seq").after)
    assert 0.7 <= trained["accuracy"] <= 1.0


@pytest.mark.django_db
def test_only_staff_of_the_congress_may_have_it_learn_again(tree, clerk) -> None:
    township = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)
    html = page(township)
    assert 'data-testid="model-retrain"' in card(html, tree.congress_a)
    assert f"<h2>{tree.county_congress.name}</h2>" not in html and f"<h2>{tree.congress_b.name}</h2>" not in html
    c = Client()
    c.force_login(township)
    assert c.post(reverse("insights:retrain", args=[tree.county_congress.pk])).status_code == 404
    unit_user = UserFactory(role=Role.UNIT_USER, region=tree.county, unit=tree.unit_county)
    c.force_login(unit_user)
    assert c.get(reverse("insights:status")).status_code == 403
    assert c.post(reverse("insights:retrain", args=[tree.county_congress.pk])).status_code == 403


@pytest.mark.django_db
def test_the_api_gives_the_same_status(tree, clerk, django_capture_on_commit_callbacks) -> None:
    api = api_client(clerk)
    before = api.get(f"/api/v1/insights/models?congress={tree.county_congress.pk}").json()
    assert [(m["kind"], m["active"], m["labelled"], m["min_history"]) for m in before] == [
        ("category", False, 0, 50), ("unit", False, 0, 50)]
    with django_capture_on_commit_callbacks(execute=True):
        archive.archive_import(actor=clerk, congress=tree.county_congress, kind="suggestion",
                               data=xlsx(ledger(tree)), file_name="台账.xlsx")
    after = api.get(f"/api/v1/insights/models?congress={tree.county_congress.pk}").json()
    assert [(m["kind"], m["active"], m["labelled"], m["left_out"]) for m in after] == [
        ("category", True, 60, {"农业农村": 2}), ("unit", True, 60, {"县水利局": 2})]
    assert after[0]["trained_at"] and 0.7 <= after[0]["accuracy"] <= 1.0
    assert 0 < after[0]["proposed"] <= 1 and 0 <= after[0]["right"] <= 1
    assert all(set(c) == {"label", "answer", "items"} for c in after[0]["confused"])
    outsider = api_client(UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_b))
    assert outsider.get(f"/api/v1/insights/models?congress={tree.county_congress.pk}").status_code == 404


@pytest.mark.django_db
def test_a_model_saved_without_a_summary_is_described_once_from_the_model(tree) -> None:
    texts, labels = zip(*synthetic_history(per_class=15), strict=True)
    model = classifier.train(texts, labels, min_history=10, min_per_class=3)
    model.save(store.model_path(tree.county_congress.pk, "category"))  # as before summaries were written
    assert not store.summary_path(tree.county_congress.pk, "category").exists()
    summary = store.summary(tree.county_congress.pk, "category")
    assert summary is not None and summary["counts"] == dict(model.counts)
    assert store.summary_path(tree.county_congress.pk, "category").exists()
    assert store.delete(tree.county_congress.pk, "category")
    assert store.summary(tree.county_congress.pk, "category") is None
    assert not store.summary_path(tree.county_congress.pk, "category").exists()


def test_the_estimate_scores_only_the_history_and_needs_three_items_a_class() -> None:
    texts, labels = zip(*synthetic_history(per_class=12), strict=True)
    model = classifier.train(texts, labels, min_history=10, min_per_class=3, terms={"城建交通": ["路面塌陷"]})
    assert model.estimate is not None and model.estimate.items == 48
    assert model.estimate.support == {"城建交通": 12, "教科文卫": 12, "环境保护": 12, "社会保障": 12}
    confident = model.estimate.confident
    assert [t for t, *_ in confident] == list(range(101))
    # at threshold 0 an item is proposed when its words carry the answer (classifier.supported), as on the form:
    # 47 of these 48 (one short message's words cover less than half the way from the prior)
    assert confident[0][1] >= 0.95 and confident[0][2] is not None and confident[0][2] >= model.estimate.accuracy
    shares = [shown for _, shown, _ in confident]
    assert shares == sorted(shares, reverse=True)  # a higher threshold never proposes more
    assert model.estimate.at(60) == confident[60][1:]
    few = classifier.train([*texts, "石桥村灌溉渠道坏了", "山塘渗漏"], [*labels, "农业农村", "农业农村"],
                           min_history=10, min_per_class=2)
    assert few.dropped == {"农业农村": 2} and few.estimate is not None and "农业农村" not in few.estimate.support
    x = few.features.transform([*texts[:9], "石桥村灌溉渠道坏了", "山塘渗漏"])
    y = np.array([*labels[:9], "农业农村", "农业农村"])
    assert classifier.estimate(x, y, n_history=11, cv=[], c=0.5) is None  # three folds cannot each hold one
    assert classifier.train(texts, labels, min_history=10, min_per_class=3, with_estimate=False).estimate is None


def test_the_estimate_counts_as_proposed_only_what_the_form_would_propose() -> None:
    """Labelled items whose text has no word the model knows ("！！！", a number, an emoji) get no proposal on the
    form whatever the threshold (classifier.supported): the estimate of how many items get one must not count
    them either. Before the fifteenth session it counted by the threshold alone: 100 % at threshold 0."""
    texts, labels = zip(*synthetic_history(per_class=12), strict=True)
    noise = ["！！！！？？？？", "12345678901", "🙂🙂🙂", "……", "？？？", "。。。。"]
    noise_labels = ["城建交通", "教科文卫", "环境保护", "社会保障", "城建交通", "教科文卫"]
    model = classifier.train([*texts, *noise], [*labels, *noise_labels], min_history=10, min_per_class=3)
    assert all(s.uncertain for s in model.suggest_many(noise, threshold=0.0))
    assert model.estimate is not None and model.estimate.items == 54
    shown, right = model.estimate.at(0) or (None, None)
    assert shown is not None and shown <= 48 / 54 + 1e-4, "none of the six is counted as proposed"
    assert shown >= 40 / 54 and right is not None and right > model.estimate.accuracy  # measured 44 of 54

    # two classes: one SVM score per item, the same rule
    pairs = [(t, c) for t, c in zip(texts, labels, strict=True) if c in ("城建交通", "环境保护")]
    two = classifier.train([*(t for t, _ in pairs), *noise[:2]], [*(c for _, c in pairs), "城建交通", "环境保护"],
                           min_history=10, min_per_class=3)
    assert two.classes == ["城建交通", "环境保护"] and two.estimate is not None and two.estimate.items == 26
    shown, right = two.estimate.at(0) or (None, None)
    assert shown is not None and shown <= 24 / 26 + 1e-4 and right is not None and right >= two.estimate.accuracy


@pytest.mark.django_db
def test_a_threshold_that_no_item_reaches_is_said_plainly(tree, clerk, django_capture_on_commit_callbacks) -> None:
    from renda.organizations.services import congress_setting_set

    with django_capture_on_commit_callbacks(execute=True):
        archive.archive_import(actor=clerk, congress=tree.county_congress, kind="suggestion",
                               data=xlsx(ledger(tree)), file_name="台账.xlsx")
    congress_setting_set(actor=clerk, congress=tree.county_congress, key="insights.confidence_threshold", raw="100")
    category = services.model_status(tree.county_congress)[0]
    assert (category.threshold, category.proposed, category.right) == (100, 0.0, None)
    html = card(page(clerk), tree.county_congress)
    assert "按现在的置信度阈值 100%，没有条目会得到建议，都显示“不确定”：请考虑调低阈值" in html
    assert "<td>100%（现在）</td><td>0%</td><td>—</td>" in html


@pytest.mark.django_db
def test_staff_are_told_when_proposals_start_and_when_they_stop(
        tree, clerk, django_capture_on_commit_callbacks) -> None:
    from renda.notifications.models import Notification

    other = UserFactory(role=Role.TOWNSHIP_STAFF, region=tree.town_a)  # another congress's clerk
    with django_capture_on_commit_callbacks(execute=True):
        result = archive.archive_import(actor=clerk, congress=tree.county_congress, kind="suggestion",
                                        data=xlsx(ledger(tree)), file_name="台账.xlsx")
    told = Notification.objects.filter(recipient=clerk).order_by("id")
    assert [(n.kind, n.title, n.link) for n in told.all()] == [
        ("insights.model_on", f"智能辅助已启用：{tree.county_congress.name}的领域分类建议", "/insights/"),
        ("insights.model_on", f"智能辅助已启用：{tree.county_congress.name}的主办单位建议", "/insights/")]
    services.model_train(actor=None, congress=tree.county_congress, kind="category")  # learning again: no news
    assert told.count() == 2 and not Notification.objects.filter(recipient=other).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert result.batch is not None
        archive.archive_delete(actor=clerk, batch=result.batch)
    assert [n.title for n in told.all()[2:]] == [f"智能辅助已停用：{tree.county_congress.name}的领域分类建议",
                                           f"智能辅助已停用：{tree.county_congress.name}的主办单位建议"]


@pytest.mark.django_db
def test_the_most_frequent_mistakes_are_named_with_where_to_teach_the_difference(tree) -> None:
    pairs = synthetic_history(per_class=12)
    texts = [t for t, _ in pairs]
    road = [t for t, c in pairs if c == "城建交通"]
    labels = [c for _, c in pairs]
    # four more road messages that a clerk filed under 环境保护: the two classes are now mixed up, both ways
    texts += [f"{t}（补充）" for t in road[:4]]
    labels += ["环境保护"] * 4
    model = classifier.train(texts, labels, min_history=10, min_per_class=3)
    assert model.estimate is not None
    confused = model.estimate.confused
    assert {c[:2] for c in confused[:2]} == {("环境保护", "城建交通"), ("城建交通", "环境保护")}
    assert [n for *_, n in confused] == sorted((n for *_, n in confused), reverse=True) and confused[0][2] >= 3
    assert sum(n for *_, n in confused) == round((1 - model.estimate.accuracy) * model.estimate.items)
    store.save(tree.county_congress.pk, "category", model)
    clerk = UserFactory(role=Role.COUNTY_STAFF, region=tree.county)
    html = card(page(clerk), tree.county_congress)
    first, answer, n = confused[0]
    assert f"最常答错的：“{first}”答成“{answer}”{n} 条" in html and "“分类细目”中写明各类包含的事项" in html
