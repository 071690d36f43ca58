"""[law] quorum and passage, at every N from 3 to 450: ⌈2N/3⌉ present to start (exactly 2/3 suffices), and more than
half of ALL N — ⌊N/2⌋+1 yes votes — to pass, whatever the number present; not voting is not yes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renda.meetings import law, tally

N = st.integers(min_value=3, max_value=450)


def test_quorum_is_two_thirds_rounded_up_at_every_n_from_3_to_450():
    for n in range(3, 451):
        q = law.quorum(n)
        assert 3 * q >= 2 * n, f"N={n}: {q} present is less than two thirds"
        assert 3 * (q - 1) < 2 * n, f"N={n}: {q - 1} present would already be two thirds — {q} is not the least"
        if n % 3 == 0:
            assert q == 2 * n // 3, f"N={n}: exactly two thirds (三分之二以上 includes it) must be enough"


def test_majority_of_all_is_half_plus_one_at_every_n_from_3_to_450():
    for n in range(3, 451):
        t = law.majority_of_all(n)
        assert 2 * t > n and 2 * (t - 1) <= n, f"N={n}: threshold {t} is not the least majority of all"
        if n % 2 == 0:
            assert t == n // 2 + 1, f"N={n}: exactly half ({n // 2}) must not pass"


@given(n=N, present=st.integers(min_value=0, max_value=450))
def test_meeting_may_start_exactly_when_two_thirds_are_present(n, present):
    present = min(present, n)
    assert law.has_quorum(present=present, members=n) == (3 * present >= 2 * n)


@given(n=N, data=st.data())
def test_resolution_needs_majority_of_all_deputies_not_of_present(n, data):
    present = data.draw(st.integers(min_value=law.quorum(n), max_value=n), label="present")
    yes = data.draw(st.integers(min_value=0, max_value=present), label="yes")
    no = data.draw(st.integers(min_value=0, max_value=present - yes), label="no")
    abstain = present - yes - no
    outcome = tally.resolution(counts={"yes": yes, "no": no, "abstain": abstain}, eligible=n)
    assert outcome.passed == (2 * yes > n), (n, present, yes, no, abstain)
    assert outcome.threshold == n // 2 + 1
    assert str(n) in outcome.basis and str(outcome.threshold) in outcome.basis, "the result states its basis"
    if 2 * yes > present and 2 * yes <= n:
        assert not outcome.passed, "a majority of those present that is not a majority of all does not pass"


@given(n=N)
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_threshold_boundary_one_vote_decides(n):
    t = law.majority_of_all(n)
    assert not tally.resolution(counts={"yes": t - 1, "no": 0, "abstain": 0}, eligible=n).passed
    assert tally.resolution(counts={"yes": t, "no": 0, "abstain": 0}, eligible=n).passed


def test_majority_of_present_but_not_of_all_fails_with_its_basis():
    # 9 deputies, 6 present (the quorum), 4 yes: a majority of the 6 present, not of the 9.
    outcome = tally.resolution(counts={"yes": 4, "no": 1, "abstain": 1}, eligible=9)
    assert outcome.passed is False
    assert outcome.threshold == 5
    assert outcome.basis_code == "majority_of_all_members"
    assert "应到 9 人" in outcome.basis and "须达 5 票" in outcome.basis and "未通过" in outcome.basis


@pytest.mark.parametrize("n", [-1])
def test_negative_membership_is_refused(n):
    with pytest.raises(ValueError):
        law.quorum(n)
    with pytest.raises(ValueError):
        law.majority_of_all(n)
