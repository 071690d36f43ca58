"""Rules of law [law] for suggestions and bills: constants, enforced in code, tested at their boundary."""

from __future__ import annotations

from renda.organizations.models import RegionLevel

# 地方各级人民代表大会和地方各级人民政府组织法: 县级以上的地方各级人大代表十人以上联名，乡、民族乡、镇的
# 人大代表五人以上联名，可以向本级人民代表大会提出属于本级人大职权范围内的议案。
BILL_MIN_SIGNERS_TOWNSHIP = 5
BILL_MIN_SIGNERS_COUNTY_AND_ABOVE = 10


def bill_min_signers(level: str) -> int:
    """Deputies (lead + confirmed co-signers) a bill needs at a congress of this level."""
    return BILL_MIN_SIGNERS_TOWNSHIP if level == RegionLevel.TOWNSHIP else BILL_MIN_SIGNERS_COUNTY_AND_ABOVE
