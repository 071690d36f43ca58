"""Counting a round: pure functions from ballots (or hand counts) to a result that states its basis.

The basis is part of the result because a result that only says "passed" cannot be checked: it names N, the
threshold and why, e.g. "全体代表的过半数：应到 9 人，赞成须达 5 票，实得 4 票，未通过".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from renda.meetings import law


@dataclass
class Outcome:
    counts: dict[str, Any]
    threshold: int
    passed: bool
    basis_code: str
    basis: str
    void: bool = False
    elected: list[int] = field(default_factory=list)  # candidate ids
    elected_write_ins: list[str] = field(default_factory=list)


def resolution(*, counts: dict[str, int], eligible: int) -> Outcome:
    t = law.majority_of_all(eligible)
    yes = counts.get("yes", 0)
    passed = law.passes(yes=yes, members=eligible)
    basis = (f"全体组成人员的过半数：应到 {eligible} 人，赞成须达 {t} 票，实得赞成 {yes} 票，"
             f"{'通过' if passed else '未通过'}（未投票视为未赞成）")
    return Outcome(counts=counts, threshold=t, passed=passed, basis_code="majority_of_all_members", basis=basis)


def satisfaction(*, counts: dict[str, int], eligible: int, fail_percent: int) -> Outcome:
    """满意度测评: judged unsatisfactory when 不满意 exceeds fail_percent of the ballots cast [setting]."""
    cast = sum(counts.values())
    unsatisfied = counts.get("unsatisfied", 0)
    limit = cast * fail_percent / 100
    passed = cast > 0 and unsatisfied <= limit
    basis = (f"不满意票超过所投票数的 {fail_percent}% 即为不满意：共投 {cast} 票，不满意 {unsatisfied} 票，"
             f"{'满意（含基本满意）' if passed else '不满意'}")
    return Outcome(counts=counts, threshold=math.floor(limit) + 1, passed=passed,
                   basis_code="unsatisfied_share_of_cast", basis=basis)


@dataclass(frozen=True)
class ElectionBallotData:
    marks: dict[str, str]
    write_ins: tuple[str, ...]


def ballot_is_valid(*, marks: dict[str, str], write_ins: Iterable[str], seats: int) -> bool:
    """A ballot choosing more people than there are seats is void (赞成 marks plus names written in)."""
    chosen = sum(1 for v in marks.values() if v == "yes") + len([w for w in write_ins if w.strip()])
    return chosen <= seats


def election(*, candidates: list[tuple[int, str]], seats: int, eligible: int, issued: int, returned: int,
             valid_ballots: list[ElectionBallotData] | None = None, invalid: int = 0,
             hand_counts: dict[str, Any] | None = None) -> Outcome:
    """One election round, from electronic ballots or from agreed hand counts.

    Rules: more ballots returned than issued voids the round; a candidate (or a person written in) is elected
    only with more than half of all deputies voting 赞成 [law]; when more reach that than there are seats, the
    most votes win, and those tied at the cut-off are not elected; unfilled seats go to a further round."""
    t = law.majority_of_all(eligible)
    per: dict[str, Counter[str]] = {str(cid): Counter() for cid, _ in candidates}
    write_in_votes: Counter[str] = Counter()
    if hand_counts is not None:
        for cid, row in (hand_counts.get("candidates") or {}).items():
            per.setdefault(str(cid), Counter()).update({k: int(v) for k, v in row.items()})
        write_in_votes.update({k: int(v) for k, v in (hand_counts.get("write_ins") or {}).items()})
        valid = returned - invalid
    else:
        for ballot in valid_ballots or []:
            for cid in per:
                per[cid][ballot.marks.get(cid, "abstain")] += 1
            write_in_votes.update(w.strip() for w in ballot.write_ins if w.strip())
        valid = len(valid_ballots or [])
    names = {str(cid): name for cid, name in candidates}
    rows: list[dict[str, Any]] = [{"id": int(cid), "name": names.get(cid, cid), "yes": c["yes"], "no": c["no"],
                                   "abstain": c["abstain"]} for cid, c in per.items()]
    counts: dict[str, Any] = {"issued": issued, "returned": returned, "valid": valid, "invalid": invalid,
                              "candidates": rows, "write_ins": dict(sorted(write_in_votes.items()))}
    if returned > issued:
        counts.update(elected=[], tied=[], unfilled=seats)
        basis = f"收回选票 {returned} 张多于发出选票 {issued} 张，本轮选举无效，须重新投票"
        return Outcome(counts=counts, threshold=t, passed=False, basis_code="more_returned_than_issued",
                       basis=basis, void=True)
    pool: list[tuple[int, str, str, str]] = [(int(r["yes"]), "c", str(r["id"]), str(r["name"])) for r in rows]
    pool += [(n, "w", name, name) for name, n in write_in_votes.items() if name not in names.values()]
    qualified = sorted((p for p in pool if p[0] >= t), key=lambda p: -p[0])
    tied: list[tuple[int, str, str, str]] = []
    if len(qualified) <= seats:
        winners, tied = qualified, []
    else:
        cutoff = qualified[seats - 1][0]
        if qualified[seats][0] < cutoff:
            winners, tied = qualified[:seats], []
        else:
            winners = [p for p in qualified if p[0] > cutoff]
            tied = [p for p in qualified if p[0] == cutoff]
    unfilled = seats - len(winners)
    counts.update(elected=[p[3] for p in winners], tied=[p[3] for p in tied], unfilled=unfilled)
    parts = [f"当选须获全体代表的过半数赞成：应到 {eligible} 人，须达 {t} 票；应选 {seats} 名，当选 {len(winners)} 名"]
    if tied:
        parts.append(f"{'、'.join(p[3] for p in tied)} 得票相等（{tied[0][0]} 票）且超过应选名额，均不当选，另行选举")
    if unfilled:
        parts.append(f"尚缺 {unfilled} 名，须另行选举")
    return Outcome(counts=counts, threshold=t, passed=unfilled == 0, basis_code="majority_of_all_deputies",
                   basis="；".join(parts), elected=[int(p[2]) for p in winners if p[1] == "c"],
                   elected_write_ins=[p[2] for p in winners if p[1] == "w"])


def ratio_bounds(*, office_kind: str, seats: int, settings: dict[str, int]) -> tuple[int, int | None]:
    """How many candidates an election for `seats` of an office may have (差额) [setting per office]."""
    if office_kind == "head":
        return seats + settings["head_min"], seats + max(settings["head_min"], settings["head_max"])
    if office_kind == "deputy_head":
        lo = seats + settings["deputy_min"]
        return lo, max(lo, seats + settings["deputy_max"])
    if office_kind == "indirect":
        lo = seats + math.ceil(seats * settings["indirect_min_percent"] / 100)
        return lo, max(lo, seats + math.floor(seats * settings["indirect_max_percent"] / 100))
    return seats, None
