"""Who sees which suggestion (DOMAIN.md §1, §3):

- county and township staff: every suggestion of a congress in their region or below, except drafts;
- a handling-unit user: what is assigned to their unit, as lead unit or co-unit, while the assignment stands;
- a deputy: the suggestions they lead and those they were asked to co-sign;
- anyone else: nothing. Outside the scope is "not found" (404), never "forbidden".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from renda.core import scope
from renda.core.roles import STAFF_ROLES, Role
from renda.suggestions import workflow
from renda.suggestions.models import (
    Assignment,
    CoSigner,
    Publication,
    PublicationStatus,
    Status,
    Suggestion,
    UnitRole,
)


def in_region(path: str) -> Q:
    """Suggestions of congresses at `path` ("/1/4/27/") or below. PostgreSQL turns the prefix match into an index
    range itself (varchar_pattern_ops); SQLite's LIKE is case-insensitive and cannot, so there it is written as the
    range it is: every path below P sorts between P and P with its last "/" raised to "0" (byte order)."""
    if connection.vendor == "sqlite":
        return Q(region_path__gte=path, region_path__lt=path[:-1] + "0")
    return Q(region_path__startswith=path)


def visible(*, user: Any) -> QuerySet[Suggestion]:
    role = getattr(user, "role", None)
    qs = Suggestion.objects.all()
    if role in STAFF_ROLES:
        path = scope.scope_path(user)
        if not path:
            return qs.none()
        return qs.filter(in_region(path)).exclude(status=Status.DRAFT)
    if role == Role.UNIT_USER and user.unit_id:
        return qs.filter(pk__in=Assignment.objects.filter(unit_id=user.unit_id, active=True)
                         .values("suggestion_id"))
    if role == Role.DEPUTY and user.person_id:
        return qs.filter(Q(lead_deputy_id=user.person_id)
                         | Q(pk__in=CoSigner.objects.filter(person_id=user.person_id).values("suggestion_id")))
    return qs.none()


def published_in_region(path: str) -> Any:
    """Replies published on the portal (checked, personal data removed) of suggestions of congresses at `path` or
    below: what anyone may read."""
    return Publication.objects.filter(status=PublicationStatus.PUBLISHED,
                                      reply__suggestion__in=Suggestion.objects.filter(in_region(path)))


# Encrypted fields a list never shows: not loaded, so not decrypted row by row.
PERSON_PRIVATE = ["id_number", "phone", "address"]


def with_details(qs: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    """What the API and the lists show: congress, people and units, in a fixed number of queries."""
    return qs.select_related("congress__region", "lead_deputy", "lead_unit", "township").defer(
        *[f"lead_deputy__{f}" for f in PERSON_PRIVATE]).prefetch_related(
        Prefetch("cosigners", queryset=CoSigner.objects.select_related("person").defer(
            *[f"person__{f}" for f in PERSON_PRIVATE])),
        Prefetch("assignments", queryset=Assignment.objects.filter(active=True, role=UnitRole.CO)
                 .select_related("unit"), to_attr="active_co_assignments"))


def access_suggestion_by_id(*, user: Any, suggestion_id: int) -> Suggestion:
    return scope.get_or_404(with_details(visible(user=user)), pk=suggestion_id)


def filtered(qs: QuerySet[Suggestion], *, today: date, status: str | None = None, kind: str | None = None,
             channel: str | None = None, congress: int | None = None, year: int | None = None,
             overdue: bool | None = None, lead_unit: int | None = None, category: str | None = None,
             township: int | None = None, region: int | None = None, key_supervised: bool | None = None,
             q: str | None = None) -> QuerySet[Suggestion]:
    """The list filters of API.md, each a query parameter named after a field."""
    if status:
        qs = qs.filter(status__in=status.split(","))
    if kind:
        qs = qs.filter(kind=kind)
    if channel:
        qs = qs.filter(channel=channel)
    if congress is not None:
        qs = qs.filter(congress_id=congress)
    if year is not None:
        qs = qs.filter(year=year)
    if overdue is not None:
        qs = qs.filter(overdue_q(today)) if overdue else qs.exclude(overdue_q(today))
    if lead_unit is not None:
        qs = qs.filter(lead_unit_id=lead_unit)
    if category:
        qs = qs.filter(category=category)
    if township is not None:
        qs = qs.filter(township_id=township)
    if region is not None:
        from renda.organizations.models import Region

        path = Region.objects.filter(pk=region).values_list("path", flat=True).first()
        qs = qs.filter(in_region(path)) if path else qs.none()
    if key_supervised is not None:
        qs = qs.filter(key_supervised=key_supervised)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(number__startswith=q))
    return qs


CO_OPINION_STATUSES = frozenset(state for state, events in workflow.SUGGESTION_TABLE.items() if "opinion" in events)


def awaiting_co_opinion(qs: QuerySet[Suggestion], unit_id: int) -> QuerySet[Suggestion]:
    """Those of `qs` on which the unit is an active co-unit (协办单位) that has not yet sent its opinion, in a state
    where it still can (the unit's list with ?co_opinion=1, and its 待办 on the home page)."""
    return qs.filter(status__in=CO_OPINION_STATUSES, pk__in=Assignment.objects.filter(
        unit_id=unit_id, role=UnitRole.CO, active=True, opinion_on__isnull=True).values("suggestion_id"))


def serving_mandates(*, congress_id: Any) -> QuerySet[Any]:
    """Mandates in office of the congress's current term: who may sign (附议, 联名) its suggestions and bills."""
    from renda.deputies.models import Mandate

    return Mandate.objects.in_office().filter(congress_id=congress_id)


def out_of_office(s: Suggestion) -> set[int]:
    """The people invited to co-sign the suggestion whose mandate of its congress is no longer in office."""
    invited = [c.person_id for c in s.cosigners.all()]
    serving = set(serving_mandates(congress_id=s.congress_id).filter(person_id__in=invited)
                  .values_list("person_id", flat=True))
    return set(invited) - serving


def awaiting_cosign(qs: QuerySet[Suggestion], person_id: int) -> QuerySet[Suggestion]:
    """The drafts of `qs` the person was asked to co-sign (附议) and has not, while a deputy of that congress in
    office (suggestion_cosign refuses anyone else): the deputy's list with ?cosign=1, and their 待办."""
    from django.db.models import Exists, OuterRef

    return qs.filter(Exists(serving_mandates(congress_id=OuterRef("congress_id")).filter(person_id=person_id)),
                     status=Status.DRAFT, pk__in=CoSigner.objects.filter(
        person_id=person_id, confirmed_at__isnull=True).values("suggestion_id")).exclude(lead_deputy_id=person_id)


def overdue_q(today: date) -> Q:
    """Late: past the reply deadline while being handled (交办, 办理中, 重新办理). A 跟踪办理 item keeps its first
    deadline, but its second reply comes when the matter is solved: it is never late. `is_overdue` for one row."""
    return Q(status__in=workflow.OPEN_HANDLING, deadline__lt=today)


def is_overdue(s: Suggestion, today: date) -> bool:
    return s.status in workflow.OPEN_HANDLING and s.deadline is not None and s.deadline < today


def relations(user: Any, s: Suggestion) -> set[str]:
    """The actor's relations to a suggestion they can see (lead_deputy, co_signer, staff, lead_unit, co_unit)."""
    role = getattr(user, "role", None)
    out: set[str] = set()
    if role == Role.DEPUTY:
        if s.lead_deputy_id == user.person_id:
            out.add("lead_deputy")
        if any(c.person_id == user.person_id for c in s.cosigners.all()):
            out.add("co_signer")
    elif role in STAFF_ROLES:
        out.add("staff")
    elif role == Role.UNIT_USER:
        if s.lead_unit_id and s.lead_unit_id == user.unit_id:
            out.add("lead_unit")
        if any(a.unit_id == user.unit_id for a in getattr(s, "active_co_assignments", [])):
            out.add("co_unit")
    return out


def actions_for(user: Any, s: Suggestion) -> list[str]:
    """The events this user may take on this suggestion now: what a page or an app offers as buttons."""
    mine = relations(user, s)
    if "co_signer" in mine and any(c.person_id == user.person_id and c.confirmed_at for c in s.cosigners.all()):
        mine.discard("co_signer")  # already signed
    if "co_signer" in mine and s.status == Status.DRAFT and user.person_id in out_of_office(s):
        mine.discard("co_signer")  # no longer a deputy in office: suggestion_cosign would refuse
    return [event for event in workflow.table(s.kind).get(s.status, {})
            if workflow.EVENTS[event].relation in mine]


def supervision_cards(*, user: Any, year: int | None = None) -> QuerySet[Any]:
    """督办卡 of the suggestions the user may see (staff of the region, the units handling them)."""
    from renda.suggestions.models import SupervisionCard

    qs = SupervisionCard.objects.filter(suggestion__in=visible(user=user)).select_related(
        "suggestion__lead_unit", "suggestion__congress__region", "leader", "meeting")
    return qs.filter(year=year) if year is not None else qs


def access_card_by_id(*, user: Any, card_id: int) -> Any:
    return scope.get_or_404(supervision_cards(user=user), pk=card_id)
