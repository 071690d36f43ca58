"""Votes: create, open (freezing the voters), cast, close (sealing the result), re-vote, paper double entry.

Secrecy of a secret round rests on three things written here: the ballot row carries no deputy, time or
sequence (models.votes); the audit log gets `vote.participation` (who took part, never the choice) and no entry
per ballot; and at closing the round's secret ballots are rewritten in the order of their random keys, so not
even the storage order of the rows (SQLite's rowid, PostgreSQL's heap) keeps the order they were cast in.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from renda.core import audit
from renda.core.errors import DomainError, Invalid
from renda.core.models import AuditEntry
from renda.core.scope import check_version
from renda.meetings import law, selectors, tally, workflow
from renda.meetings.models import (
    QUORUM_KINDS,
    Attendance,
    AttendanceStatus,
    ElectionBallot,
    Meeting,
    MeetingStatus,
    NamedBallot,
    PaperTally,
    RoundCandidate,
    SecretBallot,
    ShowResults,
    Vote,
    VoteEligible,
    VoteKind,
    VoteMode,
    VoteResult,
    VoteStatus,
)
from renda.meetings.services.meetings import QuorumNotMet
from renda.organizations.services import congress_setting

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone


class AlreadyVoted(DomainError):
    code = "already_voted"
    status = 409
    default_message = "您已在本轮表决中投过票，每人每轮只能投一票"


class VoteNotOpen(DomainError):
    code = "vote_not_open"
    status = 409
    default_message = "表决尚未开始或已经结束"


class PaperEntriesDisagree(DomainError):
    code = "paper_entries_disagree"
    status = 409
    default_message = "两次录入的计票结果不一致，请核对后重新录入"


@dataclass(frozen=True)
class Receipt:
    code: str
    hash: str
    round: int = 1

    @property
    def fingerprint(self) -> str:
        return self.hash[:16]


def receipt_hash(vote_id: int, code: str) -> str:
    normalised = code.replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(f"renda-vote:{vote_id}:{normalised}".encode()).hexdigest()


def new_receipt(vote_id: int, round_number: int = 1) -> Receipt:
    bits = int.from_bytes(secrets.token_bytes(10))  # 80 random bits: 16 characters of 5 bits (32 letters)
    raw = "".join(RECEIPT_ALPHABET[(bits >> (5 * i)) & 31] for i in range(16))
    code = "-".join(raw[i:i + 4] for i in range(0, 16, 4))
    return Receipt(code=code, hash=receipt_hash(vote_id, code), round=round_number)


# --- create, open -------------------------------------------------------------------------------------------

@transaction.atomic
def vote_create(*, actor: Any, meeting: Meeting, title: str, kind: str = VoteKind.RESOLUTION,
                secret: bool = False, mode: str = VoteMode.ELECTRONIC, agenda_item: Any = None,
                election: Any = None, seats: int | None = None, previous: Vote | None = None) -> Vote:
    if kind not in VoteKind.values:
        raise Invalid("表决类型无效", fields={"kind": ["表决类型无效"]})
    if mode not in VoteMode.values:
        raise Invalid("表决方式无效", fields={"mode": ["表决方式无效"]})
    if kind == VoteKind.ELECTION:
        secret = True  # 选举一律采用无记名投票
    if not title.strip():
        raise Invalid("请填写表决事项", fields={"title": ["请填写表决事项"]})
    if meeting.status in (MeetingStatus.CLOSED, MeetingStatus.CANCELLED):
        raise Invalid("会议已结束，不能再发起表决", code="meeting_closed")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise Invalid("议程不属于本次会议", fields={"agenda_item": ["议程不属于本次会议"]})
    show = ShowResults.AFTER_CLOSE if secret else congress_setting(meeting.congress, "meetings.show_results")
    vote = Vote.objects.create(
        meeting=meeting, title=title.strip(), kind=kind, secret=secret, mode=mode, agenda_item=agenda_item,
        election=election, seats=seats, previous=previous, round=(previous.round + 1) if previous else 1,
        show_results=show, created_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor=actor, action="vote.create", obj=vote,
                 after=audit.snapshot(vote, ["meeting", "title", "kind", "secret", "mode", "round", "previous",
                                             "show_results", "seats"]))
    return vote


def vote_open(*, actor: Any, vote: Vote, closes_in_seconds: int | None = None, version: int | None = None) -> Vote:
    try:
        return _vote_open(actor=actor, vote=vote, closes_in_seconds=closes_in_seconds, version=version)
    except IntegrityError:
        raise Invalid("本次会议已有正在进行的表决，请先结束它", code="another_vote_open") from None


@transaction.atomic
def _vote_open(*, actor: Any, vote: Vote, closes_in_seconds: int | None, version: int | None) -> Vote:
    """The chair opens the round: the meeting must be under way; the voters (N) are frozen now."""
    vote = Vote.objects.select_for_update(of=("self",)).select_related("meeting__congress", "election").get(pk=vote.pk)
    check_version(vote, version)
    if vote.meeting.status != MeetingStatus.IN_PROGRESS:
        raise Invalid("会议尚未开始或已结束，不能开始表决", code="meeting_not_in_progress")
    before = vote.status
    vote.status = workflow.next_status("vote", before, "open")
    if vote.kind == VoteKind.ELECTION:
        from renda.meetings.services.elections import check_round_ready

        check_round_ready(vote)
    if closes_in_seconds is not None and not 10 <= closes_in_seconds <= 24 * 3600:
        raise Invalid("自动结束时间须在 10 秒到 24 小时之间", fields={"closes_in_seconds": ["取值无效"]})
    person_ids = list(selectors.members(vote.meeting))
    present = Attendance.objects.filter(meeting_id=vote.meeting_id, status=AttendanceStatus.PRESENT,
                                        person_id__in=person_ids).count()
    _check_quorum(vote.meeting, members=len(person_ids), present=present)
    VoteEligible.objects.bulk_create([VoteEligible(vote=vote, person_id=pid) for pid in person_ids])
    now = timezone.now()
    vote.eligible_count = len(person_ids)
    vote.present_at_open = present
    vote.opened_at = now
    vote.closes_at = now + timedelta(seconds=closes_in_seconds) if closes_in_seconds else None
    vote.version += 1
    vote.save()
    audit.record(actor=actor, action="vote.open", obj=vote, before={"status": before},
                 after={"status": vote.status, "eligible": vote.eligible_count, "present": vote.present_at_open,
                        "closes_at": vote.closes_at})
    return vote


def _check_quorum(meeting: Meeting, *, members: int, present: int) -> None:
    """A round opens only while ⌈2N/3⌉ of the N members are signed in [law]: the quorum is held for each
    decision, not only when the meeting began (members who left, or a roster that grew, can break it)."""
    if meeting.kind in QUORUM_KINDS and not law.has_quorum(present=present, members=members):
        needed = law.quorum(members)
        raise QuorumNotMet(f"应到 {members} 人，实到 {present} 人，须有三分之二以上（至少 {needed} 人）出席"
                           "才能开始表决", members=members, present=present, quorum=needed)


# --- cast ---------------------------------------------------------------------------------------------------

_ROUND_COLUMNS = ("id", "meeting_id", "kind", "mode", "title", "secret", "round", "seats", "status", "closes_at")
_LOCK_ROUND = """
SELECT id, meeting_id, kind, mode, title, secret, round, seats, status, closes_at
FROM meetings_vote WHERE id = %s FOR KEY SHARE
"""


def _lock_open_round(vote: Vote | int) -> Vote:
    """Read the round under a shared row lock: many ballots go in side by side, while closing (which takes the
    row FOR UPDATE) waits for those in flight and is waited on by those that come after — so no ballot can land
    after the tally. SQLite's IMMEDIATE transactions serialise writers, which gives the same.

    The foreign keys of the ballot's rows stay deferred to commit as everywhere else (a former
    `SET CONSTRAINTS ALL IMMEDIATE` here leaked into callers' transactions); their checks at commit find the
    round already locked by this transaction and wait for nothing."""
    pk = vote if isinstance(vote, int) else vote.pk
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_LOCK_ROUND, [pk])
            row = cursor.fetchone()
        # A read-only snapshot of the columns a ballot needs (never saved): cheaper than a model query's machinery.
        current = Vote(**dict(zip(_ROUND_COLUMNS, row, strict=True))) if row else None
    else:
        current = Vote.objects.filter(pk=pk).first()
    if current is None or current.status != VoteStatus.OPEN:
        raise VoteNotOpen()
    if current.closes_at is not None and timezone.now() >= current.closes_at:
        raise VoteNotOpen("表决时间已到，投票已截止")
    if current.mode != VoteMode.ELECTRONIC:
        raise Invalid("本轮为纸质票表决，请在会场填写选票", code="paper_vote")
    return current


# One statement admits the voter: frozen on the round's list, signed in, and not yet voted — the last by the
# unique (vote, person) of the row it inserts, so a second ballot fails whatever the timing. The sign-in is read
# by its unique (meeting, person) key and compared after: asked with the status inside, PostgreSQL may walk the
# (meeting, status) index through every present member instead.
_ADMIT = """
INSERT INTO meetings_participation (vote_id, person_id)
SELECT %s, %s
WHERE EXISTS (SELECT 1 FROM meetings_voteeligible WHERE vote_id = %s AND person_id = %s)
  AND (SELECT status FROM meetings_attendance WHERE meeting_id = %s AND person_id = %s) = %s
"""
# PostgreSQL: the participation and the ballot in one statement — the ballot is stored only if the voter was
# admitted (by _ADMIT itself); SQLite has no data-modifying WITH, so it runs _ADMIT, then an INSERT.
_ADMITTED = "WITH admitted AS (" + _ADMIT + "RETURNING vote_id)\n"
_STORE = {
    True: "INSERT INTO meetings_secretballot (id, vote_id, choice, receipt_hash) "
          "SELECT %s, vote_id, %s, %s FROM admitted",
    False: "INSERT INTO meetings_namedballot (vote_id, person_id, choice, cast_at, receipt_hash) "
           "SELECT vote_id, %s, %s, %s, %s FROM admitted",
}
# constant SQL joined from constants; every value is a bound parameter
_ADMIT_AND_STORE = {secret: _ADMITTED + store for secret, store in _STORE.items()}


def _admit_args(vote: Vote, person: Any) -> list[Any]:
    return [vote.pk, person.pk, vote.pk, person.pk, vote.meeting_id, person.pk, AttendanceStatus.PRESENT]


def _refuse(vote: Vote, person: Any) -> None:
    """Why a voter was not admitted (the round is open: checked before)."""
    if not VoteEligible.objects.filter(vote=vote, person=person).exists():
        raise Invalid("您不在本轮表决的表决人名单中", code="not_eligible")
    raise Invalid("请先签到再投票", code="not_signed_in")


def _admit(vote: Vote, person: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_ADMIT, _admit_args(vote, person))
        admitted = cursor.rowcount == 1
    if not admitted:
        _refuse(vote, person)


def _store_ballot(vote: Vote, person: Any, choice: str, receipt: Receipt) -> None:
    """Admit the voter and store the ballot: one statement on PostgreSQL, two on SQLite."""
    if connection.vendor == "postgresql":
        args = _admit_args(vote, person)
        args += ([uuid.uuid4(), choice, receipt.hash] if vote.secret
                 else [person.pk, choice, timezone.now(), receipt.hash])
        with connection.cursor() as cursor:
            cursor.execute(_ADMIT_AND_STORE[vote.secret], args)
            if cursor.rowcount != 1:
                _refuse(vote, person)
        return
    _admit(vote, person)
    if vote.secret:
        SecretBallot.objects.create(vote=vote, choice=choice, receipt_hash=receipt.hash)
    else:
        NamedBallot.objects.create(vote=vote, person=person, choice=choice, cast_at=timezone.now(),
                                   receipt_hash=receipt.hash)


def ballot_cast(*, actor: Any, vote: Vote | int, person: Any, choice: str) -> Receipt:
    """A deputy's ballot in a resolution or satisfaction round → the voter's receipt. `vote` may be a bare id:
    the round is read (and locked) here anyway, and being on its frozen list is what entitles the voter."""
    try:
        return _ballot_cast(actor=actor, vote=vote, person=person, choice=choice)
    except IntegrityError:
        raise AlreadyVoted() from None


@transaction.atomic
def _ballot_cast(*, actor: Any, vote: Vote | int, person: Any, choice: str) -> Receipt:
    vote = _lock_open_round(vote)
    if vote.kind == VoteKind.ELECTION:
        raise Invalid("选举请使用选票提交", code="election_round")
    if choice not in vote.choices:
        raise Invalid("表决选项无效", fields={"choice": [f"须为 {'、'.join(vote.choices)} 之一"]})
    receipt = new_receipt(vote.pk, vote.round)
    _store_ballot(vote, person, choice, receipt)
    if vote.secret:
        audit.record(actor=actor, action="vote.participation", obj=vote, object_repr=f"{vote} · {person.name}",
                     after={"vote": vote.pk, "round": vote.round, "person": person.pk})
    else:
        audit.record(actor=actor, action="vote.ballot", obj=vote, object_repr=f"{vote} · {person.name}",
                     after={"vote": vote.pk, "round": vote.round, "person": person.pk, "choice": choice})
    return receipt


def election_ballot_cast(*, actor: Any, vote: Vote | int, person: Any, marks: dict[str, str],
                         write_ins: list[str]) -> Receipt:
    try:
        return _election_ballot_cast(actor=actor, vote=vote, person=person, marks=marks, write_ins=write_ins)
    except IntegrityError:
        raise AlreadyVoted() from None


@transaction.atomic
def _election_ballot_cast(*, actor: Any, vote: Vote | int, person: Any, marks: dict[str, str],
                          write_ins: list[str]) -> Receipt:
    vote = _lock_open_round(vote)
    if vote.kind != VoteKind.ELECTION:
        raise Invalid("本轮不是选举", code="not_an_election")
    on_ballot = dict(RoundCandidate.objects.filter(vote=vote).values_list("candidate_id", "candidate__name"))
    keys = {str(k) for k in on_ballot}
    marks = {str(k): v for k, v in marks.items()}
    if set(marks) - keys or any(v not in ("yes", "no", "abstain") for v in marks.values()):
        raise Invalid("选票内容无效", fields={"marks": ["候选人或选项无效"]})
    names = [w.strip() for w in write_ins if w and w.strip()]
    if any(len(n) > 50 or n in on_ballot.values() for n in names) or len(set(names)) != len(names):
        raise Invalid("另选他人的姓名无效", fields={"write_ins": ["不能重复填写，也不能填写本轮候选人"]})
    full = {k: marks.get(k, "abstain") for k in keys}  # an unmarked candidate counts as 弃权
    _admit(vote, person)
    receipt = new_receipt(vote.pk, vote.round)
    ElectionBallot.objects.create(vote=vote, marks=full, write_ins=names, receipt_hash=receipt.hash,
                                  valid=tally.ballot_is_valid(marks=full, write_ins=names, seats=vote.seats or 0))
    audit.record(actor=actor, action="vote.participation", obj=vote, object_repr=f"{vote} · {person.name}",
                 after={"vote": vote.pk, "round": vote.round, "person": person.pk})
    return receipt


# --- paper ballots, entered twice ---------------------------------------------------------------------------

def _clean_counts(vote: Vote, counts: dict[str, Any], valid: int) -> dict[str, Any]:
    def n(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise Invalid("票数须为非负整数", fields={"counts": ["票数须为非负整数"]})
        return value

    if vote.kind != VoteKind.ELECTION:
        if set(counts) != set(vote.choices):
            raise Invalid("计票项目不全", fields={"counts": [f"须包含 {'、'.join(vote.choices)}"]})
        clean = {k: n(counts[k]) for k in vote.choices}
        if sum(clean.values()) != valid:
            raise Invalid("各选项票数之和须等于有效票数（收回票数减无效票数）", fields={"counts": ["票数之和不符"]})
        return clean
    ids = {str(c) for c in RoundCandidate.objects.filter(vote=vote).values_list("candidate_id", flat=True)}
    per = counts.get("candidates") or {}
    if not isinstance(per, dict) or set(per) != ids:
        raise Invalid("须为本轮每位候选人录入票数", fields={"counts": ["候选人不全"]})
    out: dict[str, Any] = {"candidates": {}, "write_ins": {}}
    for cid, row in per.items():
        if not isinstance(row, dict) or set(row) != {"yes", "no", "abstain"}:
            raise Invalid("每位候选人须录入赞成、反对、弃权票数", fields={"counts": ["项目不全"]})
        out["candidates"][cid] = {k: n(row[k]) for k in ("yes", "no", "abstain")}
        if sum(out["candidates"][cid].values()) != valid:
            raise Invalid("每位候选人的赞成、反对、弃权票数之和须等于有效票数", fields={"counts": ["票数之和不符"]})
    write_ins = counts.get("write_ins") or {}
    if not isinstance(write_ins, dict):
        raise Invalid("另选他人票数格式无效", fields={"counts": ["格式无效"]})
    out["write_ins"] = {str(k).strip(): n(v) for k, v in write_ins.items() if str(k).strip()}
    return out


@transaction.atomic
def paper_tally_enter(*, actor: Any, vote: Vote, issued: int, returned: int, invalid: int,
                      counts: dict[str, Any]) -> PaperTally:
    """One person's entry of the hand count; the round closes on two agreeing entries by two people."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if vote.mode != VoteMode.PAPER:
        raise Invalid("本轮不是纸质票表决", code="not_paper")
    if vote.status != VoteStatus.OPEN:
        raise VoteNotOpen()
    if min(issued, returned, invalid) < 0 or invalid > returned:
        raise Invalid("票数无效", fields={"invalid": ["无效票不能多于收回票"]})
    live = PaperTally.objects.filter(vote=vote, discarded=False)
    if live.count() >= 2:
        raise Invalid("已有两人录入，请核对；如不一致请作废后重新录入", code="paper_entries_complete")
    if live.filter(entered_by=actor).exists():
        raise Invalid("同一人不能录入两次，须由另一人再次录入", code="paper_same_person")
    entry = PaperTally.objects.create(vote=vote, entered_by=actor, issued=issued, returned=returned,
                                      invalid=invalid, counts=_clean_counts(vote, counts, returned - invalid))
    audit.record(actor=actor, action="vote.paper_entry", obj=vote, after={"entry": entry.pk, **entry.figures()})
    return entry


@transaction.atomic
def paper_tally_discard(*, actor: Any, vote: Vote, reason: str) -> int:
    """Set aside the current entries (kept, marked) so the count can be entered again."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if vote.status != VoteStatus.OPEN:
        raise VoteNotOpen()
    ids = list(PaperTally.objects.filter(vote=vote, discarded=False).values_list("pk", flat=True))
    PaperTally.objects.filter(pk__in=ids).update(discarded=True)
    audit.record(actor=actor, action="vote.paper_discard", obj=vote, after={"entries": ids, "reason": reason})
    return len(ids)


def agreed_paper_figures(vote: Vote) -> dict[str, Any]:
    entries = list(PaperTally.objects.filter(vote=vote, discarded=False))
    if len(entries) < 2:
        raise Invalid("纸质票须由两人分别录入计票结果后才能结束", code="paper_entries_missing")
    first, second = entries[0].figures(), entries[1].figures()
    if json.loads(audit.canonical(first)) != json.loads(audit.canonical(second)):
        raise PaperEntriesDisagree()
    return first


# --- counting, sealing, closing -----------------------------------------------------------------------------

def _count(vote: Vote) -> tuple[tally.Outcome, int, list[str]]:
    """(outcome, voted, sorted receipt hashes) recomputed from what is stored."""
    eligible = vote.eligible_count or 0
    if vote.mode == VoteMode.PAPER:
        figures = agreed_paper_figures(vote)
        voted, receipts = figures["returned"], list[str]()
        if vote.kind == VoteKind.ELECTION:
            outcome = tally.election(candidates=_round_candidates(vote), seats=vote.seats or 0, eligible=eligible,
                                     issued=figures["issued"], returned=figures["returned"],
                                     invalid=figures["invalid"], hand_counts=figures["counts"])
        else:
            outcome = _choice_outcome(vote, figures["counts"], eligible)
            outcome.counts = {**figures["counts"], "issued": figures["issued"], "returned": figures["returned"],
                              "invalid": figures["invalid"]}
            if figures["returned"] > figures["issued"]:
                outcome.passed, outcome.void, outcome.basis_code = False, True, "more_returned_than_issued"
                outcome.basis = (f"收回票数 {figures['returned']} 张多于发出票数 {figures['issued']} 张，"
                                 "本轮表决无效，须重新表决")
        return outcome, voted, receipts
    if vote.kind == VoteKind.ELECTION:
        rows = list(ElectionBallot.objects.filter(vote=vote).values_list("marks", "write_ins", "valid",
                                                                         "receipt_hash"))
        valid = [tally.ElectionBallotData(marks=m, write_ins=tuple(w)) for m, w, ok, _ in rows if ok]
        outcome = tally.election(candidates=_round_candidates(vote), seats=vote.seats or 0, eligible=eligible,
                                 issued=len(rows), returned=len(rows), valid_ballots=valid,
                                 invalid=len(rows) - len(valid))
        return outcome, len(rows), sorted(r[3] for r in rows)
    model = SecretBallot if vote.secret else NamedBallot
    counts = dict.fromkeys(vote.choices, 0)
    for row in model.objects.filter(vote=vote).values("choice").annotate(n=Count("pk")):
        counts[row["choice"]] = row["n"]
    receipts = sorted(model.objects.filter(vote=vote).values_list("receipt_hash", flat=True))
    return _choice_outcome(vote, counts, eligible), sum(counts.values()), receipts


def _choice_outcome(vote: Vote, counts: dict[str, int], eligible: int) -> tally.Outcome:
    if vote.kind == VoteKind.SATISFACTION:
        percent = congress_setting(vote.meeting.congress, "meetings.unsatisfied_fail_percent")
        return tally.satisfaction(counts=dict(counts), eligible=eligible, fail_percent=percent)
    return tally.resolution(counts=dict(counts), eligible=eligible)


def _round_candidates(vote: Vote) -> list[tuple[int, str]]:
    return list(RoundCandidate.objects.filter(vote=vote).order_by("candidate_id")
                .values_list("candidate_id", "candidate__name"))


def _payload(vote: Vote, outcome: tally.Outcome, *, present: int, voted: int, receipts: list[str],
             closed_at: Any) -> dict[str, Any]:
    return {
        "vote": vote.pk, "meeting": vote.meeting_id, "title": vote.title, "kind": vote.kind, "mode": vote.mode,
        "secret": vote.secret, "round": vote.round, "previous": vote.previous_id, "seats": vote.seats,
        "eligible": vote.eligible_count or 0, "present": present, "voted": voted, "counts": outcome.counts,
        "threshold": outcome.threshold, "passed": outcome.passed, "void": outcome.void,
        "basis_code": outcome.basis_code, "basis": outcome.basis, "receipts": receipts, "closed_at": closed_at,
    }


def seal_of(payload_text: str) -> str:
    return hashlib.sha256(payload_text.encode("utf-8")).hexdigest()


def _reshuffle_secret_rows(vote: Vote) -> None:
    """Rewrite the round's secret ballots in the order of their random keys (see the module docstring)."""
    secret = list(SecretBallot.objects.filter(vote=vote).order_by("id"))
    if secret:
        SecretBallot.objects.filter(vote=vote).delete()
        SecretBallot.objects.bulk_create(secret)
    marked = list(ElectionBallot.objects.filter(vote=vote).order_by("id"))
    if marked:
        ElectionBallot.objects.filter(vote=vote).delete()
        ElectionBallot.objects.bulk_create(marked)


@transaction.atomic
def vote_close(*, actor: Any, vote: Vote, version: int | None = None) -> VoteResult:
    """Close the round and seal its result; from here on nothing about it changes."""
    vote = Vote.objects.select_for_update(of=("self",)).select_related("meeting__congress", "election").get(pk=vote.pk)
    check_version(vote, version)
    before = vote.status
    vote.status = workflow.next_status("vote", before, "close")
    outcome, voted, receipts = _count(vote)
    now = timezone.now()
    present = Attendance.objects.filter(meeting_id=vote.meeting_id, status=AttendanceStatus.PRESENT,
                                        person_id__in=VoteEligible.objects.filter(vote=vote).values(
                                            "person_id")).count()
    vote.closed_at = now
    vote.version += 1
    vote.save()
    payload = _payload(vote, outcome, present=present, voted=voted, receipts=receipts, closed_at=now)
    text = audit.canonical(payload)
    result = VoteResult.objects.create(
        vote=vote, counts=outcome.counts, eligible=vote.eligible_count or 0, present=present, voted=voted,
        threshold=outcome.threshold, passed=outcome.passed, void=outcome.void, basis_code=outcome.basis_code,
        basis=outcome.basis, receipts=receipts, payload=text, seal=seal_of(text), sealed_at=now)
    elected: list[str] = []
    if vote.kind == VoteKind.ELECTION:
        from renda.meetings.services.elections import apply_round_result

        elected = apply_round_result(vote, outcome)
    if vote.secret:
        _reshuffle_secret_rows(vote)
    audit.record(actor=actor, action="vote.close", obj=vote, before={"status": before},
                 after={"status": vote.status, "seal": result.seal, "passed": outcome.passed, "void": outcome.void,
                        "eligible": result.eligible, "present": present, "voted": voted,
                        "threshold": outcome.threshold, "elected": elected})
    return result


def close_if_due(vote: Vote) -> Vote:
    """The timer: a round whose time is up is closed by the system the first time anyone looks at it (and by
    `vote_close_due` from the worker). A round that cannot close (paper entries missing) stays open."""
    if vote.status == VoteStatus.OPEN and vote.closes_at is not None and timezone.now() >= vote.closes_at:
        with contextlib.suppress(DomainError):
            vote_close(actor=None, vote=vote)
        vote.refresh_from_db()
    return vote


def vote_close_due() -> int:
    due = Vote.objects.filter(status=VoteStatus.OPEN, closes_at__lte=timezone.now())
    return sum(1 for v in due if close_if_due(v).status == VoteStatus.CLOSED)


def vote_revote(*, actor: Any, vote: Vote) -> Vote:
    """A re-vote is a new round of the same question; the closed round and its sealed result stay."""
    vote = Vote.objects.select_related("meeting").get(pk=vote.pk)
    if vote.status != VoteStatus.CLOSED:
        raise Invalid("只有已结束的表决才能重新表决", code="vote_not_closed")
    if vote.kind == VoteKind.ELECTION:
        raise Invalid("选举的另行选举请在选举中发起", code="election_round")
    try:
        with transaction.atomic():
            return vote_create(actor=actor, meeting=vote.meeting, title=vote.title, kind=vote.kind,
                               secret=vote.secret, mode=vote.mode, agenda_item=vote.agenda_item, previous=vote)
    except IntegrityError:
        raise Invalid("该表决已发起过重新表决", code="revote_exists") from None


# --- reading a result and checking it ----------------------------------------------------------------------

def live_counts(vote: Vote) -> dict[str, int] | None:
    """Per-choice counts while open: only for a named round set to show them live; never for a secret one."""
    if vote.secret or vote.show_results != ShowResults.LIVE or vote.mode != VoteMode.ELECTRONIC:
        return None
    counts = dict.fromkeys(vote.choices, 0)
    for row in NamedBallot.objects.filter(vote=vote).values("choice").annotate(n=Count("pk")):
        counts[row["choice"]] = row["n"]
    return counts


@dataclass(frozen=True)
class Verification:
    ok: bool
    problems: list[str]


def vote_verify(vote: Vote) -> Verification:
    """Check a closed round: its seal matches its payload, the payload matches the stored columns, a recount of
    the stored ballots gives the same counts and receipts, and the audit log holds the same seal."""
    problems: list[str] = []
    result = VoteResult.objects.filter(vote=vote).first()
    if result is None:
        return Verification(False, ["该表决没有封存的结果"])
    if seal_of(result.payload) != result.seal:
        problems.append("结果内容与封存哈希不符：结果被改动")
    payload = json.loads(result.payload)
    columns = {"counts": result.counts, "eligible": result.eligible, "present": result.present,
               "voted": result.voted, "threshold": result.threshold, "passed": result.passed,
               "void": result.void, "basis": result.basis, "receipts": result.receipts}
    for key, value in columns.items():
        if json.loads(audit.canonical(value)) != payload.get(key):
            problems.append(f"结果字段“{key}”与封存内容不符：结果被改动")
    try:
        outcome, voted, receipts = _count(vote)
    except DomainError as exc:
        problems.append(f"无法重新计票：{exc.message}")
    else:
        if json.loads(audit.canonical(outcome.counts)) != payload.get("counts") or voted != payload.get("voted"):
            problems.append("按存储的选票重新计票，结果与封存结果不符：选票被改动")
        if receipts != payload.get("receipts"):
            problems.append("选票回执清单与封存清单不符：选票被增删或改动")
    if VoteEligible.objects.filter(vote=vote).count() != payload.get("eligible"):
        problems.append("表决人名单人数与封存结果不符")
    entry = AuditEntry.objects.filter(action="vote.close", object_type="meetings.vote",
                                      object_id=str(vote.pk)).order_by("-seq").first()
    if entry is None or json.loads(entry.after or "{}").get("seal") != result.seal:
        problems.append("审计日志中没有与之相符的封存记录")
    return Verification(not problems, problems)
