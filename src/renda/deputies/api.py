"""/api/v1/deputies (API.md): masked personal data unless revealed; scope as the deputies selectors say."""


from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema

from renda.api.schemas import ERRORS, Page, PageParams, paginate
from renda.core.access import endpoint
from renda.core.roles import Role
from renda.deputies import pii, selectors
from renda.deputies.models import Mandate, MandateStatus, Person

router = Router(tags=["deputies"])
READERS = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.DEPUTY)


class MandateOut(Schema):
    id: int
    congress: int
    congress_name: str
    level: str
    term: int
    district: str | None
    status: str


class DeputyOut(Schema):
    id: int
    name: str
    gender: str
    status: str
    id_number: str
    phone: str
    username: str | None = None
    mandates: list[MandateOut]
    version: int


def person_status(mandates: list[Mandate]) -> str:
    if any(m.status == MandateStatus.ACTIVE for m in mandates):
        return MandateStatus.ACTIVE
    latest = max(mandates, key=lambda m: (m.status_date or m.elected_on or m.term.start_date), default=None)
    return latest.status if latest else MandateStatus.ACTIVE


def deputy_out(person: Person, mandates: list[Mandate], *, staff: bool) -> DeputyOut:
    account = getattr(person, "account", None) if staff else None
    return DeputyOut(
        id=person.pk, name=person.name, gender=person.gender, status=person_status(mandates),
        username=account.username if account else None, version=person.version,
        mandates=[MandateOut(id=m.pk, congress=m.congress_id, congress_name=m.congress.name,
                             level=m.congress.region.level, term=m.term.number,
                             district=m.district.name if m.district else None, status=m.status)
                  for m in mandates],
        **pii.masked(person),
    )


def _with_mandates(qs: QuerySet[Person], user: Any) -> QuerySet[Person]:
    visible = selectors.mandates_visible(user=user)
    return qs.select_related("account").prefetch_related(
        Prefetch("mandates", queryset=visible.order_by("congress__region__depth"), to_attr="visible_mandates"))


@router.get("/deputies", response={200: Page[DeputyOut], **ERRORS})
@endpoint(*READERS)
def deputy_list(request: HttpRequest, params: Query[PageParams], congress: int | None = None,
                status: str | None = None, q: str | None = None) -> dict[str, object]:
    user: Any = request.user
    qs = selectors.people_visible(user=user)
    if congress is not None or status:
        mq = selectors.mandates_visible(user=user)
        if congress is not None:
            mq = mq.filter(congress_id=congress)
        if status:
            mq = mq.filter(status=status)
        qs = qs.filter(pk__in=mq.values("person_id"))
    if q:
        qs = qs.filter(name__contains=q) | qs.filter(name_initials__istartswith=q)
    items, count = paginate(_with_mandates(qs.order_by("name", "id"), user), params)
    staff = user.role != Role.DEPUTY
    return {"items": [deputy_out(p, p.visible_mandates, staff=staff) for p in items], "count": count}


@router.get("/deputies/{person_id}", response={200: DeputyOut, **ERRORS})
@endpoint(*READERS)
def deputy_detail(request: HttpRequest, person_id: int) -> DeputyOut:
    user: Any = request.user
    person: Any = selectors.access_person_by_id(user=user, person_id=person_id)
    person = _with_mandates(Person.objects.filter(pk=person.pk), user).get()
    return deputy_out(person, person.visible_mandates, staff=user.role != Role.DEPUTY)


class RevealOut(Schema):
    id_number: str
    phone: str


@router.post("/deputies/{person_id}/reveal", response={200: RevealOut, **ERRORS})
@endpoint(Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
def deputy_reveal(request: HttpRequest, person_id: int) -> RevealOut:
    person = selectors.access_person_by_id(user=request.user, person_id=person_id)
    return RevealOut(**pii.person_reveal(actor=request.user, person=person))
