"""Deputy groups (混合编组: deputies of every level elected in one area, with a leader who is one of them) and
professional groups (专业组, across the deputy groups of a congress)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from renda.core import audit, scope
from renda.core.errors import NotFound
from renda.deputies import validation
from renda.deputies.models import (
    DeputyGroup,
    GroupMembership,
    Mandate,
    MandateStatus,
    Person,
    ProfessionalGroup,
    ProfessionalMembership,
)
from renda.deputies.validation import FieldInvalid
from renda.organizations.models import Congress, Region


def is_group_member(group: DeputyGroup, person_id: int) -> bool:
    return group.memberships.filter(mandate__person_id=person_id, left_on__isnull=True).exists()


def check_group_member(group: DeputyGroup, mandate: Mandate) -> None:
    """A deputy of any level may join the group of the area they were elected in: the mandate's congress must
    cover the group's area (a county deputy in a township group, not a deputy of the next township), and so must
    their district, if they have one."""
    if mandate.status != MandateStatus.ACTIVE:
        raise FieldInvalid("mandate", "mandate_not_active", f"{mandate.person.name}的代表资格已终止，不能编入小组")
    region = group.region
    if not region.is_within(mandate.congress.region):
        raise FieldInvalid("group", "group_outside_area",
                           f"{mandate.person.name}是{mandate.congress.name}代表，不能编入{region.name}的代表小组")
    district = mandate.district
    if district is not None and not (region.is_within(district.region) or district.region.is_within(region)):
        raise FieldInvalid("group", "group_outside_area",
                           f"{mandate.person.name}的选区“{district.name}”不在{region.name}，不能编入该小组")


def _group_view(group: DeputyGroup) -> dict[str, Any]:
    members = sorted(group.memberships.filter(left_on__isnull=True).values_list("mandate_id", flat=True))
    return {"name": group.name, "region": group.region_id, "leader": group.leader_id, "members": members}


def _join_group(group: DeputyGroup, mandate: Mandate, on: dt.date | None) -> None:
    check_group_member(group, mandate)
    current = GroupMembership.objects.filter(mandate=mandate, left_on__isnull=True).select_related("group").first()
    if current is not None:
        if current.group_id == group.pk:
            return
        raise FieldInvalid("mandate", "already_in_group",
                           f"{mandate.person.name}已在“{current.group.name}”小组，请先移出")
    GroupMembership.objects.create(group=group, mandate=mandate, joined_on=on or timezone.localdate())


def _check_leader(group: DeputyGroup, leader: Any) -> None:
    if leader is not None and not is_group_member(group, leader.pk):
        raise FieldInvalid("leader", "leader_not_member", f"{leader.name}不是本小组成员，不能担任组长")


@transaction.atomic
def group_create(*, actor: Any, name: str, region: Region, members: Iterable[Mandate] = (),
                 leader: Person | None = None, joined_on: dt.date | None = None) -> DeputyGroup:
    group = DeputyGroup(name=validation.clean_text(name), region=region)
    if DeputyGroup.objects.filter(region=region, name=group.name).exists():
        raise FieldInvalid("name", "group_name_taken", f"{region.name}已有名为“{group.name}”的代表小组")
    group.full_clean(validate_constraints=False)
    group.save()
    for mandate in members:
        _join_group(group, mandate, joined_on)
    _check_leader(group, leader)
    if leader is not None:
        group.leader = leader
        group.save(update_fields=["leader"])
    audit.record(actor=actor, action="group.create", obj=group, after=_group_view(group))
    return group


@transaction.atomic
def group_add_member(*, actor: Any, group: DeputyGroup, mandate: Mandate, joined_on: dt.date | None = None) -> None:
    group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    before = _group_view(group)
    _join_group(group, mandate, joined_on)
    audit.record(actor=actor, action="group.add_member", obj=group, before=before, after=_group_view(group))


@transaction.atomic
def group_remove_member(*, actor: Any, group: DeputyGroup, mandate: Mandate, left_on: dt.date | None = None) -> None:
    group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    membership = group.memberships.filter(mandate=mandate, left_on__isnull=True).first()
    if membership is None:
        raise NotFound("该代表不在本小组")
    if group.leader_id == mandate.person_id and not (
            group.memberships.filter(mandate__person_id=mandate.person_id, left_on__isnull=True)
            .exclude(pk=membership.pk).exists()):
        raise FieldInvalid("leader", "leader_must_stay", "组长不能移出小组，请先更换组长")
    before = _group_view(group)
    membership.left_on = left_on or timezone.localdate()
    membership.save(update_fields=["left_on"])
    audit.record(actor=actor, action="group.remove_member", obj=group, before=before, after=_group_view(group))


@transaction.atomic
def group_set_leader(*, actor: Any, group: DeputyGroup, leader: Person | None,
                     version: int | None = None) -> DeputyGroup:
    group = DeputyGroup.objects.select_for_update().get(pk=group.pk)
    scope.check_version(group, version)
    _check_leader(group, leader)
    before = {"leader": group.leader_id}
    group.leader = leader
    group.version += 1
    group.save(update_fields=["leader", "version", "updated_at"])
    audit.record(actor=actor, action="group.set_leader", obj=group, before=before, after={"leader": group.leader_id})
    return group


def check_professional_member(pgroup: ProfessionalGroup, mandate: Mandate) -> None:
    if mandate.status != MandateStatus.ACTIVE:
        raise FieldInvalid("mandate", "mandate_not_active", f"{mandate.person.name}的代表资格已终止，不能加入专业组")
    if not mandate.congress.region.is_within(pgroup.congress.region):
        raise FieldInvalid("mandate", "member_outside_area",
                           f"{mandate.person.name}不是{pgroup.congress.name}或其下级人大的代表")


@transaction.atomic
def professional_group_create(*, actor: Any, congress: Congress, name: str, members: Iterable[Mandate] = (),
                              leader: Person | None = None) -> ProfessionalGroup:
    pgroup = ProfessionalGroup(congress=congress, name=validation.clean_text(name))
    if ProfessionalGroup.objects.filter(congress=congress, name=pgroup.name).exists():
        raise FieldInvalid("name", "group_name_taken", f"{congress.name}已有名为“{pgroup.name}”的专业组")
    pgroup.full_clean(validate_constraints=False)
    pgroup.save()
    for mandate in members:
        professional_group_add_member(actor=None, pgroup=pgroup, mandate=mandate, audited=False)
    if leader is not None:
        if not pgroup.memberships.filter(mandate__person=leader, left_on__isnull=True).exists():
            raise FieldInvalid("leader", "leader_not_member", f"{leader.name}不是本专业组成员，不能担任组长")
        pgroup.leader = leader
        pgroup.save(update_fields=["leader"])
    members_after = sorted(pgroup.memberships.values_list("mandate_id", flat=True))
    audit.record(actor=actor, action="professional_group.create", obj=pgroup,
                 after={"congress": congress.pk, "name": pgroup.name, "leader": pgroup.leader_id,
                        "members": members_after})
    return pgroup


@transaction.atomic
def professional_group_add_member(*, actor: Any, pgroup: ProfessionalGroup, mandate: Mandate,
                                  joined_on: dt.date | None = None, audited: bool = True) -> None:
    check_professional_member(pgroup, mandate)
    if pgroup.memberships.filter(mandate=mandate, left_on__isnull=True).exists():
        return
    ProfessionalMembership.objects.create(group=pgroup, mandate=mandate, joined_on=joined_on or timezone.localdate())
    if audited:
        audit.record(actor=actor, action="professional_group.add_member", obj=pgroup, after={"mandate": mandate.pk})
