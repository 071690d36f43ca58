from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from renda.core import scope
from renda.core.roles import Role
from renda.deputies.models import (
    DeputyGroup,
    ElectoralDistrict,
    GroupMembership,
    ImportJob,
    Mandate,
    MandateStatus,
    Person,
)


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


def deputies_for_village(*, village: Any, active_only: bool = True) -> QuerySet[Mandate]:
    """The deputies of every level whose electoral district covers a village (a constituent finds their
    township, county and city deputies from where they live). Current terms only."""
    qs = (Mandate.objects.filter(district__villages=village, term__is_current=True)
          .select_related("person", "congress__region", "district").order_by("-congress__region__depth",
                                                                              "person__name"))
    if active_only:
        qs = qs.filter(status=MandateStatus.ACTIVE)
    return qs.distinct()


def districts_covering(*, village: Any) -> QuerySet[ElectoralDistrict]:
    return ElectoralDistrict.objects.filter(villages=village).select_related("congress__region", "region")


def mandate_history(*, user: Any, person_id: int) -> QuerySet[Mandate]:
    """Every mandate of a person the user may see, ended ones included (a former deputy's record stays)."""
    return mandates_visible(user=user).filter(person_id=person_id).order_by("-term__start_date", "congress_id")


def groups_visible(*, user: Any) -> QuerySet[DeputyGroup]:
    return scope.within(DeputyGroup.objects.select_related("region", "leader"), user)


def access_group_by_id(*, user: Any, group_id: int) -> DeputyGroup:
    return scope.get_or_404(groups_visible(user=user), pk=group_id)


def group_members(*, group: DeputyGroup) -> QuerySet[GroupMembership]:
    """Current members, county and township deputies together (混合编组)."""
    return (group.memberships.filter(left_on__isnull=True)
            .select_related("mandate__person", "mandate__congress__region").order_by("mandate__person__name"))


def import_jobs_visible(*, user: Any) -> QuerySet[ImportJob]:
    if getattr(user, "role", None) not in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF):
        return ImportJob.objects.none()
    return scope.within(ImportJob.objects.select_related("congress__region").defer("payload"), user,
                        path_field="congress__region__path")


def access_import_job_by_id(*, user: Any, job_id: int) -> ImportJob:
    return scope.get_or_404(import_jobs_visible(user=user), pk=job_id)
