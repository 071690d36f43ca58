"""What the deputies operations share: the router, the roles, the deputy's shapes, the list's filters."""

from datetime import date
from typing import Any

from ninja import Router, Schema

from renda.api.schemas import ERRORS, Error
from renda.core.errors import Invalid
from renda.core.roles import Role
from renda.deputies import pii, selectors
from renda.deputies.models import Mandate, MandateStatus, Person
from renda.organizations import selectors as org_selectors
from renda.organizations.models import Congress

router = Router(tags=["deputies"])
READERS = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.DEPUTY)
STAFF = (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
WRITE_RESPONSES: dict[int, Any] = {**ERRORS, 409: Error}
MAX_IMPORT_BYTES = 30 * 1024 * 1024


# --- shapes ---------------------------------------------------------------------------------------------------
class GroupRef(Schema):
    id: int
    name: str


class MandateOut(Schema):
    id: int
    congress: int
    congress_name: str
    level: str
    term: int
    district: str | None
    district_id: int | None = None
    status: str
    status_date: date | None = None
    status_reason: str = ""
    elected_on: date | None = None
    group: GroupRef | None = None
    version: int = 1


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


class DeputyDetailOut(DeputyOut):
    ethnicity: str
    birth_date: date | None
    party: str
    education: str
    occupation: str
    organization_post: str
    address: str
    region: int


def person_status(mandates: list[Mandate]) -> str:
    if any(m.status == MandateStatus.ACTIVE for m in mandates):
        return MandateStatus.ACTIVE
    latest = max(mandates, key=lambda m: (m.status_date or m.elected_on or m.term.start_date), default=None)
    return latest.status if latest else MandateStatus.ACTIVE


def mandate_out(m: Mandate) -> MandateOut:
    groups = getattr(m, "current_groups", None) or []
    return MandateOut(id=m.pk, congress=m.congress_id, congress_name=m.congress.name, level=m.congress.region.level,
                      term=m.term.number, district=m.district.name if m.district else None,
                      district_id=m.district_id, status=m.status, status_date=m.status_date,
                      status_reason=m.status_reason, elected_on=m.elected_on, version=m.version,
                      group=GroupRef(id=groups[0].group.pk, name=groups[0].group.name) if groups else None)


def deputy_out(person: Person, mandates: list[Mandate], *, staff: bool) -> DeputyOut:
    account = getattr(person, "account", None) if staff else None
    return DeputyOut(
        id=person.pk, name=person.name, gender=person.gender, status=person_status(mandates),
        username=account.username if account else None, version=person.version,
        mandates=[mandate_out(m) for m in mandates], **pii.masked(person))


def _detail(user: Any, person_id: int) -> DeputyDetailOut:
    person: Any = selectors.with_visible_mandates(Person.objects.filter(pk=person_id), user=user).get()
    base = deputy_out(person, person.visible_mandates, staff=user.role != Role.DEPUTY)
    return DeputyDetailOut(**base.dict(), ethnicity=person.ethnicity, birth_date=person.birth_date,
                           party=person.party, education=person.education, occupation=person.occupation,
                           organization_post=person.organization_post, address=person.address,
                           region=person.region_id)


class ListFilters(Schema):
    congress: int | None = None
    status: str | None = None
    district: int | None = None
    group: int | None = None
    level: str | None = None
    q: str | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {"congress": self.congress, "status": self.status or "", "district": self.district,
                "group": self.group, "level": self.level or "", "q": self.q or ""}



def own_congress(user: Any, congress_id: int | None) -> Congress:
    """The congress named, if in the caller's scope (else 404), or the congress of the caller's own region."""
    if congress_id is not None:
        return org_selectors.access_congress_by_id(user=user, congress_id=congress_id)
    region_id: Any = getattr(user, "region_id", None)
    own = org_selectors.congresses_visible(user=user).filter(region_id=region_id).first()
    if own is None:
        raise Invalid("请选择人民代表大会", code="congress_required", fields={"congress": ["请选择人民代表大会"]})
    return own
