"""The county's check of each township congress's sessions for a year (DOMAIN.md §5, seed 001): met at least twice
[law]; each session lasted its minimum [setting]; the first session of a term within two months of the election
[law]; the year's agenda held the required items [setting]; everyone elected took the constitutional oath."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from renda.meetings import law
from renda.meetings.models import AgendaItem, AgendaItemKind, Candidate, CandidateStatus, Session
from renda.organizations import selectors as org_selectors
from renda.organizations.models import Congress, RegionLevel
from renda.organizations.services import congress_setting

OK, FAIL, PENDING, NA = "ok", "fail", "pending", "na"
AGENDA_LABELS = dict(AgendaItemKind.choices)


@dataclass
class Check:
    status: str
    text: str


@dataclass
class Row:
    congress: Congress
    checks: dict[str, Check] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.status in (OK, NA, PENDING) for c in self.checks.values())

    @property
    def labelled(self) -> list[tuple[str, str, Check]]:
        """(key, label, check) in the table's order: a phone shows each check as a named line of the row's card."""
        return [(key, CHECK_LABELS.get(key, key), check) for key, check in self.checks.items()]


def _sessions_check(sessions: list[Session], year: int, today: date) -> Check:
    n = len(sessions)
    if n >= law.SESSIONS_PER_YEAR_MIN:
        return Check(OK, f"召开 {n} 次")
    status = PENDING if today <= date(year, 12, 31) else FAIL
    return Check(status, f"召开 {n} 次，法定每年至少 {law.SESSIONS_PER_YEAR_MIN} 次")


def _duration_check(sessions: list[Session], min_days: int) -> Check:
    short = [s for s in sessions if s.days < min_days]
    if not sessions:
        return Check(NA, "本年无会议")
    if short:
        return Check(FAIL, "；".join(f"第{s.number}次会议仅 {s.days} 天" for s in short) + f"（不少于 {min_days} 天）")
    return Check(OK, f"每次不少于 {min_days} 天")


def _first_session_check(congress: Congress, year: int, today: date) -> Check:
    term = congress.current_term()
    if term is None or term.election_date is None or term.election_date.year not in (year, year - 1):
        return Check(NA, "本年不涉及换届")
    deadline = term.election_date + relativedelta(months=law.FIRST_SESSION_WITHIN_MONTHS)
    if deadline.year < year:
        return Check(NA, "本年不涉及换届")
    first = Session.objects.filter(term=term, number=1).first()
    if first is None:
        status = PENDING if today <= deadline else FAIL
        return Check(status, f"第一次会议尚未召开，应于 {deadline:%Y-%m-%d} 前召开")
    if first.starts_on <= deadline:
        return Check(OK, f"选举后于 {first.starts_on:%Y-%m-%d} 召开第一次会议")
    return Check(FAIL, f"第一次会议于 {first.starts_on:%Y-%m-%d} 召开，晚于选举后两个月（{deadline:%Y-%m-%d}）")


def _agenda_check(congress: Congress, sessions: list[Session], year: int, today: date) -> Check:
    required = list(congress_setting(congress, "meetings.required_agenda_items"))
    held = set(AgendaItem.objects.filter(meeting__session__in=sessions).values_list("kind", flat=True))
    missing = [k for k in required if k not in held]
    if not missing:
        return Check(OK, "必备议程齐全")
    status = PENDING if today <= date(year, 12, 31) else FAIL
    return Check(status, "缺少：" + "、".join(AGENDA_LABELS.get(k, k) for k in missing))


def _oath_check(sessions: list[Session]) -> Check:
    elected = Candidate.objects.filter(election__meeting__session__in=sessions, status=CandidateStatus.ELECTED)
    if not elected.exists():
        return Check(NA, "本年无选举")
    missing = list(elected.filter(oath__isnull=True).values_list("name", flat=True))
    if missing:
        return Check(FAIL, "未记录宪法宣誓：" + "、".join(missing))
    return Check(OK, f"{elected.count()} 名当选人员均已宣誓")


def township_compliance(*, user: Any, year: int, today: date | None = None) -> list[Row]:
    today = today or timezone.localdate()
    congresses = org_selectors.congresses_visible(user=user).filter(region__level=RegionLevel.TOWNSHIP)
    rows = []
    for congress in congresses:
        sessions = list(Session.objects.filter(congress=congress, starts_on__year=year).order_by("starts_on"))
        min_days = congress_setting(congress, "meetings.session_min_days")
        rows.append(Row(congress=congress, checks={
            "sessions": _sessions_check(sessions, year, today),
            "duration": _duration_check(sessions, min_days),
            "first_session": _first_session_check(congress, year, today),
            "agenda": _agenda_check(congress, sessions, year, today),
            "oath": _oath_check(sessions),
        }))
    return rows


CHECK_LABELS = {"sessions": "每年至少两次会议", "duration": "会期", "first_session": "换届后首次会议",
                "agenda": "必备议程", "oath": "宪法宣誓"}
