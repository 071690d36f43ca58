from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from renda.core import scope
from renda.organizations.models import Body, BodyMember, Congress, HandlingUnit, MemberPost, Region, Term


def regions_visible(*, user: Any) -> QuerySet[Region]:
    return scope.within(Region.objects.all(), user, path_field="path")


def congresses_visible(*, user: Any) -> QuerySet[Congress]:
    qs = Congress.objects.select_related("region").prefetch_related(
        Prefetch("terms", queryset=Term.objects.filter(is_current=True), to_attr="current_terms"))
    return scope.within(qs, user)


def units_visible(*, user: Any) -> QuerySet[HandlingUnit]:
    return scope.within(HandlingUnit.objects.select_related("region"), user)


def bodies_visible(*, user: Any) -> QuerySet[Body]:
    """Bodies in the user's region and below, each with its sitting members (`current_members`, chair first)."""
    by_post = Case(*[When(post=p, then=Value(i)) for i, p in enumerate(MemberPost.values)],
                   output_field=IntegerField())
    sitting = BodyMember.objects.filter(until__isnull=True).select_related("person").order_by(by_post, "id")
    qs = Body.objects.select_related("region", "congress", "term").prefetch_related(
        Prefetch("members", queryset=sitting, to_attr="current_members"))
    return scope.within(qs, user)


def access_region_by_id(*, user: Any, region_id: int) -> Region:
    return scope.get_or_404(regions_visible(user=user), pk=region_id)


def access_congress_by_id(*, user: Any, congress_id: int) -> Congress:
    return scope.get_or_404(congresses_visible(user=user), pk=congress_id)


def congress_for_region(region: Region) -> Congress | None:
    """The congress that governs a region: its own, or the nearest ancestor's (a street → the county)."""
    ids = region.ancestor_ids()
    found = {c.region_id: c for c in Congress.objects.filter(region_id__in=ids).select_related("region")}
    for rid in reversed(ids):
        if rid in found:
            return found[rid]
    return None
