"""Every write to the deputies registry: people, mandates and their status, electoral districts, deputy groups,
professional groups, roster imports. Each service is atomic, runs the model's full_clean, and ends with its audit
entry (before → after, with ID numbers and phones masked: the audit log is read by auditors, not by staff)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from renda.core import audit, crypto, masking, scope
from renda.core.errors import Invalid, NotFound
from renda.deputies import validation, workflow
from renda.deputies.models import (
    DeputyGroup,
    ElectoralDistrict,
    GroupMembership,
    ImportJob,
    Mandate,
    MandateStatus,
    Party,
    Person,
    ProfessionalGroup,
    ProfessionalMembership,
)
from renda.deputies.validation import FieldInvalid
from renda.organizations.models import Congress, Region, RegionLevel, Term

PERSON_FIELDS = ("name", "gender", "ethnicity", "birth_date", "party", "education", "occupation",
                 "organization_post", "id_number", "phone", "address", "region")
_UNSET: Any = object()


# --- people ---------------------------------------------------------------------------------------------------
# Surnames read otherwise than the character's common reading (曾 zēng, not céng).
SURNAME_INITIALS = {"曾": "z", "单": "s", "解": "x", "仇": "q", "区": "o", "查": "z", "朴": "p", "盖": "g",
                    "乐": "y", "覃": "q", "尉": "y", "翟": "z", "缪": "m", "种": "c", "繁": "p", "员": "y",
                    "秘": "b", "召": "s", "冼": "x", "长": "c", "重": "c", "燕": "y", "宿": "s", "沈": "s"}


@functools.lru_cache(maxsize=8192)
def _initial(char: str) -> str:
    letters = lazy_pinyin(char, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(ch for ch in "".join(letters).lower() if "a" <= ch <= "z")


def name_initials(name: str) -> str:
    """张三丰 → zsf: pinyin first letters, so a clerk finds a deputy by typing zsf. Character by character
    (cached: an import of 10,000 names meets a few hundred characters), the surname by its surname reading."""
    if not name:
        return ""
    first = SURNAME_INITIALS.get(name[0]) or _initial(name[0])
    return (first + "".join(_initial(ch) for ch in name[1:]))[:50]


def person_audit_view(person: Person, fields: Iterable[str] = PERSON_FIELDS) -> dict[str, Any]:
    """The person's fields for before → after, with the ID number and phone masked."""
    data = audit.snapshot(person, [f for f in fields if f not in ("id_number", "phone")])
    if "id_number" in fields:
        data["id_number"] = masking.mask_id_number(person.id_number)
    if "phone" in fields:
        data["phone"] = masking.mask_phone(person.phone)
    return data


def _id_taken() -> FieldInvalid:
    return FieldInvalid("id_number", "id_number_taken", "该身份证号已登记在另一人名下，请核对")


def _clean_person(person: Person, *, raw_id: Any, raw_phone: Any, raw_gender: Any, raw_birth: Any) -> None:
    """Normalise ID and phone, make gender and birth date agree with the ID, and set the search columns."""
    if raw_id not in (None, ""):
        person.id_number = validation.validate_id_number(raw_id)
        person.gender = validation.check_gender(person.id_number, raw_gender)
        person.birth_date = validation.check_birth_date(person.id_number, raw_birth)
    else:
        person.id_number = ""
        gender = validation.GENDER_WORDS.get(str(raw_gender or "").strip().lower())
        if gender is None:
            raise FieldInvalid("gender", "gender_invalid", "性别应为“男”或“女”")
        person.gender = gender
        person.birth_date = validation.parse_date(raw_birth, field="birth_date")
    person.phone = validation.validate_mobile(raw_phone)
    person.ethnicity = validation.clean_ethnicity(person.ethnicity) or "汉族"
    person.name = validation.clean_name(person.name)
    if not person.name:
        raise FieldInvalid("name", "name_required", "姓名不能为空")
    person.name_initials = name_initials(person.name)
    person.id_number_hash = crypto.keyed_hash(person.id_number) if person.id_number else ""
    person.phone_hash = crypto.keyed_hash(person.phone) if person.phone else ""
    if person.id_number_hash and (Person.objects.filter(id_number_hash=person.id_number_hash)
                                  .exclude(pk=person.pk).exists()):
        raise _id_taken()


def _save_person(person: Person) -> None:
    person.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Another request registered the same ID between our check and our insert.
        raise _id_taken() from None


@transaction.atomic
def person_create(*, actor: Any, region: Region, name: str, gender: str = "", id_number: Any = "",
                  phone: Any = "", birth_date: Any = None, ethnicity: str = "汉族", party: str = Party.NONE,
                  education: str = "", occupation: str = "other", organization_post: str = "",
                  address: str = "") -> Person:
    person = Person(region=region, name=name, ethnicity=ethnicity, party=party, education=education,
                    occupation=occupation, organization_post=organization_post, address=address)
    _clean_person(person, raw_id=id_number, raw_phone=phone, raw_gender=gender, raw_birth=birth_date)
    _save_person(person)
    audit.record(actor=actor, action="person.create", obj=person, after=person_audit_view(person))
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, version: int | None, **changes: Any) -> Person:
    """Change some of a person's fields; a stale `version` is refused (409), never merged."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise Invalid(f"不能修改字段：{'、'.join(sorted(unknown))}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    scope.check_version(person, version)
    before = person_audit_view(person)
    raw = {"raw_id": person.id_number, "raw_phone": person.phone, "raw_gender": person.gender,
           "raw_birth": person.birth_date}
    for field, value in changes.items():
        if field in ("id_number", "phone", "gender", "birth_date"):
            raw[{"id_number": "raw_id", "phone": "raw_phone", "gender": "raw_gender",
                 "birth_date": "raw_birth"}[field]] = value
        else:
            setattr(person, field, value)
    if "id_number" in changes and "birth_date" not in changes:
        raw["raw_birth"] = None  # a corrected ID brings its own birth date
    if "id_number" in changes and "gender" not in changes:
        raw["raw_gender"] = None
    _clean_person(person, **raw)
    after = person_audit_view(person)
    if after == before:
        return person
    person.version += 1
    _save_person(person)
    changed = [k for k in after if after[k] != before[k]]
    audit.record(actor=actor, action="person.update", obj=person,
                 before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return person


# --- mandates -------------------------------------------------------------------------------------------------
MANDATE_FIELDS = ("person", "congress", "term", "district", "elected_on", "status", "status_date", "status_reason")


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
        if not _is_group_member(group, mandate.person_id):
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


# --- electoral districts --------------------------------------------------------------------------------------
def _check_villages(villages: Iterable[Region], region: Region) -> list[Region]:
    villages = list(villages)
    for village in villages:
        if village.level != RegionLevel.VILLAGE or not village.is_within(region):
            raise FieldInvalid("villages", "village_outside_district",
                               f"“{village.name}”不是{region.name}的村（居），不能划入该选区")
    return villages


@transaction.atomic
def district_create(*, actor: Any, congress: Congress, name: str, region: Region | None = None, seats: int = 1,
                    villages: Iterable[Region] = ()) -> ElectoralDistrict:
    region = region or congress.region
    if not region.is_within(congress.region):
        raise FieldInvalid("region", "district_outside_congress", f"选区所在区域须在{congress.region.name}之内")
    villages = _check_villages(villages, region)
    name = validation.clean_text(name)
    if ElectoralDistrict.objects.filter(congress=congress, name=name).exists():
        raise FieldInvalid("name", "district_name_taken", f"{congress.name}已有名为“{name}”的选区")
    district = ElectoralDistrict(congress=congress, name=name, region=region, seats=seats)
    district.full_clean(validate_constraints=False)
    district.save()
    district.villages.set(villages)
    audit.record(actor=actor, action="district.create", obj=district,
                 after=audit.snapshot(district, ("congress", "name", "region", "seats", "villages")))
    return district


@transaction.atomic
def district_set_villages(*, actor: Any, district: ElectoralDistrict, villages: Iterable[Region]) -> None:
    villages = _check_villages(villages, district.region)
    before = audit.snapshot(district, ("villages",))
    district.villages.set(villages)
    after = audit.snapshot(district, ("villages",))
    if after != before:
        audit.record(actor=actor, action="district.set_villages", obj=district, before=before, after=after)


# --- deputy groups (混合编组) and professional groups ------------------------------------------------------------
def _is_group_member(group: DeputyGroup, person_id: int) -> bool:
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
    if leader is not None and not _is_group_member(group, leader.pk):
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


# --- roster import --------------------------------------------------------------------------------------------
def roster_import(*, actor: Any, congress: Congress, data: bytes, filename: str = "", dry_run: bool = False,
                  all_or_nothing: bool = False) -> ImportJob:
    """Import a roster (.xlsx) into `congress`'s current term; see importer.py for what is read and how.

    Small files run in-line and come back finished; larger ones (importer.inline_max_rows()) are queued as a
    background task once this transaction commits, and the job reports its progress."""
    from renda.deputies import importer

    return importer.submit(actor=actor, congress=congress, data=data, filename=filename, dry_run=dry_run,
                           all_or_nothing=all_or_nothing)
