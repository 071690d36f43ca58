"""/api/v1/deputies (API.md): the registry of deputies, their mandates and status, roster import and export, and
the composition statistics. Personal data is masked unless revealed; scope as the deputies selectors say.

Errors: 404 outside the caller's scope (never "exists"); 403 for a role that may not, or a record the caller sees
but does not keep (a township clerk sees the county deputies elected in the township, the county keeps them);
409 stale_version / invalid_transition; 422 with the field for bad input.
"""

from datetime import date
from typing import Any
from urllib.parse import quote

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from renda.api.schemas import ERRORS, Error, Page, PageParams
from renda.core import scope
from renda.core.access import endpoint
from renda.core.errors import Forbidden, Invalid, NotFound
from renda.core.roles import Role
from renda.deputies import exports, pii, selectors, services
from renda.deputies import stats as composition
from renda.deputies.models import ImportJob, ImportJobStatus, Mandate, MandateStatus, Occupation, Party, Person
from renda.organizations import selectors as org_selectors
from renda.organizations.models import Congress, Region, RegionLevel

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


# --- roster import, export, statistics (static paths first: /deputies/{person_id} would swallow them) ---------
class ImportErrorOut(Schema):
    row: int
    field: str
    code: str
    message: str


class ImportJobOut(Schema):
    job: int
    status: str
    stage: str
    progress: int
    total_rows: int
    processed_rows: int
    dry_run: bool
    all_or_nothing: bool
    filename: str
    written: bool = False
    created: int | None = None
    updated: int | None = None
    unchanged: int | None = None
    mandates_created: int | None = None
    rows: int | None = None
    error_rows: int | None = None
    errors: list[ImportErrorOut] = []
    error_message: str = ""


def import_job_out(job: ImportJob) -> ImportJobOut:
    result = job.result or {}
    return ImportJobOut(
        job=job.pk, status=job.status, stage=job.stage, progress=job.progress, total_rows=job.total_rows,
        processed_rows=job.processed_rows, dry_run=job.dry_run, all_or_nothing=job.all_or_nothing,
        filename=job.filename, written=bool(result.get("written")), error_message=job.error_message,
        errors=result.get("errors", []),
        **{k: result.get(k) for k in ("created", "updated", "unchanged", "mandates_created", "rows", "error_rows")})


def own_congress(user: Any, congress_id: int | None) -> Congress:
    """The congress named, if in the caller's scope (else 404), or the congress of the caller's own region."""
    if congress_id is not None:
        return org_selectors.access_congress_by_id(user=user, congress_id=congress_id)
    region_id: Any = getattr(user, "region_id", None)
    own = org_selectors.congresses_visible(user=user).filter(region_id=region_id).first()
    if own is None:
        raise Invalid("请选择人民代表大会", code="congress_required", fields={"congress": ["请选择人民代表大会"]})
    return own


@router.post("/deputies/import", response={200: ImportJobOut, 202: ImportJobOut, **ERRORS},
             summary="Import a roster (.xlsx)",
             description="Multipart `file`. `?congress=` (default: the caller's own congress), `dry_run` (check "
                         "only, write nothing), `all_or_nothing` (write nothing if any row is bad). Small files "
                         "run at once → 200 with `{created, updated, errors: [{row, field, code, message}]}`; "
                         "large ones are queued → 202 with the job, then poll `GET /deputies/import/{job}`. "
                         "422 `file_not_xlsx`, `file_empty`, `header_not_found`, `header_missing_column`, "
                         "`file_too_large`, `no_current_term`.")
@endpoint(*STAFF)
def deputy_import(request: HttpRequest, file: File[UploadedFile], congress: int | None = None,
                  dry_run: bool = False, all_or_nothing: bool = False) -> HttpStatus:
    target = own_congress(request.user, congress)
    if file.size and file.size > MAX_IMPORT_BYTES:
        raise Invalid(f"文件超过 {MAX_IMPORT_BYTES // 1024 // 1024} MB，请分乡镇导入", code="file_too_large",
                      fields={"file": ["文件过大"]})
    job = services.roster_import(actor=request.user, congress=target, data=file.read(),
                                 filename=file.name or "", dry_run=dry_run, all_or_nothing=all_or_nothing)
    return HttpStatus(200 if job.status == ImportJobStatus.DONE else 202, import_job_out(job))


@router.get("/deputies/import/{job_id}", response={200: ImportJobOut, **ERRORS},
            summary="A roster import's progress and result")
@endpoint(*STAFF)
def deputy_import_job(request: HttpRequest, job_id: int) -> ImportJobOut:
    return import_job_out(selectors.access_import_job_by_id(user=request.user, job_id=job_id))


XLSX_RESPONSE = {"200": {"description": "the roster, .xlsx (the import's columns)",
                         "content": {exports.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}


@router.get("/deputies/export", response={**ERRORS}, openapi_extra={"responses": XLSX_RESPONSE},
            summary="Export the caller's scope as .xlsx",
            description="The list's filters apply. ID numbers and phones are masked unless `unmasked=true` and the "
                        "role may reveal them (else 403); every export is audited (`deputy.export`), an unmasked "
                        "one also as a reveal (`person.reveal`).")
@endpoint(*STAFF)
def deputy_export(request: HttpRequest, filters: Query[ListFilters], unmasked: bool = False) -> HttpResponse:
    kwargs = filters.as_kwargs()
    mandates = selectors.search_mandates(user=request.user, **kwargs)
    out = exports.export_roster(actor=request.user, mandates=mandates, unmasked=unmasked,
                                filters={**kwargs, "unmasked": unmasked})
    response = HttpResponse(out.content, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(out.filename)}"
    return response


class ShareOut(Schema):
    code: str
    label: str
    count: int
    share: float


class DimensionOut(Schema):
    key: str
    label: str
    rows: list[ShareOut]


class CompositionOut(Schema):
    total: int
    dimensions: list[DimensionOut]
    highlights: list[ShareOut]


class CongressRef(Schema):
    id: int
    name: str
    level: str


class TermRef(Schema):
    id: int
    number: int


class TownshipOut(CompositionOut):
    congress: CongressRef
    term: TermRef | None


class StatsOut(CompositionOut):
    congress: CongressRef
    term: TermRef
    status: str
    reference_date: date
    townships: list[TownshipOut]


def composition_out(c: composition.Composition) -> dict[str, Any]:
    dims = [DimensionOut(key=d.key, label=d.label, rows=[ShareOut(**vars(r)) for r in c.rows(d.key)])
            for d in composition.DIMENSIONS]
    return {"total": c.total, "dimensions": dims, "highlights": [ShareOut(**vars(r)) for r in c.highlights.values()]}


def stats_context(user: Any, congress_id: int | None, term_id: int | None, status: str | None) -> dict[str, Any]:
    """What both the API and the page show: the congress's term, and for a county its townships side by side."""
    congress = own_congress(user, congress_id)
    term: Any
    if term_id is not None:
        term = scope.get_or_404(congress.terms.all(), pk=term_id)
    else:
        term = congress.current_term()
        if term is None:
            raise NotFound(f"{congress.name}尚未设立本届")
    status = status or MandateStatus.ACTIVE
    if status != "all" and status not in MandateStatus.values:
        raise Invalid("状态应为 active、all 或其他代表资格状态", fields={"status": ["无效的状态"]})
    townships: list[composition.TownshipColumn] = []
    if congress.region.level == RegionLevel.COUNTY:
        below = list(org_selectors.congresses_visible(user=user).filter(region__parent_id=congress.region_id,
                                                                        region__level=RegionLevel.TOWNSHIP))
        townships = composition.townships_side_by_side(congress, below, status=status)
    return {"congress": congress, "term": term, "status": status, "reference_date": composition.reference_date(term),
            "composition": composition.congress_composition(congress, term, status=status), "townships": townships}


@router.get("/deputies/stats", response={200: StatsOut, **ERRORS}, summary="Composition of a congress's deputies",
            description="`?congress=` (default: the caller's own), `term=` (a term id; default the current term), "
                        "`status=active` (default) or `all`. Counts and shares (0–1) by gender, ethnicity, party, "
                        "age band (under_35, 35_44, 45_54, 55_plus at the term's election date), education, "
                        "occupation, level; for a county, each township congress side by side.")
@endpoint(*STAFF)
def deputy_stats(request: HttpRequest, congress: int | None = None, term: int | None = None,
                 status: str | None = None) -> StatsOut:
    ctx = stats_context(request.user, congress, term, status)
    c, t = ctx["congress"], ctx["term"]
    return StatsOut(
        congress=CongressRef(id=c.pk, name=c.name, level=c.region.level), term=TermRef(id=t.pk, number=t.number),
        status=ctx["status"], reference_date=ctx["reference_date"], **composition_out(ctx["composition"]),
        townships=[TownshipOut(congress=CongressRef(id=col.congress.pk, name=col.congress.name,
                                                    level=RegionLevel.TOWNSHIP),
                               term=TermRef(id=col.term.pk, number=col.term.number) if col.term else None,
                               **composition_out(col.composition)) for col in ctx["townships"]])


# --- the registry ---------------------------------------------------------------------------------------------
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
