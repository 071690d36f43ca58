"""Category terms (分类细目): a congress's sub-items of each category, learnt beside its labelled history."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from renda.insights import evaluation, terms
from renda.insights.classifier import NotEnoughHistory, train
from tests.insights.synthetic import history

SUPPLEMENT = "东湖社区小卖部向老人推销保健品，夸大功效，希望查处"  # a topic the synthetic history never mentions


def test_lines_are_read_as_categories_with_their_terms() -> None:
    parsed = terms.parse(["教科文卫：保健品、药店，医院 诊所", "", "环境保护:噪声；扬尘", "教科文卫：保健品、疫苗"])
    assert parsed == {"教科文卫": ["保健品", "药店", "医院", "诊所", "疫苗"], "环境保护": ["噪声", "扬尘"]}


@pytest.mark.parametrize(("lines", "message"), [
    (["教科文卫：保健品", "保健品、药店"], "第 2 行“保健品、药店”缺少类别"),
    (["教科文卫：  "], "第 1 行“教科文卫”没有细目"),
])
def test_a_malformed_line_is_named_with_its_number(lines: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        terms.parse(lines)


def test_a_term_under_two_categories_is_left_out_and_other_categories_are_ignored() -> None:
    given = {"城建交通": ["路灯", "其他"], "环境保护": ["噪声", "其他"], "党务政务": ["党建", "其他"]}
    assert terms.unambiguous(given, ["城建交通", "环境保护"]) == {"城建交通": ["路灯"], "环境保护": ["噪声"]}


def _fit(extra: dict[str, list[str]] | None = None):
    items = history(per_class=20)
    return train([t for t, _ in items], [c for _, c in items], min_history=50, min_per_class=5, terms=extra)


def test_a_term_decides_a_topic_the_history_does_not_know() -> None:
    plain = _fit()
    with_terms = _fit({"教科文卫": ["保健品", "药品"], "环境保护": ["噪声"]})
    assert with_terms.learnt_terms == 3 and plain.learnt_terms == 0
    assert with_terms.counts == plain.counts  # the terms are not history
    index = with_terms.classes.index("教科文卫")
    before = plain.predict_proba([SUPPLEMENT])[0][index]
    after = with_terms.predict_proba([SUPPLEMENT])[0][index]
    assert with_terms.predict([SUPPLEMENT]) == ["教科文卫"]
    assert after > before + 0.1, (before, after)
    assert "保健品" in with_terms.suggest(SUPPLEMENT, threshold=0.0).terms


def test_terms_neither_make_up_for_too_little_history_nor_make_a_class_of_their_own() -> None:
    items = history(per_class=5)  # 20 items, the minimum is 50
    many = {"环境保护": [f"词{k}" for k in range(100)]}
    with pytest.raises(NotEnoughHistory):
        train([t for t, _ in items], [c for _, c in items], min_history=50, min_per_class=5, terms=many)
    m = _fit({"扶贫脱贫": ["贫困户", "易地搬迁"], "环境保护": ["噪声"]})
    assert "扶贫脱贫" not in m.classes and m.learnt_terms == 1


def test_the_evaluation_reads_a_csv_taxonomy_or_the_settings_lines(tmp_path) -> None:
    csv_file = tmp_path / "taxonomy.csv"
    csv_file.write_text("一级分类,二级分类,三级分类\n卫生计生,食品药品监管,保健品化妆品管理\n"
                        "卫生计生,食品药品监管,其他\n商贸旅游,市场监管,其他\n", encoding="utf-8")
    assert evaluation.read_category_terms(csv_file) == {
        "卫生计生": ["食品药品监管", "保健品化妆品管理", "其他"], "商贸旅游": ["市场监管", "其他"]}
    lines = tmp_path / "terms.txt"
    lines.write_text("卫生计生：食品安全、保健品\n", encoding="utf-8")
    assert evaluation.read_category_terms(lines) == {"卫生计生": ["食品安全", "保健品"]}


def _unit_history(units: dict[str, object]) -> list[tuple[str, str]]:
    """The synthetic history with each category's messages handled by one unit (the label is the unit's id)."""
    return [(text, str(units[category].pk)) for text, category in history(per_class=20)]  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_units_duties_teach_the_unit_model_what_its_history_never_mentions(tree) -> None:
    from renda.insights import services
    from renda.organizations.services import unit_create

    units = {c: unit_create(actor=None, name=f"县{c}局", kind="government_department", region=tree.county)
             for c in ("城建交通", "教科文卫", "环境保护", "社会保障")}
    plain = services.model_train(actor=None, congress=tree.congress_a, kind="unit", items=_unit_history(units))
    health = units["教科文卫"]
    health.duties = "保健品、药品，医疗机构\n食品安全"
    health.save()
    elsewhere = unit_create(actor=None, name="乙镇市场监管所", kind="township_station", region=tree.town_b,
                            duties="保健品、药品")  # serves 乙镇, not 甲镇's congress
    assert str(elsewhere.pk) not in services.unit_terms(tree.congress_a)
    assert services.unit_terms(tree.congress_a)[str(health.pk)] == ["保健品", "药品", "医疗机构", "食品安全"]
    model = services.model_train(actor=None, congress=tree.congress_a, kind="unit", items=_unit_history(units))
    assert model.learnt_terms == 4 and plain.learnt_terms == 0 and model.counts == plain.counts
    index = model.classes.index(str(health.pk))
    assert model.predict_proba([SUPPLEMENT])[0][index] > plain.predict_proba([SUPPLEMENT])[0][index] + 0.1
    assert model.predict([SUPPLEMENT]) == [str(health.pk)]


@pytest.mark.django_db
def test_changing_a_units_duties_retrains_the_unit_model_of_each_congress_it_serves(
        tree, django_capture_on_commit_callbacks) -> None:
    from renda.insights import services, sources, store
    from renda.organizations.services import unit_create

    units = {c: unit_create(actor=None, name=f"县{c}局", kind="government_department", region=tree.county)
             for c in ("城建交通", "教科文卫", "环境保护", "社会保障")}

    def source(congress):
        return _unit_history(units) if congress == tree.congress_a else []

    sources.register("unit", source)
    try:
        health = units["教科文卫"]
        health.duties = "保健品、药品"
        health.save()
        with django_capture_on_commit_callbacks(execute=True):
            served = services.units_changed(health)
    finally:
        sources.unregister("unit", source)
    assert served == 3  # a county department serves the county's congress and both townships'
    model = store.load(tree.congress_a.pk, "unit")
    assert model is not None and model.learnt_terms == 2
    assert store.load(tree.congress_b.pk, "unit") is None  # no history there: still no model, no suggestion


@pytest.mark.django_db
def test_a_unit_that_moves_retrains_the_congresses_it_left_and_those_it_joins(
        tree, django_capture_on_commit_callbacks, monkeypatch) -> None:
    from renda.insights import jobs, services
    from renda.organizations.services import unit_create

    retrained: list[int] = []
    monkeypatch.setattr(jobs, "retrain_congress", SimpleNamespace(enqueue=lambda pk, kind: retrained.append(pk)))
    unit = unit_create(actor=None, name="甲镇城建办", kind="government_department", region=tree.town_a,
                       duties="村镇道路、路灯")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.units_changed(unit) == 2  # a township's office serves its congress and the county's
    assert sorted(retrained) == sorted([tree.county_congress.pk, tree.congress_a.pk])
    retrained.clear()
    unit.region = tree.town_b
    unit.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.units_changed(unit, left=tree.town_a) == 3
    assert sorted(retrained) == sorted([tree.county_congress.pk, tree.congress_a.pk, tree.congress_b.pk])
    retrained.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.units_changed(unit, left=tree.town_b) == 2  # "left" its own region: nothing more
    assert sorted(retrained) == sorted([tree.county_congress.pk, tree.congress_b.pk])
