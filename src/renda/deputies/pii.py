"""Personal data of a person: masked everywhere by default, revealed only to roles allowed to, each reveal
audited in the same transaction as the read it answers."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from renda.core import audit
from renda.core.errors import Forbidden
from renda.core.masking import mask_id_number, mask_phone
from renda.core.roles import REVEAL_ROLES
from renda.deputies.models import Person


def can_reveal(user: Any) -> bool:
    return getattr(user, "role", None) in REVEAL_ROLES


def masked(person: Person) -> dict[str, str]:
    return {"id_number": mask_id_number(person.id_number), "phone": mask_phone(person.phone)}


@transaction.atomic
def person_reveal(*, actor: Any, person: Person, fields: tuple[str, ...] = ("id_number", "phone")) -> dict[str, str]:
    """The plain values of `fields`; the caller has already passed the scope gate for `person`."""
    if not can_reveal(actor):
        raise Forbidden("您的角色无权查看完整的个人信息")
    allowed = [f for f in fields if f in ("id_number", "phone")]
    values = {f: getattr(person, f) for f in allowed}
    audit.record(actor=actor, action="person.reveal", obj=person, after={"fields": allowed})
    return values
