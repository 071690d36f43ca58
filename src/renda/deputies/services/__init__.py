"""Every write to the deputies registry: people, mandates and their status, electoral districts, deputy groups,
professional groups, roster imports. Each service is atomic, runs the model's full_clean, and ends with its audit
entry (before → after, with ID numbers and phones masked: the audit log is read by auditors, not by staff).

By concern: people.py, mandates.py (and their status workflow), districts.py, groups.py (deputy and professional
groups), roster.py (the import's entry point; the import itself is importer/)."""

from renda.deputies.services.districts import district_create, district_set_villages
from renda.deputies.services.groups import (
    check_group_member,
    check_professional_member,
    group_add_member,
    group_create,
    group_remove_member,
    group_set_leader,
    is_group_member,
    professional_group_add_member,
    professional_group_create,
)
from renda.deputies.services.mandates import (
    MANDATE_FIELDS,
    check_district,
    mandate_change_status,
    mandate_create,
    mandate_update,
)
from renda.deputies.services.people import (
    PERSON_FIELDS,
    SURNAME_INITIALS,
    name_initials,
    person_audit_view,
    person_create,
    person_update,
)
from renda.deputies.services.roster import roster_import

__all__ = [
    "MANDATE_FIELDS", "PERSON_FIELDS", "SURNAME_INITIALS", "check_district", "check_group_member",
    "check_professional_member", "district_create", "district_set_villages", "group_add_member", "group_create",
    "group_remove_member", "group_set_leader", "is_group_member", "mandate_change_status", "mandate_create",
    "mandate_update", "name_initials", "person_audit_view", "person_create", "person_update",
    "professional_group_add_member", "professional_group_create", "roster_import",
]
