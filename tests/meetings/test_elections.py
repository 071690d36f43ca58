"""Elections (DOMAIN.md §5): nomination by the presidium or 10+ deputies jointly [law]; the competitive ratio per
office checked before the ballot opens [setting]; 赞成/反对/另选他人/弃权; a ballot choosing more people than
seats is void; more ballots returned than issued voids the round; elected only with more than half of ALL
deputies; ties at the cut-off and unfilled seats go to a further round; the oath of those elected."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renda.core.errors import Invalid
from renda.core.models import AuditEntry
from renda.meetings import law, services, tally
from renda.meetings.models import (
    Candidate,
    CandidateStatus,
    ElectionBallot,
    ElectionStatus,
    NominationSource,
    Oath,
    RoundCandidate,
    VoteMode,
)
from renda.organizations.models import CongressSetting
from tests.factories import PersonFactory, UserFactory
from tests.meetings.util import hall, make_deputies

pytestmark = pytest.mark.django_db


def election(h, *, kind="deputy_head", seats=1, names=("张三", "李四")):
    e = services.election_create(actor=h.clerk, meeting=h.meeting, office="副镇长", office_kind=kind, seats=seats)
    for name in names:
        services.candidate_nominate(actor=h.clerk, election=e, name=name, source=NominationSource.PRESIDIUM)
    return e


def ids(e):
    return {c.name: str(c.pk) for c in Candidate.objects.filter(election=e)}


def cast(h, vote, ballots):
    """ballots: list of (marks by name, write_ins); one per deputy in order."""
    cands = ids(vote.election)
    for person, (marks, write_ins) in zip(h.deputies, ballots, strict=False):
        services.election_ballot_cast(actor=h.user(person), vote=vote, person=person,
                                      marks={cands[n]: v for n, v in marks.items()}, write_ins=list(write_ins))


# --- nomination ---------------------------------------------------------------------------------------------

def test_joint_nomination_needs_ten_deputies_of_this_congress(tree):
    h = hall(tree, 12, start=False)
    e = services.election_create(actor=h.clerk, meeting=h.meeting, office="镇长", office_kind="head", seats=1)
    with pytest.raises(Invalid) as err:
        services.candidate_nominate(actor=h.clerk, election=e, name="王五", source=NominationSource.DEPUTIES,
                                    nominators=[*h.deputies[:9], h.deputies[0]])
    assert err.value.code == "joint_nomination_too_few", "nine distinct deputies, one signing twice, are nine"
    outsider = make_deputies(tree.term_b, 1, prefix="乙镇")[0]
    with pytest.raises(Invalid) as err:
        services.candidate_nominate(actor=h.clerk, election=e, name="王五", source=NominationSource.DEPUTIES,
                                    nominators=[*h.deputies[:9], outsider])
    assert "nominators" in err.value.fields
    c = services.candidate_nominate(actor=h.clerk, election=e, name="王五", source=NominationSource.DEPUTIES,
                                    nominators=h.deputies[:10])
    assert c.nominators.count() == 10
    assert json.loads(AuditEntry.objects.get(action="election.nominate").after)["nominators"] == sorted(
        p.pk for p in h.deputies[:10])
    assert services.candidate_nominate(actor=h.clerk, election=e, name="赵六",
                                       source=NominationSource.PRESIDIUM).nominators.count() == 0


def test_candidates_cannot_nominate_themselves_as_write_ins(tree):
    h = hall(tree, 3, start=False)
    e = services.election_create(actor=h.clerk, meeting=h.meeting, office="镇长", office_kind="head", seats=1)
    with pytest.raises(Invalid):
        services.candidate_nominate(actor=h.clerk, election=e, name="王五", source=NominationSource.WRITE_IN)


# --- competitive ratio --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "seats", "candidates", "ok"), [
    ("head", 1, 1, False), ("head", 1, 2, True), ("head", 1, 3, False),
    ("deputy_head", 2, 2, False), ("deputy_head", 2, 3, True), ("deputy_head", 2, 5, True),
    ("deputy_head", 2, 6, False),
    ("indirect", 10, 11, False), ("indirect", 10, 12, True), ("indirect", 10, 15, True),
    ("indirect", 10, 16, False),
    ("other", 7, 7, True), ("other", 7, 6, False),
])
def test_competitive_ratio_is_checked_before_the_ballot_opens(tree, kind, seats, candidates, ok):
    h = hall(tree, 3)
    e = election(h, kind=kind, seats=seats, names=[f"候选人{i}" for i in range(candidates)])
    vote = services.election_round_create(actor=h.clerk, election=e)
    assert vote.secret and vote.seats == seats and RoundCandidate.objects.filter(vote=vote).count() == candidates
    if ok:
        assert services.vote_open(actor=h.clerk, vote=vote).status == "open"
    else:
        with pytest.raises(Invalid) as err:
            services.vote_open(actor=h.clerk, vote=vote)
        assert err.value.code == "competitive_ratio"
        vote.refresh_from_db()
        assert vote.status == "draft"


def test_competitive_ratio_is_a_setting_per_congress(tree):
    CongressSetting.objects.create(congress=tree.congress_a, key="meetings.ratio_head_extra_min", value=0)
    h = hall(tree, 3)
    vote = services.election_round_create(actor=h.clerk, election=election(h, kind="head", names=["王五"]))
    assert services.vote_open(actor=h.clerk, vote=vote).status == "open", "等额 allowed where the setting says so"


# --- ballots ------------------------------------------------------------------------------------------------

def test_a_ballot_choosing_more_people_than_seats_is_void(tree):
    h = hall(tree, 9)
    vote = services.vote_open(actor=h.clerk, vote=services.election_round_create(
        actor=h.clerk, election=election(h, seats=1)))
    cast(h, vote, [({"张三": "yes", "李四": "yes"}, ()),          # two for one seat: void
                   ({"张三": "yes"}, ("王五",)),                   # one plus a write-in: void
                   ({"张三": "no", "李四": "no"}, ("王五",)),      # 反对 both, 另选他人: valid
                   ({"张三": "yes"}, ())])
    assert list(ElectionBallot.objects.filter(vote=vote).order_by("valid").values_list("valid", flat=True)) == [
        False, False, True, True]
    result = services.vote_close(actor=h.clerk, vote=vote)
    assert (result.counts["valid"], result.counts["invalid"], result.voted) == (2, 2, 4)
    by_name = {c["name"]: c for c in result.counts["candidates"]}
    assert by_name["张三"]["yes"] == 1 and by_name["李四"]["no"] == 1
    assert result.counts["write_ins"] == {"王五": 1}


def test_writing_in_a_candidate_on_the_ballot_is_refused(tree):
    h = hall(tree, 3)
    vote = services.vote_open(actor=h.clerk, vote=services.election_round_create(
        actor=h.clerk, election=election(h)))
    p = h.deputies[0]
    with pytest.raises(Invalid):
        services.election_ballot_cast(actor=h.user(p), vote=vote, person=p, marks={}, write_ins=["张三"])


def test_elected_only_with_more_than_half_of_all_deputies(tree):
    # N = 9, threshold 5. 张三 gets 5 (elected); in a 2-seat election 李四 gets 4 of 6 voting: a majority of the
    # voters, not of all deputies — not elected, and the unfilled seat goes to a further round.
    h = hall(tree, 9, present=6)
    e = election(h, seats=2, names=("张三", "李四", "王五"))
    vote = services.vote_open(actor=h.clerk, vote=services.election_round_create(actor=h.clerk, election=e))
    cast(h, vote, [({"张三": "yes", "李四": "yes"}, ())] * 4 + [({"张三": "yes", "王五": "yes"}, ()),
                                                                 ({"王五": "yes"}, ())])
    result = services.vote_close(actor=h.clerk, vote=vote)
    assert result.threshold == 5 and result.counts["elected"] == ["张三"] and result.counts["unfilled"] == 1
    assert not result.passed
    assert set(Candidate.objects.filter(election=e, status=CandidateStatus.ELECTED).values_list(
        "name", flat=True)) == {"张三"}
    e.refresh_from_db()
    assert e.status == ElectionStatus.BALLOTING
    nxt = services.election_round_create(actor=h.clerk, election=e)
    assert (nxt.round, nxt.seats, nxt.previous_id) == (2, 1, vote.pk)
    assert [rc.candidate.name for rc in nxt.round_candidates.order_by("candidate_id")] == ["李四", "王五"]
    assert json.loads(AuditEntry.objects.get(action="vote.close").after)["elected"] == ["张三"]


def test_a_tie_at_the_cut_off_goes_to_a_further_round_between_the_tied(tree):
    # N = 9, threshold 5, two seats: 子 8 is elected; 丑 and 寅 both reach 5 but tie for the one seat left, so
    # neither is elected and a further round between the two fills it.
    h = hall(tree, 9)
    e3 = election(h, seats=2, names=("子", "丑", "寅"))
    r1 = services.vote_open(actor=h.clerk, vote=services.election_round_create(actor=h.clerk, election=e3))
    cast(h, r1, [({"子": "yes", "丑": "yes"}, ())] * 4 + [({"子": "yes", "寅": "yes"}, ())] * 4
         + [({"丑": "yes", "寅": "yes"}, ())])
    result = services.vote_close(actor=h.clerk, vote=r1)  # 子 8, 丑 5, 寅 5
    assert result.counts["elected"] == ["子"] and sorted(result.counts["tied"]) == ["丑", "寅"]
    assert "得票相等" in result.basis
    r2 = services.election_round_create(actor=h.clerk, election=e3)
    assert sorted(rc.candidate.name for rc in r2.round_candidates.all()) == ["丑", "寅"] and r2.seats == 1
    services.vote_open(actor=h.clerk, vote=r2)
    cast(h, r2, [({"丑": "yes"}, ())] * 6 + [({"寅": "yes"}, ())] * 3)
    assert services.vote_close(actor=h.clerk, vote=r2).passed
    e3.refresh_from_db()
    assert e3.status == ElectionStatus.COMPLETED
    assert set(Candidate.objects.filter(election=e3, status="elected").values_list("name", flat=True)) == {"子", "丑"}
    with pytest.raises(Invalid):
        services.election_round_create(actor=h.clerk, election=e3)


def test_a_person_written_in_by_a_majority_of_all_is_elected(tree):
    h = hall(tree, 5)
    e = election(h, seats=1)
    vote = services.vote_open(actor=h.clerk, vote=services.election_round_create(actor=h.clerk, election=e))
    cast(h, vote, [({"张三": "no", "李四": "no"}, ("王五",))] * 3 + [({"张三": "yes"}, ())] * 2)
    result = services.vote_close(actor=h.clerk, vote=vote)
    assert result.counts["elected"] == ["王五"] and result.passed
    written = Candidate.objects.get(election=e, name="王五")
    assert (written.source, written.status, written.elected_in_id) == ("write_in", "elected", vote.pk)


def test_more_ballots_returned_than_issued_voids_the_round(tree):
    h = hall(tree, 9)
    e = election(h, seats=1)
    vote = services.vote_open(actor=h.clerk, vote=services.election_round_create(
        actor=h.clerk, election=e, mode=VoteMode.PAPER))
    c = ids(e)
    figures = {"issued": 8, "returned": 9, "invalid": 0,
               "counts": {"candidates": {c["张三"]: {"yes": 7, "no": 1, "abstain": 1},
                                         c["李四"]: {"yes": 2, "no": 6, "abstain": 1}}, "write_ins": {}}}
    services.paper_tally_enter(actor=h.clerk, vote=vote, **figures)
    services.paper_tally_enter(actor=UserFactory(role="township_staff", region=tree.town_a), vote=vote, **figures)
    result = services.vote_close(actor=h.clerk, vote=vote)
    assert result.void and result.basis_code == "more_returned_than_issued" and result.counts["elected"] == []
    assert not Candidate.objects.filter(election=e, status="elected").exists()
    again = services.election_round_create(actor=h.clerk, election=e, mode=VoteMode.PAPER)
    assert sorted(rc.candidate.name for rc in again.round_candidates.all()) == ["张三", "李四"]
    assert services.vote_verify(vote).ok


def test_paper_election_counted_by_hand_elects_on_agreeing_entries(tree):
    h = hall(tree, 9)
    e = election(h, seats=1)
    vote = services.vote_open(actor=h.clerk, vote=services.election_round_create(
        actor=h.clerk, election=e, mode=VoteMode.PAPER))
    c = ids(e)
    figures = {"issued": 9, "returned": 9, "invalid": 1,
               "counts": {"candidates": {c["张三"]: {"yes": 6, "no": 1, "abstain": 1},
                                         c["李四"]: {"yes": 2, "no": 5, "abstain": 1}}, "write_ins": {}}}
    services.paper_tally_enter(actor=h.clerk, vote=vote, **figures)
    services.paper_tally_enter(actor=UserFactory(role="township_staff", region=tree.town_a), vote=vote, **figures)
    result = services.vote_close(actor=h.clerk, vote=vote)
    assert result.counts["elected"] == ["张三"] and result.voted == 9


# --- oath ---------------------------------------------------------------------------------------------------

def test_the_oath_is_recorded_for_those_elected_only(tree):
    h = hall(tree, 3)
    e = election(h, seats=1)
    vote = services.vote_open(actor=h.clerk, vote=services.election_round_create(actor=h.clerk, election=e))
    cast(h, vote, [({"张三": "yes"}, ())] * 3)
    services.vote_close(actor=h.clerk, vote=vote)
    elected, other = Candidate.objects.get(name="张三"), Candidate.objects.get(name="李四")
    with pytest.raises(Invalid) as err:
        services.oath_record(actor=h.clerk, candidate=other, taken_on=dt.date(2026, 3, 11))
    assert err.value.code == "not_elected"
    oath = services.oath_record(actor=h.clerk, candidate=elected, taken_on=dt.date(2026, 3, 11), meeting=h.meeting)
    assert Oath.objects.get(candidate=elected) == oath
    with pytest.raises(Invalid):
        services.oath_record(actor=h.clerk, candidate=elected, taken_on=dt.date(2026, 3, 11))
    assert AuditEntry.objects.filter(action="election.oath").count() == 1


def test_a_non_deputy_may_be_a_candidate(tree):
    h = hall(tree, 3, start=False)
    e = services.election_create(actor=h.clerk, meeting=h.meeting, office="镇长", office_kind="head", seats=1)
    outsider = PersonFactory(region=tree.town_a, name="外来干部")
    c = services.candidate_nominate(actor=h.clerk, election=e, name="", person=outsider,
                                    source=NominationSource.PRESIDIUM)
    assert c.name == "外来干部" and c.person == outsider


# --- the counting rules as properties -----------------------------------------------------------------------

@given(n=st.integers(min_value=3, max_value=450), seats=st.integers(min_value=1, max_value=5), data=st.data())
@settings(max_examples=300)
def test_election_count_never_elects_below_majority_of_all_beyond_seats_or_splitting_a_tie(n, seats, data):
    k = data.draw(st.integers(min_value=seats, max_value=seats + 4), label="candidates")
    votes = data.draw(st.lists(st.integers(min_value=0, max_value=n), min_size=k, max_size=k), label="yes")
    hand = {"candidates": {str(i): {"yes": v, "no": 0, "abstain": n - v} for i, v in enumerate(votes)},
            "write_ins": {}}
    outcome = tally.election(candidates=[(i, f"c{i}") for i in range(k)], seats=seats, eligible=n, issued=n,
                             returned=n, hand_counts=hand)
    t = law.majority_of_all(n)
    elected = {int(i) for i in outcome.elected}
    assert len(elected) <= seats
    assert all(votes[i] >= t for i in elected), "elected only with more than half of all deputies"
    for i in set(range(k)) - elected:
        tied_at = [votes[int(name[1:])] for name in outcome.counts["tied"]]
        if votes[i] >= t:
            assert (len(elected) == seats or f"c{i}" in outcome.counts["tied"]
                    or (tied_at and votes[i] < min(tied_at))), "a qualified candidate lost only to the seats or a tie"
        assert not any(votes[j] < votes[i] for j in elected), "never elect fewer votes over more"
    tied_votes = {votes[int(name[1:])] for name in outcome.counts["tied"]}
    assert len(tied_votes) <= 1 and not (tied_votes & {votes[i] for i in elected}), "a tie is never split"
    assert outcome.counts["unfilled"] == seats - len(elected) and outcome.passed == (len(elected) == seats)
