"""Roster import (代表名册导入): the .xlsx files counties really keep, read into people and mandates.

What is read
- The first sheet with a recognisable header. The header is the row (among the first ten) that names the most
  known columns; title rows and merged header cells above or below it are fine (a column named only in the row
  above, or a sub-header like 手机 under a merged 联系方式, is picked up). Columns may come in any order and
  under the usual names (HEADER_ALIASES). 姓名 and 身份证号 are required; a row with neither is skipped (notes,
  totals).
- Values are cleaned as validation.py does: full-width digits and letters, stray spaces, dates as Excel dates or
  text (1975.03, 1975-3-8, 1975年3月), an ID number stored as a number (its last digits are lost: reported).

What is written
- A person is matched by ID number (its keyed hash): re-importing a file updates and never duplicates. A row
  whose ID belongs to a person with another name, or to a person the importer may not see, is refused
  (id_number_taken) rather than silently renaming someone. Empty cells never erase what is on record.
- Each row gives a mandate in the current term of the congress named by 代表层级 (empty: the importing congress;
  县/乡镇/市 or 本级/上级: the importing congress or one above it). 选区 must be a district of that congress
  (district_unknown / district_other_congress); 代表小组 must be an existing deputy group of the area
  (group_unknown: a typo must not create a group, groups are set up by staff). An existing mandate's status is
  never changed by an import: that is the status workflow's job.
- Errors: one entry per bad field, {row (the Excel line), field, code, message}; a row with an error is not
  written. dry_run writes nothing; all_or_nothing writes nothing if any row is bad; otherwise the good rows are
  written in one transaction.

Speed (10,000 rows in under 20 s): the rows are checked in memory against lookups fetched once (existing people
by hash, districts, groups, mandates, memberships), then written with bulk_create and executemany updates. The
audit log gets ONE entry per import (action roster.import, on the congress): the counts, the ids of the people
created, and for each person changed the fields before → after, masked as the services mask them. One entry per
person was measured first and cost ~5 ms each (the chain head is locked and updated per entry): 50 s for 10,000
rows on its own.
Measured on 10,000 rows, 2 cores shared with a load of ~8 (so wall time is inflated; CPU time is what an idle
machine needs): SQLite first import 12.4 s wall / 6.8 s CPU, re-import with every phone changed 13.9 s / 7.1 s;
PostgreSQL 18.1 s / 10.1 s and 20.7 s / 7.5 s. Reading the sheet with openpyxl is the largest part (~3 s CPU);
updates go out as one executemany (bulk_update's CASE WHEN took over a minute).

The package, by concern: columns.py (the names of the columns and the words in the cells), workbook.py (opening
the file and finding the header), rows.py (cleaning each row), matching.py (rows against the registry), writing.py
(the plan, its writing and its audit entry), jobs.py (one import start to end, in-line or as a background job).
"""

from renda.deputies.importer.columns import (
    ALIAS_TO_FIELD,
    EDUCATION_PATTERNS,
    HEADER_ALIASES,
    HEADER_SCAN_ROWS,
    LEVEL_WORDS,
    OCCUPATION_WORDS,
    PARTY_WORDS,
    REQUIRED_COLUMNS,
    TEXT_LIMITS,
    norm_header,
)
from renda.deputies.importer.jobs import inline_max_rows, run_import, run_job, submit
from renda.deputies.importer.matching import Lookups, existing_people, load_lookups, mark_duplicates, resolve
from renda.deputies.importer.rows import ProgressFn, Row, clean_row, clean_rows, group_errors
from renda.deputies.importer.workbook import ImportFileError, Roster, read_roster
from renda.deputies.importer.writing import PERSON_DEFAULTS, Plan, audit_summary, make_plan, write_plan

__all__ = [
    "ALIAS_TO_FIELD", "EDUCATION_PATTERNS", "HEADER_ALIASES", "HEADER_SCAN_ROWS", "LEVEL_WORDS", "OCCUPATION_WORDS",
    "PARTY_WORDS", "PERSON_DEFAULTS", "REQUIRED_COLUMNS", "TEXT_LIMITS", "ImportFileError", "Lookups", "Plan",
    "ProgressFn", "Roster", "Row", "audit_summary", "clean_row", "clean_rows", "existing_people", "group_errors",
    "inline_max_rows", "load_lookups", "make_plan", "mark_duplicates", "norm_header", "read_roster", "resolve",
    "run_import", "run_job", "submit", "write_plan",
]
