"""One import, start to end: in-line for a small file, a background job with progress for a large one."""

from __future__ import annotations

import base64
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from renda.core import audit, scope
from renda.core.errors import Invalid, NotFound
from renda.deputies.importer import writing
from renda.deputies.importer.matching import load_lookups, mark_duplicates, resolve
from renda.deputies.importer.rows import ProgressFn, clean_rows, group_errors
from renda.deputies.importer.workbook import Roster, read_roster
from renda.deputies.models import ImportJob, ImportJobStatus
from renda.organizations.models import Congress

logger = logging.getLogger(__name__)


def inline_max_rows() -> int:
    """Files with more data rows than this run as a background job (a technical limit, not a domain rule)."""
    return int(getattr(settings, "RENDA_IMPORT_INLINE_MAX_ROWS", 2000))



def run_import(*, actor: Any, congress: Congress, roster: Roster, dry_run: bool = False,
               all_or_nothing: bool = False, progress: ProgressFn | None = None,
               filename: str = "", job_id: int | None = None) -> dict[str, Any]:
    """Check every row, then (unless dry_run, or all_or_nothing with errors) write the good ones in one
    transaction. Returns {created, updated, unchanged, mandates_created, rows, errors, written, dry_run}."""
    rows = clean_rows(roster, progress)
    lk = load_lookups(congress)
    for row in rows:
        resolve(row, lk)     # also for rows already in error: the clerk sees all that is wrong with a row at once
    mark_duplicates(rows)
    if progress:
        progress("matching", len(rows), len(rows))
    plan = writing.make_plan(actor, rows, lk)
    errors = sorted(group_errors(rows), key=lambda e: e["row"])
    created = len(plan.new_people)
    updated = len(plan.touched - set(plan.new_people))
    result = {
        "created": created, "updated": updated, "unchanged": len(plan.people) - created - updated,
        "mandates_created": len(plan.new_mandates), "rows": len(rows),
        "error_rows": len({e["row"] for e in errors}), "errors": errors,
        "dry_run": dry_run, "all_or_nothing": all_or_nothing, "written": False,
    }
    if dry_run or (all_or_nothing and errors):
        return result
    if progress:
        progress("writing", len(rows), len(rows))
    try:
        with transaction.atomic():
            writing.write_plan(plan)
            audit.record(actor=actor, action="roster.import", obj=congress,
                         object_repr=f"{congress} · 名册导入 {filename}"[:200],
                         after={k: result[k] for k in ("created", "updated", "unchanged", "mandates_created", "rows",
                                                       "error_rows")}
                         | {"job": job_id, "file": filename} | writing.audit_summary(plan))
    except IntegrityError:
        # Someone registered one of these people (or gave them a mandate) while this file was being checked.
        raise Invalid("名册中的部分人员刚被他人同时登记，本次未写入任何数据，请重新导入",
                      code="import_conflict") from None
    result["written"] = True
    return result


def _check_scope(actor: Any, congress: Congress) -> None:
    if actor is None:
        return  # the system itself (a command or a job started by one)
    path = scope.scope_path(actor)
    if not path or not congress.region.path.startswith(path):
        raise NotFound()


def submit(*, actor: Any, congress: Congress, data: bytes, filename: str = "", dry_run: bool = False,
           all_or_nothing: bool = False) -> ImportJob:
    """Check the file can be read (else one clear error), then run it in-line or queue it as a job."""
    _check_scope(actor, congress)
    roster = read_roster(data)
    if congress.current_term() is None:
        raise Invalid(f"{congress.name}尚未设立本届，无法导入代表名册", code="no_current_term")
    job = ImportJob.objects.create(
        congress=congress, created_by=actor if getattr(actor, "pk", None) else None, filename=filename[:200],
        dry_run=dry_run, all_or_nothing=all_or_nothing, total_rows=roster.estimated_rows)
    if roster.estimated_rows <= inline_max_rows():
        _execute(job, roster, actor)
        return job
    job.payload = base64.b64encode(data).decode("ascii")
    job.save(update_fields=["payload"])
    from renda.deputies.tasks import run_roster_import

    transaction.on_commit(lambda: run_roster_import.enqueue(job_id=job.pk))
    return job


def _execute(job: ImportJob, roster: Roster, actor: Any) -> None:
    """Run the import for its job row; a failure is recorded on the job, in Chinese, and raised again."""
    def progress(stage: str, done: int, total: int) -> None:
        job.stage, job.processed_rows, job.total_rows = stage, done, max(total, done)
        ImportJob.objects.filter(pk=job.pk).update(stage=stage, processed_rows=done, total_rows=job.total_rows)

    job.status, job.started_at = ImportJobStatus.RUNNING, timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(status=job.status, started_at=job.started_at)
    try:
        result = run_import(actor=actor, congress=job.congress, roster=roster, dry_run=job.dry_run,
                            all_or_nothing=job.all_or_nothing, progress=progress, filename=job.filename,
                            job_id=job.pk)
    except Exception as exc:
        _fail(job, exc)
        raise
    job.status, job.stage, job.result, job.payload = ImportJobStatus.DONE, "done", result, ""
    job.processed_rows = job.total_rows = result["rows"]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "stage", "result", "payload", "processed_rows", "total_rows", "finished_at"])


def _fail(job: ImportJob, exc: Exception) -> None:
    message = exc.message if isinstance(exc, Invalid) else "导入过程中出现系统错误，未写入任何数据，请联系管理员"
    job.status, job.error_message, job.payload = ImportJobStatus.FAILED, message[:500], ""
    job.finished_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(status=job.status, error_message=job.error_message, payload="",
                                               finished_at=job.finished_at)


def run_job(job_id: int) -> dict[str, Any]:
    """Run a queued import (the background task). A failure is recorded on the job for the clerk to read; an
    unexpected one is raised again so the task backend logs it too."""
    job = ImportJob.objects.select_related("congress__region", "created_by").get(pk=job_id)
    if job.status != ImportJobStatus.PENDING:
        return job.result
    try:
        roster = read_roster(base64.b64decode(job.payload))
        _execute(job, roster, job.created_by)
    except Invalid as exc:
        if job.status != ImportJobStatus.FAILED:
            _fail(job, exc)
        return {}
    except Exception as exc:
        if job.status != ImportJobStatus.FAILED:
            _fail(job, exc)
        logger.exception("roster import job %s failed", job_id)
        raise
    return job.result
