from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from renda.core import scope
from renda.core.roles import Role
from renda.deputies.models import Mandate, MandateStatus, Person


def _mandate_scope_q(user: Any) -> Q | None:
    """A staff user sees the mandates of congresses in their region, and those elected in a district there
    (a county deputy elected in a township is organised by that township: 混合编组)."""
    path = scope.scope_path(user)
    if not path:
        return None
    return Q(congress__region__path__startswith=path) | Q(district__region__path__startswith=path)


def mandates_visible(*, user: Any) -> QuerySet[Mandate]:
    qs = Mandate.objects.select_related("person", "congress__region", "term", "district")
    if getattr(user, "role", None) == Role.DEPUTY:
        return qs.filter(person_id=user.person_id)
    if getattr(user, "role", None) not in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF):
        return qs.none()
    q = _mandate_scope_q(user)
    return qs.filter(q) if q is not None else qs.none()


def people_visible(*, user: Any) -> QuerySet[Person]:
    if getattr(user, "role", None) == Role.DEPUTY:
        return Person.objects.filter(pk=user.person_id)
    if getattr(user, "role", None) not in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF):
        return Person.objects.none()
    q = _mandate_scope_q(user)
    if q is None:
        return Person.objects.none()
    ids = Mandate.objects.filter(q).values("person_id")
    return Person.objects.filter(Q(pk__in=ids) | Q(region__path__startswith=scope.scope_path(user)))


def access_person_by_id(*, user: Any, person_id: int) -> Person:
    return scope.get_or_404(people_visible(user=user), pk=person_id)


def active_counts_by_level(*, user: Any) -> dict[str, int]:
    rows = (mandates_visible(user=user).filter(status=MandateStatus.ACTIVE, term__is_current=True)
            .values("congress__region__level").annotate(n=Count("id")))
    return {r["congress__region__level"]: r["n"] for r in rows}


def composition(*, user: Any, field: str) -> list[tuple[str, int]]:
    """Active deputies (each person once) of the user's scope, counted by one Person field."""
    person_ids = (mandates_visible(user=user).filter(status=MandateStatus.ACTIVE, term__is_current=True)
                  .values("person_id"))
    rows = (Person.objects.filter(pk__in=person_ids).values(field).annotate(n=Count("id")).order_by("-n"))
    labels = dict(getattr(Person._meta.get_field(field), "choices", None) or [])
    return [(str(labels.get(r[field], r[field] or "未填")), r["n"]) for r in rows]
