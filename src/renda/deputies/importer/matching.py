"""Matching the cleaned rows against the registry: congress, term, district and group of each row, duplicate
IDs in the file, the people already registered."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from renda.core.roles import STAFF_ROLES
from renda.deputies.importer.rows import Row
from renda.deputies.models import DeputyGroup, ElectoralDistrict, Person
from renda.deputies.selectors import people_visible
from renda.deputies.validation import clean_text
from renda.organizations.models import Congress, Region, Term


@dataclass
class Lookups:
    congress: Congress
    chain: list[Congress]                                   # the importing congress, then those above it
    terms: dict[int, Term | None]
    districts: dict[int, dict[str, ElectoralDistrict]]       # congress id → name → district
    groups: dict[str, list[DeputyGroup]]


def load_lookups(congress: Congress) -> Lookups:
    ids = congress.region.ancestor_ids()
    chain = sorted(Congress.objects.filter(region_id__in=ids).select_related("region"),
                   key=lambda c: -c.region.depth)
    terms = {c.pk: None for c in chain} | {
        t.congress_id: t for t in Term.objects.filter(congress__in=chain, is_current=True)}
    districts: dict[int, dict[str, ElectoralDistrict]] = defaultdict(dict)
    for d in ElectoralDistrict.objects.filter(congress__in=chain).select_related("region"):
        districts[d.congress_id][clean_text(d.name)] = d
    groups: dict[str, list[DeputyGroup]] = defaultdict(list)
    for g in DeputyGroup.objects.filter(region__path__startswith=congress.region.path).select_related("region"):
        groups[clean_text(g.name)].append(g)
    return Lookups(congress=congress, chain=chain, terms=terms, districts=districts, groups=groups)


def _overlaps(a: Region, b: Region) -> bool:
    return a.path.startswith(b.path) or b.path.startswith(a.path)


def resolve(row: Row, lk: Lookups) -> None:
    """Which congress, term, district and group the row's mandate belongs to (or the row's errors)."""
    if row.level in ("", "self"):
        target: Congress | None = lk.congress
    elif row.level == "parent":
        target = lk.chain[1] if len(lk.chain) > 1 else None
    else:
        target = next((c for c in lk.chain if c.region.level == row.level), None)
    if target is None:
        if row.level:
            row.error("level", "level_invalid", f"代表层级不是{lk.congress.name}或其上级人大")
        return
    row.target, row.term = target, lk.terms.get(target.pk)
    if row.term is None:
        row.error("level", "no_current_term", f"{target.name}尚未设立本届，无法登记代表")
    if row.district:
        row.district_obj = lk.districts[target.pk].get(row.district)
        if row.district_obj is None:
            other = next((c for c in lk.chain if row.district in lk.districts[c.pk]), None)
            if other is not None:
                row.error("district", "district_other_congress",
                          f"选区“{row.district}”是{other.name}的选区，不是{target.name}的选区")
            else:
                row.error("district", "district_unknown", f"{target.name}没有名为“{row.district}”的选区")
        elif not _overlaps(row.district_obj.region, lk.congress.region):
            row.error("district", "district_outside_area", f"选区“{row.district}”不在{lk.congress.region.name}")
    if row.group:
        candidates = lk.groups.get(row.group, [])
        if not candidates:
            row.error("group", "group_unknown", f"没有名为“{row.group}”的代表小组，请先建立小组")
        elif len(candidates) > 1:
            row.error("group", "group_ambiguous",
                      f"有 {len(candidates)} 个名为“{row.group}”的代表小组，请在各乡镇分别导入")
        else:
            group = candidates[0]
            where = row.district_obj.region if row.district_obj else None
            if not group.region.is_within(target.region) or (where is not None and not _overlaps(where,
                                                                                              group.region)):
                row.error("group", "group_outside_area",
                          f"{target.name}代表不能编入{group.region.name}的“{group.name}”")
            row.group_obj = group


def mark_duplicates(rows: list[Row]) -> None:
    """One ID may appear on two rows only for two levels (a county deputy who is also a township deputy) and under
    the same name; otherwise every row that shares it is refused: which one is right is for the clerk to say."""
    by_id: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.id_number:
            by_id[row.id_number].append(row)
    for same in by_id.values():
        if len(same) < 2:
            continue
        names = {r.values.get("name") for r in same}
        for row in same:
            clash = [r.line for r in same if r is not row and (len(names) > 1 or r.target == row.target
                                                                or row.target is None or r.target is None)]
            if clash:
                row.error("id_number", "id_number_duplicate",
                          f"身份证号与第 {'、'.join(map(str, clash))} 行重复")


def chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def existing_people(actor: Any, hashes: list[str]) -> tuple[dict[str, Person], set[int]]:
    """People already registered under these ID hashes, and which of them the importer may see."""
    found: dict[str, Person] = {}
    visible: set[int] = set()
    staff = getattr(actor, "role", None) in STAFF_ROLES
    for chunk in chunks(hashes):
        for person in Person.objects.filter(id_number_hash__in=chunk):
            found[person.id_number_hash] = person
        if staff:
            visible.update(people_visible(user=actor).filter(id_number_hash__in=chunk).values_list("pk", flat=True))
    if not staff:
        visible = {p.pk for p in found.values()}
    return found, visible

