"""The suggestion as the API shows it (API.md "Fields clients rely on"), shared by the API modules."""

from datetime import date, datetime
from typing import Any

from ninja import Schema

from renda.suggestions import selectors, services
from renda.suggestions.models import Status, Suggestion


class Ref(Schema):
    id: int
    name: str


class CoSignerOut(Schema):
    id: int
    name: str
    confirmed: bool


class SuggestionOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    status_label: str
    channel: str
    congress: int
    congress_name: str
    title: str
    content: str
    category: str
    lead_deputy: Ref
    co_signers: list[CoSignerOut]
    lead_unit: Ref | None
    co_units: list[Ref]
    deadline: date | None
    deadline_warning: str
    result_class: str | None
    satisfaction: str | None
    overdue: bool
    key_supervised: bool
    year: int
    submitted_at: datetime | None
    actions: list[str]
    paper: bool  # 代录: entered from a paper original by a clerk on the deputy's behalf
    version: int


class ReplyOut(Schema):
    round: int
    kind: str
    result_class: str
    text: str
    replied_on: date
    late: bool
    letter: bool
    satisfaction: str | None
    comment: str | None


class EventOut(Schema):
    event: str
    from_status: str
    to_status: str
    at: datetime
    note: str


class SuggestionDetailOut(SuggestionOut):
    entered_by: str | None
    merged_into: int | None
    merged_members: list[int]
    replies: list[ReplyOut]
    events: list[EventOut]


def suggestion_out(s: Suggestion, user: Any) -> SuggestionOut:
    today = services.today()
    return SuggestionOut(
        id=s.pk, number=s.number, kind=s.kind, status=s.status, status_label=Status(s.status).label,
        channel=s.channel, congress=s.congress_id, congress_name=s.congress.name, title=s.title, content=s.content,
        category=s.category, lead_deputy=Ref(id=s.lead_deputy_id, name=s.lead_deputy.name),
        co_signers=[CoSignerOut(id=c.person_id, name=c.person.name, confirmed=c.confirmed_at is not None)
                    for c in s.cosigners.all()],
        lead_unit=Ref(id=s.lead_unit.pk, name=s.lead_unit.name) if s.lead_unit else None,
        co_units=[Ref(id=a.unit_id, name=a.unit.name) for a in getattr(s, "active_co_assignments", [])],
        deadline=s.deadline, deadline_warning=s.deadline_warning, result_class=s.result_class or None,
        satisfaction=s.satisfaction or None, overdue=selectors.is_overdue(s, today),
        key_supervised=s.key_supervised, year=s.year, submitted_at=s.submitted_at,
        actions=selectors.actions_for(user, s), paper=s.entered_by_id is not None, version=s.version)


def detail_out(s: Suggestion, user: Any) -> SuggestionDetailOut:
    base = suggestion_out(s, user).dict()
    replies = []
    for r in s.replies.select_related("evaluation").order_by("round"):
        evaluation = getattr(r, "evaluation", None)
        replies.append(ReplyOut(round=r.round, kind=r.kind, result_class=r.result_class, text=r.text,
                                replied_on=r.replied_on, late=r.late, letter=bool(r.letter),
                                satisfaction=evaluation.satisfaction if evaluation else None,
                                comment=evaluation.comment if evaluation else None))
    events = [EventOut(event=e.event, from_status=e.from_status, to_status=e.to_status, at=e.at, note=e.note)
              for e in s.events.all()]
    entered_by = None
    if s.entered_by_id:
        from django.contrib.auth import get_user_model

        entered_by = str(get_user_model().objects.get(pk=s.entered_by_id))
    return SuggestionDetailOut(**base, entered_by=entered_by, merged_into=s.merged_into_id,
                               merged_members=list(s.merged_members.values_list("pk", flat=True)),
                               replies=replies, events=events)
