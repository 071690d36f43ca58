"""[law] thresholds of DOMAIN.md §5: the same everywhere, so constants and pure functions, tested at every N.

- Quorum (法定人数): a session (and a presidium meeting) may start only with 三分之二以上 of all members present;
  "以上" includes the boundary, so exactly 2/3 is enough: ⌈2N/3⌉ (地方组织法；全国人大议事规则 for the practice).
- Passage (通过): 全体代表的过半数, more than half of ALL N members whatever the number present: ⌊N/2⌋+1 yes votes.
  Not voting, abstaining and voting no are all "not yes".
- Elections: elected only with more than half of all deputies (the same ⌊N/2⌋+1 赞成 votes, 选举法/地方组织法);
  candidates are nominated by the presidium or by ten or more deputies jointly (地方组织法第二十五条 for county and
  township congresses).
- Sessions: a township congress meets at least twice a year (地方组织法第十五条); the first session of a new term is
  held within two months after the election of its deputies (同条). An extraordinary session (临时召集) is called
  when the county standing committee or the township presidium finds it necessary, or on the proposal of 五分之一以上
  of the deputies (同条): "以上" includes the boundary, so exactly one fifth is enough: ⌈N/5⌉.
"""

from __future__ import annotations

JOINT_NOMINATION_MIN = 10
SESSIONS_PER_YEAR_MIN = 2
FIRST_SESSION_WITHIN_MONTHS = 2


def extra_session_request_min(n: int) -> int:
    """The least number of deputies whose proposal calls an extraordinary session: ⌈n/5⌉ (exactly 1/5 counts)."""
    if n < 0:
        raise ValueError("the number of deputies cannot be negative")
    return (n + 4) // 5


def quorum(n: int) -> int:
    """The least number present that makes a quorum of n members: ⌈2n/3⌉ (exactly 2/3 counts)."""
    if n < 0:
        raise ValueError("the number of members cannot be negative")
    return (2 * n + 2) // 3


def has_quorum(*, present: int, members: int) -> bool:
    return members > 0 and present >= quorum(members)


def majority_of_all(n: int) -> int:
    """The least number of yes votes that is more than half of all n members: ⌊n/2⌋+1."""
    if n < 0:
        raise ValueError("the number of members cannot be negative")
    return n // 2 + 1


def passes(*, yes: int, members: int) -> bool:
    """A resolution passes with more than half of ALL members voting yes — never a share of those present."""
    return members > 0 and yes >= majority_of_all(members)
