"""Roster import (with its background job) and export."""

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from renda.api.schemas import ERRORS
from renda.core.access import endpoint
from renda.core.errors import Invalid
from renda.deputies import exports, selectors, services
from renda.deputies.api.common import (
    MAX_IMPORT_BYTES,
    STAFF,
    ListFilters,
    own_congress,
    router,
)
from renda.deputies.models import ImportJob, ImportJobStatus


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
