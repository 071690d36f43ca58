"""Mandates (代表资格): create, change district or election date, and end one through the state table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from renda.core import audit, scope
from renda.deputies import workflow
from renda.deputies.models import (
    DeputyGroup,
    ElectoralDistrict,
    GroupMembership,
    Mandate,
    Person,
    ProfessionalGroup,
    ProfessionalMembership,
)
from renda.deputies.services.groups import is_group_member
from renda.deputies.validation import FieldInvalid
from renda.organizations.models import Congress, Term

MANDATE_FIELDS = ("person", "congress", "term", "district", "elected_on", "status", "status_date", "status_reason")
_UNSET: Any = object()


def check_district(district: ElectoralDistrict | None, congress: Congress) -> None:
    if district is not None and district.congress_id != congress.pk:
        raise FieldInvalid("district", "district_other_congress",
                           f"选区“{district.name}”不是{congress.name}的选区")


@transaction.atomic
def mandate_create(*, actor: Any, person: Person, congress: Congress, term: Term | None = None,
                   district: ElectoralDistrict | None = None, elected_on: dt.date | None = None) -> Mandate:
    term = term or congress.current_term()
    if term is None:
        raise FieldInvalid("term", "no_current_term", f"{congress.name}尚未设立本届，无法登记代表")
    if term.congress_id != congress.pk:
        raise FieldInvalid("term", "term_other_congress", f"“{term}”不是{congress.name}的届次")
    check_district(district, congress)
    if Mandate.objects.filter(person=person, term=term).exists():
        raise FieldInvalid("person", "mandate_exists", f"{person.name}已是{term}代表")
    mandate = Mandate(person=person, congress=congress, term=term, district=district,
                      elected_on=elected_on or term.election_date)
    mandate.full_clean(validate_constraints=False)
    mandate.save()
    audit.record(actor=actor, action="mandate.create", obj=mandate, after=audit.snapshot(mandate, MANDATE_FIELDS))
    return mandate


@transaction.atomic
def mandate_update(*, actor: Any, mandate: Mandate, version: int | None,
                   district: ElectoralDistrict | None = _UNSET, elected_on: dt.date | None = _UNSET) -> Mandate:
    mandate = Mandate.objects.select_for_update().select_related("congress").get(pk=mandate.pk)
    scope.check_version(mandate, version)
    before = audit.snapshot(mandate, ("district", "elected_on"))
    if district is not _UNSET:
        check_district(district, mandate.congress)
        mandate.district = district
    if elected_on is not _UNSET:
        mandate.elected_on = elected_on
    after = audit.snapshot(mandate, ("district", "elected_on"))
    if after == before:
        return mandate
    mandate.version += 1
    mandate.full_clean(validate_constraints=False)
    mandate.save()
    audit.record(actor=actor, action="mandate.update", obj=mandate, before=before, after=after)
    return mandate


@transaction.atomic
def mandate_change_status(*, actor: Any, mandate: Mandate, status: str, date: dt.date | None, reason: str,
                          version: int | None = None) -> Mandate:
    """End a mandate (辞职、罢免、终止、去世、调离) by the state table of workflow.py, with its date and reason.

    The deputy leaves their groups on that date; a group they led is left without a leader (and says so in the
    audit log) until staff name a new one."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    scope.check_version(mandate, version)
    workflow.next_status(mandate.status, status)
    reason = (reason or "").strip()
    if date is None:
        raise FieldInvalid("status_date", "status_date_required", "请填写状态变更日期")
    if date > timezone.localdate():
        raise FieldInvalid("status_date", "status_date_future", "状态变更日期不能晚于今天")
    if mandate.elected_on and date < mandate.elected_on:
        raise FieldInvalid("status_date", "status_date_before_election", "状态变更日期不能早于当选日期")
    if not reason:
        raise FieldInvalid("status_reason", "status_reason_required", "请填写状态变更原因")
    before = audit.snapshot(mandate, ("status", "status_date", "status_reason"))
    mandate.status, mandate.status_date, mandate.status_reason = status, date, reason
    mandate.version += 1
    mandate.full_clean(validate_constraints=False)
    mandate.save()
    _leave_groups(actor=actor, mandate=mandate, on=date)
    audit.record(actor=actor, action=f"mandate.{workflow.EVENT_FOR_STATUS[status]}", obj=mandate, before=before,
                 after=audit.snapshot(mandate, ("status", "status_date", "status_reason")))
    return mandate


def _leave_groups(*, actor: Any, mandate: Mandate, on: dt.date) -> None:
    group_ids = list(GroupMembership.objects.filter(mandate=mandate, left_on__isnull=True)
                     .values_list("group_id", flat=True))
    GroupMembership.objects.filter(mandate=mandate, left_on__isnull=True).update(left_on=on)
    ProfessionalMembership.objects.filter(mandate=mandate, left_on__isnull=True).update(left_on=on)
    for group in DeputyGroup.objects.select_for_update().filter(pk__in=group_ids, leader_id=mandate.person_id):
        if not is_group_member(group, mandate.person_id):
            group.leader = None
            group.version += 1
            group.save(update_fields=["leader", "version", "updated_at"])
            audit.record(actor=actor, action="group.leader_vacant", obj=group,
                         before={"leader": mandate.person_id}, after={"leader": None})
    for pgroup in ProfessionalGroup.objects.select_for_update().filter(leader_id=mandate.person_id):
        if not pgroup.memberships.filter(mandate__person_id=mandate.person_id, left_on__isnull=True).exists():
            pgroup.leader = None
            pgroup.version += 1
            pgroup.save(update_fields=["leader", "version", "updated_at"])
            audit.record(actor=actor, action="professional_group.leader_vacant", obj=pgroup,
                         before={"leader": mandate.person_id}, after={"leader": None})
