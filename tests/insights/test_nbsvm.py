"""The NB-weighted SVM: one linear model per class whose coefficients already hold the naive-Bayes scaling."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import LinearSVC

from renda.insights import text as textlib
from renda.insights.classifier import HEAD_PREFIX, TextClassifier, train
from renda.insights.nbsvm import NBLinearSVC, _log_count_ratio
from tests.insights.synthetic import history


def _data(n_classes: int, seed: int = 0) -> tuple[sparse.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(n_classes), 30)
    x = rng.random((len(y), 40)) * (rng.random((len(y), 40)) < 0.2)
    for c in range(n_classes):  # each class has two features of its own
        x[y == c, 2 * c:2 * c + 2] += 1
    return sparse.csr_matrix(x), np.array([f"c{v}" for v in y])


def test_coefficients_hold_the_scaling_so_the_decision_is_that_of_the_scaled_svm() -> None:
    x, y = _data(3)
    model = NBLinearSVC(C=0.5).fit(x, y)
    present = (x > 0).astype(float).tocsr()
    for k, label in enumerate(model.classes_):
        ratio = _log_count_ratio(present, y == label, 1.0)
        svm = LinearSVC(C=0.5, max_iter=2000).fit(x.multiply(ratio).tocsr(), (y == label).astype(int))
        np.testing.assert_allclose(model.decision_function(x)[:, k],
                                   svm.decision_function(x.multiply(ratio).tocsr()), rtol=1e-6, atol=1e-8)
    assert (model.predict(x) == y).mean() > 0.95


def test_a_feature_found_only_in_one_class_is_amplified_for_that_class() -> None:
    x, y = _data(3)
    present = (x > 0).astype(float).tocsr()
    ratio = _log_count_ratio(present, y == "c1", 1.0)
    assert ratio[2] > 0 and ratio[3] > 0  # class c1's own features
    assert ratio[0] < 0  # class c0's feature says "not c1"


def test_two_classes_give_one_row_and_a_one_dimensional_decision_like_linear_svc() -> None:
    x, y = _data(2)
    model = NBLinearSVC().fit(x, y)
    assert model.coef_.shape == (1, x.shape[1])
    assert model.decision_function(x).shape == (x.shape[0],)
    assert (model.predict(x) == y).mean() > 0.95
    calibrated = CalibratedClassifierCV(NBLinearSVC(), method="sigmoid", cv=3, ensemble=False).fit(x, y)
    assert calibrated.predict_proba(x).shape == (x.shape[0], 2)


def test_one_class_is_refused() -> None:
    x, y = _data(1)
    with pytest.raises(ValueError):
        NBLinearSVC().fit(x, y)


@pytest.fixture(scope="module")
def model() -> TextClassifier:
    items = history(per_class=20)
    return train([t for t, _ in items], [c for _, c in items], min_history=50, min_per_class=5)


def test_the_head_of_the_text_is_a_feature_of_its_own_and_shown_without_its_marker(model: TextClassifier) -> None:
    names = model.features.names()
    assert any(str(n).startswith(HEAD_PREFIX) for n in names)
    assert len(names) == model._svm().coef_.shape[1]
    text = "油烟扰民 东湖社区晚上烧烤摊很多，希望环保部门来管一管"
    terms = model.explain(text)
    assert terms and not any(t.startswith(HEAD_PREFIX) for t in terms)
    words = textlib.words(text)
    assert all(any(t in w for w in words) for t in terms), terms  # no bigram across two words
    # the same words weigh more at the head of the text (its subject line) than at its end
    body = "我们小区的居民多次反映这个问题，已经持续了很长时间，大家都希望有关部门能够尽快重视并给予答复，谢谢"
    head, tail = model.predict_proba(["油烟扰民。" + body, body + "油烟扰民。"])
    env = model.classes.index("环境保护")
    assert head[env] > tail[env]


def test_indicative_features_are_those_more_frequent_in_the_class() -> None:
    x, y = _data(3)
    model = NBLinearSVC().fit(x, y)
    present = (x > 0).astype(float).tocsr()
    for k, label in enumerate(model.classes_):
        ratio = _log_count_ratio(present, y == label, 1.0)
        np.testing.assert_array_equal(model.indicative(k), ratio > 0)
        some = np.array([0, 3, 9, 17, 39])  # a text's features only: the same flags
        np.testing.assert_array_equal(model.indicative(k, some), (ratio > 0)[some])
    two_x, two_y = _data(2)
    two = NBLinearSVC().fit(two_x, two_y)
    ratio = _log_count_ratio((two_x > 0).astype(float).tocsr(), two_y == "c1", 1.0)
    np.testing.assert_array_equal(two.indicative(1), ratio > 0)
    np.testing.assert_array_equal(two.indicative(0), ratio < 0)
    assert two.indicative(0)[0] and two.indicative(1)[2]  # each class's own features
    del two.indicative_  # a model fitted before the flags were kept
    assert two.indicative(0) is None


def test_a_suggestion_is_explained_only_by_words_that_say_its_class() -> None:
    """A word whose weight for a class is positive only because the SVM turned a "not this class" word around
    (negative naive-Bayes ratio × negative SVM weight) is not shown as a reason."""
    items = history(per_class=12, seed=4)
    model = train([t for t, _ in items], [c for _, c in items], min_history=40, min_per_class=5)
    names = [str(n).replace(" ", "").removeprefix(HEAD_PREFIX) for n in model.features.names()]
    shown = 0
    for text, _ in history(per_class=6, seed=21):
        suggestion = model.suggest(text, threshold=0.0)
        k = model.classes.index(suggestion.best)
        flags = model._svm().indicative(k)
        row = model.features.transform([text])[0]
        for term in suggestion.terms:
            shown += 1
            assert any(flags[i] for i in row.indices if names[i] == term), (text, suggestion.best, term)
    assert shown > 50
