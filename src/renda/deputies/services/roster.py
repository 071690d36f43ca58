"""Roster import (名册导入): the service the pages and the API call; the work is in importer/."""

from __future__ import annotations

from typing import Any

from renda.deputies.models import ImportJob
from renda.organizations.models import Congress


def roster_import(*, actor: Any, congress: Congress, data: bytes, filename: str = "", dry_run: bool = False,
                  all_or_nothing: bool = False) -> ImportJob:
    """Import a roster (.xlsx) into `congress`'s current term; see importer/ for what is read and how.

    Small files run in-line and come back finished; larger ones (importer.inline_max_rows()) are queued as a
    background task once this transaction commits, and the job reports its progress."""
    from renda.deputies import importer

    return importer.submit(actor=actor, congress=congress, data=data, filename=filename, dry_run=dry_run,
                           all_or_nothing=all_or_nothing)
