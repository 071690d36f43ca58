"""/api/v1/deputies (API.md): the registry of deputies, their mandates and status, roster import and export, and
the composition statistics. Personal data is masked unless revealed; scope as the deputies selectors say.

Errors: 404 outside the caller's scope (never "exists"); 403 for a role that may not, or a record the caller sees
but does not keep (a township clerk sees the county deputies elected in the township, the county keeps them);
409 stale_version / invalid_transition; 422 with the field for bad input.

By concern: common.py (the router, the shapes of a deputy, the list's filters), transfer.py (roster import and
export), stats.py (composition), registry.py (the list and each deputy). The static paths (/deputies/import,
/deputies/export, /deputies/stats) are registered before /deputies/{person_id}, which would swallow them.
"""

# isort: off
# The order registers the operations: the static paths first (see above).
from renda.deputies.api import transfer, stats  # noqa: F401
from renda.deputies.api import registry  # noqa: F401
# isort: on
from renda.deputies.api.common import (
    MAX_IMPORT_BYTES,
    READERS,
    STAFF,
    WRITE_RESPONSES,
    DeputyDetailOut,
    DeputyOut,
    ListFilters,
    MandateOut,
    deputy_out,
    mandate_out,
    own_congress,
    person_status,
    router,
)
from renda.deputies.api.registry import mandate_status_change, person_change
from renda.deputies.api.stats import composition_out, stats_context
from renda.deputies.api.transfer import import_job_out

# The operation ids the one-module API had (renda_deputies_api_<function>), kept when it became a package.
for _view in router.path_operations.values():
    for _operation in _view.operations:
        _operation.operation_id = _operation.operation_id or f"renda_deputies_api_{_operation.view_func.__name__}"

__all__ = [
    "MAX_IMPORT_BYTES", "READERS", "STAFF", "WRITE_RESPONSES", "DeputyDetailOut", "DeputyOut", "ListFilters",
    "MandateOut", "composition_out", "deputy_out", "import_job_out", "mandate_out", "mandate_status_change",
    "own_congress", "person_change", "person_status", "router", "stats_context",
]
