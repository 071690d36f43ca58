"""People: register and change a person's data (ID number and phone validated, sealed and hashed)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from pypinyin import Style, lazy_pinyin

from renda.core import audit, crypto, masking, scope
from renda.core.errors import Invalid
from renda.deputies import validation
from renda.deputies.models import Party, Person
from renda.deputies.validation import FieldInvalid
from renda.organizations.models import Region

PERSON_FIELDS = ("name", "gender", "ethnicity", "birth_date", "party", "education", "occupation",
                 "organization_post", "id_number", "phone", "address", "region")


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
