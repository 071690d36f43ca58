"""The registry: the list, registering, a deputy's record and its changes, ending a mandate, the audited reveal."""

from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Schema
from ninja import Status as HttpStatus

from renda.api.schemas import ERRORS, Page, PageParams
from renda.core import scope
from renda.core.access import endpoint
from renda.core.errors import Forbidden, Invalid
from renda.core.roles import Role
from renda.deputies import pii, selectors, services
from renda.deputies.api.common import (
    READERS,
    STAFF,
    WRITE_RESPONSES,
    DeputyDetailOut,
    DeputyOut,
    ListFilters,
    _detail,
    deputy_out,
    router,
)
from renda.deputies.models import Mandate, MandateStatus, Occupation, Party, Person
from renda.organizations import selectors as org_selectors
from renda.organizations.models import Region


@router.get("/deputies", response={200: Page[DeputyOut], **ERRORS},
            description="Filters: `congress`, `status`, `district`, `group`, `level`; `q` searches the name, the "
                        "pinyin initials (letters) or, for an 18-character ID number, finds that person exactly.")
@endpoint(*READERS)
def deputy_list(request: HttpRequest, params: Query[PageParams], filters: Query[ListFilters]) -> dict[str, object]:
    user: Any = request.user
    people = selectors.list_people(user=user, **filters.as_kwargs())
    start = (params.page - 1) * params.page_size
    items: list[Any] = list(people[start:start + params.page_size])
    count = people.count()
    staff = user.role != Role.DEPUTY
    return {"items": [deputy_out(p, p.visible_mandates, staff=staff) for p in items], "count": count}


class DeputyIn(Schema):
    congress: int
    person: int | None = None
    name: str = ""
    gender: str = ""
    id_number: str = ""
    phone: str = ""
    birth_date: date | None = None
    ethnicity: str = "汉族"
    party: str = Party.NONE
    education: str = ""
    occupation: str = Occupation.OTHER
    organization_post: str = ""
    address: str = ""
    region: int | None = None
    district: int | None = None
    elected_on: date | None = None


PERSON_INPUT = ("name", "gender", "id_number", "phone", "birth_date", "ethnicity", "party", "education",
                "occupation", "organization_post", "address")


def _region_in_scope(user: Any, region_id: int, within: Region) -> Region:
    region = org_selectors.access_region_by_id(user=user, region_id=region_id)
    if not region.is_within(within):
        raise Invalid(f"所在区域须在{within.name}之内", fields={"region": [f"所在区域须在{within.name}之内"]})
    return region


@router.post("/deputies", response={201: DeputyDetailOut, **WRITE_RESPONSES},
             summary="Register a deputy: a person and their mandate",
             description="With `person` (an existing person in scope) only the mandate is added. 422 with the field "
                         "for bad data (`id_number_checksum`, `id_number_taken`, `gender_mismatch`, "
                         "`mandate_exists` …).")
@endpoint(*STAFF)
def deputy_create(request: HttpRequest, payload: DeputyIn) -> HttpStatus:
    user: Any = request.user
    congress = org_selectors.access_congress_by_id(user=user, congress_id=payload.congress)
    district = None
    if payload.district is not None:
        # Any district the caller may see; one of another congress is then refused by the service (422
        # district_other_congress), not hidden as if it did not exist.
        district = scope.get_or_404(selectors.districts_visible(user=user), pk=payload.district)
    with transaction.atomic():
        if payload.person is not None:
            person = selectors.access_person_by_id(user=user, person_id=payload.person)
        else:
            region = (_region_in_scope(user, payload.region, congress.region) if payload.region is not None
                      else district.region if district else congress.region)
            person = services.person_create(actor=user, region=region,
                                            **{k: getattr(payload, k) for k in PERSON_INPUT})
        services.mandate_create(actor=user, person=person, congress=congress, district=district,
                                elected_on=payload.elected_on)
    return HttpStatus(201, _detail(user, person.pk))


@router.get("/deputies/{person_id}", response={200: DeputyDetailOut, **ERRORS})
@endpoint(*READERS)
def deputy_detail(request: HttpRequest, person_id: int) -> DeputyDetailOut:
    person = selectors.access_person_by_id(user=request.user, person_id=person_id)
    return _detail(request.user, person.pk)


class DeputyPatch(Schema):
    version: int
    name: str | None = None
    gender: str | None = None
    id_number: str | None = None
    phone: str | None = None
    birth_date: date | None = None
    ethnicity: str | None = None
    party: str | None = None
    education: str | None = None
    occupation: str | None = None
    organization_post: str | None = None
    address: str | None = None
    region: int | None = None


def person_change(*, user: Any, person: Person, version: int, changes: dict[str, Any]) -> Person:
    """The one path by which the API and the edit page change a person: the keeper check, then the service."""
    if not selectors.can_manage_person(user=user, person=person):
        raise Forbidden("该代表的信息由其所属人大的工作人员维护")
    if changes.get("region") is not None and not isinstance(changes["region"], Region):
        changes["region"] = org_selectors.access_region_by_id(user=user, region_id=changes["region"])
    return services.person_update(actor=user, person=person, version=version, **changes)


@router.patch("/deputies/{person_id}", response={200: DeputyDetailOut, **WRITE_RESPONSES},
              summary="Change a deputy's data",
              description="Send the `version` you read; a stale one is refused with 409 `stale_version`, never "
                          "merged. Only the fields sent change; \"\" clears an ID number or phone.")
@endpoint(*STAFF)
def deputy_update(request: HttpRequest, person_id: int, payload: DeputyPatch) -> DeputyDetailOut:
    person = selectors.access_person_by_id(user=request.user, person_id=person_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    nulls = [k for k, v in changes.items() if v is None and k != "birth_date"]
    if nulls:
        raise Invalid("这些字段不能为 null：" + "、".join(nulls), fields={k: ["不能为空值"] for k in nulls})
    person_change(user=request.user, person=person, version=version, changes=changes)
    return _detail(request.user, person.pk)


class StatusIn(Schema):
    status: str
    date: date
    reason: str
    version: int | None = None


def mandate_status_change(*, user: Any, person_id: int, mandate_id: int, status: str, on: date | None,
                          reason: str, version: int | None) -> Mandate:
    """Gate and call the workflow service (API and status page alike)."""
    mandate = scope.get_or_404(selectors.mandates_visible(user=user).filter(person_id=person_id), pk=mandate_id)
    if not selectors.can_manage_mandate(user=user, mandate=mandate):
        raise Forbidden("该代表资格由其所属人大的工作人员变更")
    if status not in MandateStatus.values:
        raise Invalid("无效的状态", fields={"status": ["应为 resigned、recalled、terminated、deceased 或 moved"]})
    return services.mandate_change_status(actor=user, mandate=mandate, status=status, date=on, reason=reason,
                                          version=version)


@router.post("/deputies/{person_id}/mandates/{mandate_id}/status", response={200: DeputyDetailOut,
                                                                             **WRITE_RESPONSES},
             summary="End a mandate (辞职、罢免、终止、去世、调离)",
             description="By the state table of the mandate workflow: 409 `invalid_transition` for an ended mandate, "
                         "409 `stale_version` for a stale `version`; 403 for a mandate the caller sees but does not "
                         "keep; 422 `status_date_required`, `status_date_future`, `status_reason_required` ….")
@endpoint(*STAFF)
def deputy_mandate_status(request: HttpRequest, person_id: int, mandate_id: int,
                          payload: StatusIn) -> DeputyDetailOut:
    mandate_status_change(user=request.user, person_id=person_id, mandate_id=mandate_id, status=payload.status,
                          on=payload.date, reason=payload.reason, version=payload.version)
    return _detail(request.user, person_id)


class RevealOut(Schema):
    id_number: str
    phone: str


@router.post("/deputies/{person_id}/reveal", response={200: RevealOut, **ERRORS})
@endpoint(Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
def deputy_reveal(request: HttpRequest, person_id: int) -> RevealOut:
    person = selectors.access_person_by_id(user=request.user, person_id=person_id)
    return RevealOut(**pii.person_reveal(actor=request.user, person=person))
