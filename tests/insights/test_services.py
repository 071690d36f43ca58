"""The product side: per-congress models from labelled history, [setting] values, audit, the retraining job."""

from __future__ import annotations

import json

import pytest

from renda.core.errors import Invalid
from renda.core.models import AuditEntry
from renda.core.settings_registry import spec
from renda.insights import services, sources, store
from renda.insights.classifier import NotEnoughHistory
from renda.insights.jobs import retrain_models
from renda.organizations.services import congress_setting, congress_setting_set
from renda.organizations.settings_specs import CATEGORIES_DEFAULT
from tests.insights.synthetic import history

ELEVATOR = [f"{place}电梯故障频发，经常困人，物业不管" for place in ("幸福村", "东湖社区", "北关村", "南街社区",
                                                              "石桥村", "新民村", "河口社区", "西坡村")]


def audit_rows(action: str, congress) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, object_type="organizations.congress",
                                          object_id=str(congress.pk)))


def test_settings_are_registered_with_their_documented_defaults() -> None:
    assert spec("org.categories").default == CATEGORIES_DEFAULT
    assert len(CATEGORIES_DEFAULT) == 9 and "扶贫脱贫" in CATEGORIES_DEFAULT
    assert spec("insights.confidence_threshold").default == 60
    assert spec("insights.min_history").default == 50
    assert spec("insights.min_per_class").default == 5
    assert spec("insights.near_duplicate_threshold").default == 80


@pytest.mark.django_db
def test_a_fresh_congress_with_too_little_history_gets_no_suggestion(tree) -> None:
    congress = tree.congress_a
    with pytest.raises(NotEnoughHistory):
        services.model_train(actor=None, congress=congress, kind="category", items=history(per_class=5))
    assert not store.model_path(congress.pk, "category").exists()
    assert services.suggest(congress=congress, kind="category", text="东湖社区油烟扰民") is None
    assert audit_rows("insights.model_train", congress) == []


@pytest.mark.django_db
def test_a_clerks_correction_changes_the_next_suggestion_after_retraining(tree) -> None:
    """Every correction is a label: elevator complaints first land in 城建交通 (nothing better is known); once clerks
    file some under 社会保障 and the model is retrained, the next one is suggested 社会保障."""
    congress = tree.congress_a
    congress_setting_set(actor=None, congress=congress, key="insights.confidence_threshold", raw="30")
    items = history(per_class=20)
    services.model_train(actor=None, congress=congress, kind="category",
                         items=items + [(t, "城建交通") for t in ELEVATOR[:6]])
    new = "北关村的电梯故障频发，物业不管，希望解决"
    assert services.suggest(congress=congress, kind="category", text=new).best == "城建交通"

    corrected = items + [(t, "社会保障") for t in ELEVATOR[:6]]  # the clerks' corrections
    services.model_train(actor=None, congress=congress, kind="category", items=corrected)
    after = services.suggest(congress=congress, kind="category", text=new)
    assert after.label == "社会保障"
    assert "电梯" in "".join(after.terms)
    rows = audit_rows("insights.model_train", congress)
    assert len(rows) == 2 and rows[-1].actor_username == "system"
    assert json.loads(rows[-1].after)["items"] == len(corrected)


@pytest.mark.django_db
def test_the_congress_threshold_setting_turns_a_guess_into_uncertain(tree) -> None:
    congress = tree.congress_a
    services.model_train(actor=None, congress=congress, kind="category", items=history(per_class=20))
    text = "东湖社区油烟扰民，晚上噪音也很大"
    assert services.suggest(congress=congress, kind="category", text=text).label == "环境保护"
    congress_setting_set(actor=None, congress=congress, key="insights.confidence_threshold", raw="100")
    s = services.suggest(congress=congress, kind="category", text=text)
    assert s.uncertain and s.best == "环境保护"


@pytest.mark.django_db
def test_labels_outside_the_congress_taxonomy_are_not_learnt(tree) -> None:
    congress = tree.congress_a
    congress_setting_set(actor=None, congress=congress, key="org.categories", raw="城建交通,环境保护,社会保障")
    model = services.model_train(actor=None, congress=congress, kind="category", items=history(per_class=20))
    assert sorted(model.classes) == ["城建交通", "环境保护", "社会保障"]


@pytest.mark.django_db
def test_history_falling_below_the_minimum_removes_the_old_model(tree) -> None:
    congress = tree.congress_a
    services.model_train(actor=None, congress=congress, kind="unit", items=history(per_class=20))
    congress_setting_set(actor=None, congress=congress, key="insights.min_history", raw="500")
    with pytest.raises(NotEnoughHistory):
        services.model_train(actor=None, congress=congress, kind="unit", items=history(per_class=20))
    assert services.suggest(congress=congress, kind="unit", text="东湖社区油烟扰民") is None
    assert len(audit_rows("insights.model_remove", congress)) == 1


@pytest.mark.django_db
def test_the_nightly_job_retrains_each_congress_from_the_registered_sources(tree) -> None:
    assert retrain_models.call() == 0  # nothing registered: nothing to learn from

    def source(congress):
        return history(per_class=20) if congress == tree.congress_b else history(per_class=2)

    sources.register("category", source)
    try:
        assert retrain_models.call() == 1
    finally:
        sources.unregister("category", source)
    assert store.load(tree.congress_b.pk, "category") is not None
    assert store.load(tree.congress_a.pk, "category") is None
    assert len(audit_rows("insights.model_train", tree.congress_b)) == 1


@pytest.mark.django_db
def test_category_terms_are_checked_line_by_line_when_set(tree) -> None:
    with pytest.raises(Invalid, match="第 2 行"):
        congress_setting_set(actor=None, congress=tree.congress_a, key="insights.category_terms",
                             raw="教科文卫：保健品\n药店，诊所")
    assert congress_setting(tree.congress_a, "insights.category_terms") == []


@pytest.mark.django_db
def test_changing_the_category_terms_retrains_the_category_model_with_them(
        tree, django_capture_on_commit_callbacks) -> None:
    congress = tree.congress_a

    def source(c):
        return history(per_class=20) if c == congress else []

    sources.register("category", source)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            congress_setting_set(actor=None, congress=congress, key="insights.category_terms",
                                 raw="教科文卫：保健品、药品，诊所\n不在分类中：词\n环境保护：噪声")
    finally:
        sources.unregister("category", source)
    model = store.load(congress.pk, "category")
    assert model is not None and model.learnt_terms == 4  # the line of an unknown category is ignored
    assert json.loads(audit_rows("insights.model_train", congress)[-1].after)["terms"] == 4
    s = services.suggest(congress=congress, kind="category", text="东湖社区小卖部向老人推销保健品，夸大功效")
    assert s is not None and s.best == "教科文卫"


def test_only_the_same_words_and_numbers_make_the_same_text() -> None:
    """Spaces and punctuation aside, two texts are the same complaint sent again only if their words and numbers
    are: the lift of 3号楼 is not the lift of 12号楼."""
    from renda.insights.similar import Match

    def case(pk: int, text: str) -> services.PastCase:
        return services.PastCase("opinion", pk, Match(pk, 0.9, True, text, ""))

    cases = [case(1, "3号楼电梯坏了一个月，老人上下楼困难。"), case(2, "3号楼电梯坏了一个月 老人上下楼困难"),
             case(3, "12号楼电梯坏了一个月，老人上下楼困难。"), case(4, "路灯不亮")]
    together = services.same_text_together(cases, k=5)
    assert [c.pk for c in together] == [1, 3, 4] and [c.pk for c in together[0].same] == [2]
    assert [c.pk for c in services.same_text_together(cases, k=2)] == [1, 3]
    answered = services.PastCase("opinion", 5, Match(5, 0.8, True, "3号楼电梯坏了一个月，老人上下楼困难！", "已修复"))
    shown = services.same_text_together([*cases, answered], k=5)[0]  # the copy with an answer stands for them
    assert shown.pk == 5 and shown.match.reply == "已修复" and [c.pk for c in shown.same] == [1, 2]
