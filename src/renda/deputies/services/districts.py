"""Electoral districts (选区) of a congress and the villages they cover."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from renda.core import audit
from renda.deputies import validation
from renda.deputies.models import ElectoralDistrict
from renda.deputies.validation import FieldInvalid
from renda.organizations.models import Congress, Region, RegionLevel


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
