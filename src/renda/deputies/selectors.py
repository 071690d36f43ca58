from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, overload

from django.db import connection
from django.db.models import BigIntegerField, CharField, Count, F, Lookup, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat

from renda.core import crypto, scope
from renda.core.roles import Role
from renda.deputies import validation
from renda.deputies.models import (
    DeputyGroup,
    ElectoralDistrict,
    GroupMembership,
    ImportJob,
    Mandate,
    MandateQuerySet,
    MandateStatus,
    Person,
)
from renda.organizations.models import Congress


def _mandate_scope_q(user: Any) -> Q | None:
    """A staff user sees the mandates of congresses in their region, and those elected in a district there
    (a county deputy elected in a township is organised by that township: 混合编组)."""
    path = scope.scope_path(user)
    if not path:
        return None
    return Q(congress__region__path__startswith=path) | Q(district__region__path__startswith=path)


def mandates_visible(*, user: Any) -> MandateQuerySet:
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
    rows = (mandates_visible(user=user).in_office()
            .values("congress__region__level").annotate(n=Count("id")))
    return {r["congress__region__level"]: r["n"] for r in rows}


def composition(*, user: Any, field: str) -> list[tuple[str, int]]:
    """Active deputies (each person once) of the user's scope, counted by one Person field."""
    person_ids = (mandates_visible(user=user).in_office()
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


# --- who may change what (a gate beside the scope: visible is not always changeable) ---------------------------
def _manages_region(user: Any, region_path: str) -> bool:
    path = scope.scope_path(user)
    return bool(path) and getattr(user, "role", None) in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF) \
        and region_path.startswith(path or "")


def can_manage_mandate(*, user: Any, mandate: Mandate) -> bool:
    """The staff of the mandate's own congress (or above) keep its record and change its status; a township
    clerk sees the county deputies elected in the township (混合编组) but the county keeps their mandates."""
    return _manages_region(user, mandate.congress.region.path)


def can_manage_person(*, user: Any, person: Person) -> bool:
    """A person's data is kept by the staff who keep one of their mandates, or, for a person without a mandate
    in sight, by the staff of the region the person is registered in."""
    path = scope.scope_path(user)
    if not path or getattr(user, "role", None) not in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF):
        return False
    if Mandate.objects.filter(person_id=person.pk, congress__region__path__startswith=path).exists():
        return True
    return not Mandate.objects.filter(person_id=person.pk).exists() and person.region.path.startswith(path)


# --- the deputy list: filters and search ----------------------------------------------------------------------
_ID_LIKE = re.compile(r"^\d{17}[\dX]$")
_LETTERS = re.compile(r"^[a-z]+$")


def _filter_mandates(mq: QuerySet[Mandate], *, congress: int | None, status: str, district: int | None,
                     group: int | None, level: str) -> tuple[QuerySet[Mandate], bool]:
    narrowed = False
    for value, lookup in ((congress, "congress_id"), (district, "district_id"), (level, "congress__region__level")):
        if value not in (None, ""):
            mq, narrowed = mq.filter(**{lookup: value}), True
    if status:
        # Compared as an expression, not on the bare column: SQLite would otherwise walk the status index (most
        # mandates are active) instead of the scope's congress and district indexes — 20× slower at scale.
        mq, narrowed = mq.alias(status_text=Concat("status", Value(""), output_field=CharField())).filter(
            status_text=status), True
    if group is not None:
        mq = mq.filter(group_memberships__group_id=group, group_memberships__left_on__isnull=True)
        narrowed = True
    return mq, narrowed


def _search_q(q: str, prefix: str = "") -> Q | None:
    text = "".join(validation.to_halfwidth(q or "").split())
    if not text:
        return None
    if _ID_LIKE.match(text.upper()):
        return Q(**{f"{prefix}id_number_hash": crypto.keyed_hash(text.upper())})
    if _LETTERS.match(text.lower()):
        return Q(**{f"{prefix}name_initials__startswith": text.lower()})
    return Q(**{f"{prefix}name__contains": text})


def _scope_ids(user: Any, path: str) -> tuple[list[int], list[int]]:
    """The ids of the congresses and electoral districts in the user's region (a county: ~10 and ~70), read once
    per request (kept on the user object, which lives as long as the request)."""
    cached = getattr(user, "_deputy_scope_ids", None)
    if cached is None or cached[0] != path:
        congresses = list(Congress.objects.filter(region__path__startswith=path).values_list("id", flat=True))
        districts = list(ElectoralDistrict.objects.filter(region__path__startswith=path)
                         .values_list("id", flat=True))
        cached = (path, congresses, districts)
        user._deputy_scope_ids = cached
    return cached[1], cached[2]


class _AnyOf(Lookup[Any]):
    """`lhs = ANY(rhs)`: PostgreSQL's form of IN for one array parameter."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _id_in(field: str, ids: list[int]) -> Q:
    """`field IN (ids)`; on PostgreSQL written `field = ANY(%s)` with the ids as one array parameter. A scope's
    thousand people as a thousand placeholders cost Django and psycopg ~6 ms a query to prepare and bind (measured
    on the province), one array next to nothing; the plan is the same (PostgreSQL reads IN (…) as = ANY(…))."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    from django.contrib.postgres.fields import ArrayField

    return Q(_AnyOf(F(field), Value(list(ids), output_field=ArrayField(BigIntegerField()))))

def scoped_mandates(*, user: Any) -> QuerySet[Mandate]:
    """The same mandates as mandates_visible, written for the planner: the scope's congresses and districts as
    literal id lists, so each side of the OR is an index lookup on the mandate and the row estimate is right (the
    join form, or id subqueries, made PostgreSQL scan all 110,600 mandates of a province). Without
    select_related: for counting and filtering."""
    role = getattr(user, "role", None)
    if role == Role.DEPUTY:
        return Mandate.objects.filter(person_id=user.person_id)
    path = scope.scope_path(user)
    if role not in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF) or not path:
        return Mandate.objects.none()
    congresses, districts = _scope_ids(user, path)
    return Mandate.objects.filter(_id_in("congress_id", congresses) | _id_in("district_id", districts))


# A county has ~1,000 deputies, a township ~100: their ids are read first and the page is fetched by primary key.
# Above this the ids stay a subquery (a scope that large has no role yet).
LISTED_IDS_MAX = 5000


def _listed_ids(mq: QuerySet[Mandate]) -> list[int] | None:
    """The distinct people of these mandates, or None if there are more than LISTED_IDS_MAX."""
    ids = list(mq.order_by().values_list("person_id", flat=True).distinct()[:LISTED_IDS_MAX + 1])
    return ids if len(ids) <= LISTED_IDS_MAX else None


def search_people(*, user: Any, congress: int | None = None, status: str = "", district: int | None = None,
                  group: int | None = None, level: str = "", q: str = "") -> QuerySet[Person]:
    """The deputies (people holding a mandate the user may see) whose visible mandates match every mandate filter,
    narrowed by `q`: an 18-character ID number finds its person exactly (keyed hash, never a LIKE on ciphertext),
    letters search the pinyin initials (zsf → 张三丰), anything else a part of the name.

    The matching people's ids are read first (an index walk over the scope's mandates) and the people then fetched
    by primary key: PostgreSQL otherwise prefers a scan of every person (107,500 in a province) to 1,000 lookups."""
    mq, _ = _filter_mandates(scoped_mandates(user=user), congress=congress, status=status, district=district,
                             group=group, level=level)
    ids = _listed_ids(mq)
    qs = Person.objects.filter(pk__in=ids) if ids is not None else Person.objects.filter(
        pk__in=mq.values("person_id"))
    found = _search_q(q)
    if found is not None:
        qs = qs.filter(found)
    return qs.order_by("name", "id")


class ListedPeople(Sequence[Person]):
    """The deputy list in its order (姓名, id) as a sequence for Paginator and the API's paginate: it knows every id
    (so the count is free) and fetches only the slice asked for, by primary key, with the visible mandates."""

    def __init__(self, ids: list[int], user: Any) -> None:
        self.ids, self.user = ids, user

    def __len__(self) -> int:
        return len(self.ids)

    def count(self, value: Any = None) -> int:   # Sequence.count's signature; Paginator calls count()
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Person: ...

    @overload
    def __getitem__(self, index: slice) -> list[Person]: ...

    def __getitem__(self, index: int | slice) -> Person | list[Person]:
        if isinstance(index, int):
            return self[index:index + 1 or None][0]
        chunk = self.ids[index]
        by_id = {p.pk: p for p in with_visible_mandates(Person.objects.filter(pk__in=chunk), user=self.user)}
        return [by_id[pk] for pk in chunk if pk in by_id]


def list_people(*, user: Any, congress: int | None = None, status: str = "", district: int | None = None,
                group: int | None = None, level: str = "", q: str = "") -> ListedPeople | QuerySet[Person]:
    """The list page's and the API list's deputies (search_people's rule), each with `visible_mandates`, in two
    queries whatever the page: the matching ids in order (one index probe per person of the scope, no count, no
    OFFSET over a name index — that walked 5,000 names for page 1 of a county and more for page 20), then the page's
    people by primary key. A scope of more than LISTED_IDS_MAX people falls back to the query set."""
    mq, _ = _filter_mandates(scoped_mandates(user=user), congress=congress, status=status, district=district,
                             group=group, level=level)
    ids = _listed_ids(mq)
    if ids is None:
        return with_visible_mandates(search_people(user=user, congress=congress, status=status, district=district,
                                                   group=group, level=level, q=q), user=user)
    qs = Person.objects.filter(_id_in("id", ids))
    found = _search_q(q)
    if found is not None:
        qs = qs.filter(found)
    # Sorted by an expression so that no database walks its name index filtering by id (PostgreSQL did, for a
    # LIMIT): the scope's people are found by primary key and a thousand names sorted in memory.
    ordered = qs.order_by(Concat("name", Value(""), output_field=CharField()), "id")
    return ListedPeople(list(ordered.values_list("id", flat=True)), user)


def search_mandates(*, user: Any, congress: int | None = None, status: str = "", district: int | None = None,
                    group: int | None = None, level: str = "", q: str = "") -> QuerySet[Mandate]:
    """The visible mandates matching the list's filters (the export and the printable roster: one row each),
    with their person, congress, district and current group."""
    mq, _ = _filter_mandates(mandates_visible(user=user), congress=congress, status=status, district=district,
                             group=group, level=level)
    found = _search_q(q, prefix="person__")
    if found is not None:
        mq = mq.filter(found)
    current = GroupMembership.objects.filter(left_on__isnull=True).select_related("group")
    return mq.prefetch_related(Prefetch("group_memberships", queryset=current, to_attr="current_groups"))


def with_visible_mandates(qs: QuerySet[Person], *, user: Any) -> QuerySet[Person]:
    """Each person with `visible_mandates` (the user's view of them, top level first) and, on each mandate,
    `current_groups`: a constant number of queries however long the page."""
    # Unordered: a mandate has one current group, and the model's order would join every group's region.
    current = GroupMembership.objects.filter(left_on__isnull=True).select_related("group").order_by()
    visible = (scoped_mandates(user=user).select_related("congress__region", "term", "district")
               .order_by("congress__region__depth", "-term__start_date")
               .prefetch_related(Prefetch("group_memberships", queryset=current, to_attr="current_groups")))
    return qs.select_related("account").prefetch_related(
        Prefetch("mandates", queryset=visible, to_attr="visible_mandates"))


def districts_visible(*, user: Any) -> QuerySet[ElectoralDistrict]:
    return scope.within(ElectoralDistrict.objects.select_related("congress", "region"), user)
