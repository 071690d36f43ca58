"""Background work of the deputies registry (Django's tasks API; the database backend in production)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def run_roster_import(job_id: int) -> dict[str, Any]:
    """A large roster import, queued by importer.submit once its job row is committed."""
    from renda.deputies import importer

    return importer.run_job(job_id)
