"""Elections: candidates nominated by the presidium or ten deputies jointly [law], rounds whose ballot must meet
the competitive ratio of the office [setting] before it opens, the elected, and their constitutional oath."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from renda.core import audit
from renda.core.errors import Invalid
from renda.meetings import law, selectors, tally, workflow
from renda.meetings.models import (
    Candidate,
    CandidateStatus,
    Election,
    ElectionStatus,
    Meeting,
    MeetingStatus,
    NominationSource,
    Nominator,
    Oath,
    OfficeKind,
    RoundCandidate,
    Vote,
    VoteKind,
    VoteMode,
    VoteResult,
    VoteStatus,
)
from renda.organizations.services import congress_setting


@transaction.atomic
def election_create(*, actor: Any, meeting: Meeting, office: str, office_kind: str, seats: int,
                    agenda_item: Any = None) -> Election:
    if office_kind not in OfficeKind.values:
        raise Invalid("职务类别无效", fields={"office_kind": ["职务类别无效"]})
    if seats < 1:
        raise Invalid("应选名额至少为 1", fields={"seats": ["应选名额至少为 1"]})
    if not office.strip():
        raise Invalid("请填写选举的职务", fields={"office": ["必填"]})
    if meeting.status in (MeetingStatus.CLOSED, MeetingStatus.CANCELLED):
        raise Invalid("会议已结束", code="meeting_closed")
    election = Election.objects.create(meeting=meeting, office=office.strip(), office_kind=office_kind,
                                       seats=seats, agenda_item=agenda_item)
    audit.record(actor=actor, action="election.create", obj=election,
                 after={"meeting": meeting.pk, "office": election.office, "office_kind": office_kind,
                        "seats": seats})
    return election


@transaction.atomic
def candidate_nominate(*, actor: Any, election: Election, name: str, source: str, person: Any = None,
                       nominators: list[Any] | None = None) -> Candidate:
    """By the presidium, or jointly by at least ten deputies of this congress with an active mandate [law]."""
    if election.status == ElectionStatus.COMPLETED:
        raise Invalid("选举已完成，不能再提名", code="election_completed")
    if source not in (NominationSource.PRESIDIUM, NominationSource.DEPUTIES):
        raise Invalid("候选人须由主席团提名或代表联合提名", fields={"source": ["提名方式无效"]})
    name = (name or (person.name if person is not None else "")).strip()
    if not name:
        raise Invalid("请填写候选人姓名", fields={"name": ["必填"]})
    nominators = list({p.pk: p for p in (nominators or [])}.values())
    if source == NominationSource.DEPUTIES:
        meeting = election.meeting
        deputies = set(selectors.serving_deputies(congress_id=meeting.congress_id, term_id=meeting.term_id)
                       .filter(person_id__in=[p.pk for p in nominators]))
        outsiders = [p.name for p in nominators if p.pk not in deputies]
        if outsiders:
            raise Invalid(f"{'、'.join(outsiders)}不是本级人大的在任代表，不能联合提名",
                          fields={"nominators": ["联合提名人须为本级人大在任代表"]})
        if len(deputies) < law.JOINT_NOMINATION_MIN:
            raise Invalid(f"代表联合提名须有 {law.JOINT_NOMINATION_MIN} 名以上代表，现有 {len(deputies)} 名",
                          code="joint_nomination_too_few",
                          fields={"nominators": [f"至少 {law.JOINT_NOMINATION_MIN} 名代表"]})
    elif nominators:
        raise Invalid("主席团提名不填联合提名人", fields={"nominators": ["主席团提名不填联合提名人"]})
    if Candidate.objects.filter(election=election, name=name).exists():
        raise Invalid(f"{name}已是本次选举的候选人", fields={"name": ["已是候选人"]})
    candidate = Candidate.objects.create(election=election, name=name, person=person, source=source)
    Nominator.objects.bulk_create([Nominator(candidate=candidate, person=p) for p in nominators])
    audit.record(actor=actor, action="election.nominate", obj=candidate,
                 after={"election": election.pk, "name": name, "source": source,
                        "nominators": sorted(p.pk for p in nominators)})
    return candidate


def ratio_bounds(election: Election, seats: int) -> tuple[int, int | None]:
    congress = election.meeting.congress
    values = {
        "head_min": congress_setting(congress, "meetings.ratio_head_extra_min"),
        "head_max": congress_setting(congress, "meetings.ratio_head_extra_max"),
        "deputy_min": congress_setting(congress, "meetings.ratio_deputy_head_extra_min"),
        "deputy_max": congress_setting(congress, "meetings.ratio_deputy_head_extra_max"),
        "indirect_min_percent": congress_setting(congress, "meetings.ratio_indirect_min_percent"),
        "indirect_max_percent": congress_setting(congress, "meetings.ratio_indirect_max_percent"),
    }
    return tally.ratio_bounds(office_kind=election.office_kind, seats=seats, settings=values)


def _span(low: int, high: int | None) -> str:
    if high is None:
        return f"不少于 {low} 名"
    return f"{low} 名" if high == low else f"{low} 至 {high} 名"


def check_round_ready(vote: Vote) -> None:
    """Before a round opens: its ballot meets the competitive ratio of the office (差额) [setting]."""
    election = vote.election
    assert election is not None
    n = RoundCandidate.objects.filter(vote=vote).count()
    low, high = ratio_bounds(election, vote.seats or 0)
    if n < low or (high is not None and n > high):
        span = _span(low, high)
        raise Invalid(f"{election.office}应选 {vote.seats} 名，候选人应为 {span}，现为 {n} 名，不符合差额比例",
                      code="competitive_ratio", fields={"candidates": [f"候选人应为 {span}"]},
                      candidates=n, min=low, max=high)


def _last_round(election: Election) -> Vote | None:
    return Vote.objects.filter(election=election).order_by("-round").first()


@transaction.atomic
def election_round_create(*, actor: Any, election: Election, mode: str = VoteMode.ELECTRONIC) -> Vote:
    """The first round puts every nominated candidate on the ballot. A further round (另行选举) fills the seats
    left: those tied at the cut-off if a tie decided it, otherwise the candidates not elected, by their votes in
    the last round, as many as the office's ratio allows (the clerk may nominate more before it opens)."""
    from renda.meetings.services.votes import vote_create

    election = Election.objects.select_for_update(of=("self",)).select_related("meeting__congress").get(pk=election.pk)
    last = _last_round(election)
    elected = Candidate.objects.filter(election=election, status=CandidateStatus.ELECTED).count()
    seats = election.seats - elected
    if last is not None and last.status != VoteStatus.CLOSED:
        raise Invalid("上一轮投票尚未结束", code="round_in_progress")
    if seats <= 0 or election.status == ElectionStatus.COMPLETED:
        raise Invalid("应选名额已经选满", code="election_completed")
    remaining = list(Candidate.objects.filter(election=election, status=CandidateStatus.NOMINATED)
                     .exclude(source=NominationSource.WRITE_IN).order_by("id"))
    if last is not None:
        result = VoteResult.objects.get(vote=last)
        votes = {row["id"]: row["yes"] for row in result.counts.get("candidates", [])}
        tied = set(result.counts.get("tied") or [])
        if tied and not result.void:
            remaining = [c for c in remaining if c.name in tied]
        else:
            remaining.sort(key=lambda c: -votes.get(c.pk, -1))
            _, high = ratio_bounds(election, seats)
            if high is not None:
                remaining = remaining[:high]
    if election.status == ElectionStatus.NOMINATING:
        election.status = workflow.next_status("election", election.status, "ballot")
        election.version += 1
        election.save(update_fields=["status", "version", "updated_at"])
    round_no = (last.round + 1) if last else 1
    title = f"选举{election.office}" + (f"（第{round_no}轮）" if round_no > 1 else "")
    vote = vote_create(actor=actor, meeting=election.meeting, title=title, kind=VoteKind.ELECTION, secret=True,
                       mode=mode, agenda_item=election.agenda_item, election=election, seats=seats, previous=last)
    RoundCandidate.objects.bulk_create([RoundCandidate(vote=vote, candidate=c) for c in remaining])
    audit.record(actor=actor, action="election.round", obj=election,
                 after={"vote": vote.pk, "round": vote.round, "seats": seats,
                        "candidates": [c.pk for c in remaining]})
    return vote


@transaction.atomic
def round_candidate_set(*, actor: Any, vote: Vote, candidates: list[Candidate]) -> None:
    """Adjust who is on a round's ballot before it opens (e.g. a candidate nominated after the last round)."""
    if vote.kind != VoteKind.ELECTION or vote.status != VoteStatus.DRAFT:
        raise Invalid("只有未开始的选举轮次可以调整候选人", code="round_not_draft")
    if any(c.election_id != vote.election_id or c.status != CandidateStatus.NOMINATED for c in candidates):
        raise Invalid("候选人无效", fields={"candidates": ["须为本次选举尚未当选的候选人"]})
    RoundCandidate.objects.filter(vote=vote).delete()
    RoundCandidate.objects.bulk_create([RoundCandidate(vote=vote, candidate=c) for c in candidates])
    audit.record(actor=actor, action="election.round_candidates", obj=vote,
                 after={"candidates": sorted(c.pk for c in candidates)})


def apply_round_result(vote: Vote, outcome: tally.Outcome) -> list[str]:
    """Inside vote_close: mark the elected (write-ins become candidates) and complete a filled election."""
    election = vote.election
    assert election is not None
    names: list[str] = []
    for candidate in Candidate.objects.filter(pk__in=outcome.elected):
        candidate.status, candidate.elected_in = CandidateStatus.ELECTED, vote
        candidate.save(update_fields=["status", "elected_in"])
        names.append(candidate.name)
    for name in outcome.elected_write_ins:
        Candidate.objects.create(election=election, name=name, source=NominationSource.WRITE_IN,
                                 status=CandidateStatus.ELECTED, elected_in=vote)
        names.append(name)
    if Candidate.objects.filter(election=election, status=CandidateStatus.ELECTED).count() >= election.seats:
        election.status = workflow.next_status("election", election.status, "complete")
        election.version += 1
        election.save(update_fields=["status", "version", "updated_at"])
    return names


@transaction.atomic
def oath_record(*, actor: Any, candidate: Candidate, taken_on: date, meeting: Meeting | None = None,
                note: str = "") -> Oath:
    """宪法宣誓 of an elected person."""
    if candidate.status != CandidateStatus.ELECTED:
        raise Invalid("只有当选人员才进行宪法宣誓", code="not_elected")
    if Oath.objects.filter(candidate=candidate).exists():
        raise Invalid("已记录该人员的宪法宣誓", code="oath_exists")
    oath = Oath.objects.create(candidate=candidate, taken_on=taken_on, meeting=meeting, note=note,
                               recorded_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor=actor, action="election.oath", obj=candidate,
                 after={"candidate": candidate.pk, "name": candidate.name, "taken_on": taken_on})
    return oath
