"""The ledgers of the years before the platform (2022–2025): on the first working day of 2026 the county's clerk
imports the county congress's 台账 of past suggestions, and 青山镇's clerk their own, through the import page's
service (insights.archive) — the way a congress that starts using the platform brings its history. They give the
text engine enough labelled history to propose handling units in the demo, and staff see them among similar
cases with what was done. The 2022 ledger was kept by the clerk before, who wrote some units by other names (the
full name, or the name before the reorganisation): the import finds them by the units' 曾用名、简称.

Drawn from a generator of its own (seeded from the demo's seed), so the rest of the story is the same with or
without them."""

from __future__ import annotations

import io
import random
from datetime import date
from functools import partial
from typing import Any

from openpyxl import Workbook

from renda.insights import archive
from renda.organizations.models import unit_names

from . import topics as tx
from .clock import at
from .org import UNIT_OTHER_NAMES
from .story import HOME, Story

YEARS = (2022, 2023, 2024, 2025)
PER_YEAR = {"county": 45, "township": 16}
HEADER = ["编号", "年度", "标题", "内容", "领域分类", "主办单位", "答复内容"]
IMPORT_DAY = date(2026, 1, 5)  # the first working day of the year
CROPS = ["茶叶", "油茶", "蔬菜", "中药材", "食用菌", "水果"]
GRADES = "AAAABBCD"
OTHER_NAMES_UNTIL = 2022  # the years whose ledger names units by their other names


def ledger(rng: random.Random, pool: list[tx.Topic], per_year: int, towns: list[Any], prefix: str) -> bytes:
    """An .xlsx 台账: per year, up to `per_year` suggestions on the pool's topics in the townships (a topic about
    no particular place is written once; others once per place), with their replies."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    written: set[tuple[str, str]] = set()
    for year in YEARS:
        n = 0
        for _ in range(per_year * 5):
            if n == per_year:
                break
            topic = rng.choice(pool)
            town = rng.choice(towns)
            fill = {"town": town.name, "village": rng.choice(town.villages).name if town.villages else town.name,
                    "crop": rng.choice(CROPS)}
            title, content = topic.title.format(**fill), topic.content.format(**fill)
            if (title, content) in written:
                continue
            written.add((title, content))
            n += 1
            reply = (rng.choice(tx.REPLY_OPENINGS).format(title=title)
                     + tx.REPLIES[rng.choice(GRADES)].format(action=topic.action.format(**fill),
                                                            category=topic.category))
            unit = topic.unit
            if year <= OTHER_NAMES_UNTIL and unit in UNIT_OTHER_NAMES:
                unit = unit_names(unit, UNIT_OTHER_NAMES[unit])[1]  # its first other name
            sheet.append([f"{prefix}{year}{n:03d}", year, title, content, topic.category, unit, reply])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(actor: Any, congress: Any, data: bytes, file_name: str) -> None:
    result = archive.archive_import(actor=actor, congress=congress, kind="suggestion", data=data,
                                    file_name=file_name)
    if result.errors:  # the demo's own ledger must be clean: a refused row is a bug in the demo
        raise RuntimeError(f"demo archive {file_name}: {result.errors[:3]}")


def plan(story: Story, rng: random.Random) -> None:
    townships = story.org.townships
    home = story.area(HOME)
    county = ledger(rng, tx.COUNTY_TOPICS, PER_YEAR["county"], townships, "县")
    township = ledger(rng, tx.TOWNSHIP_TOPICS, PER_YEAR["township"], [home], "青")
    story.add(at(IMPORT_DAY, 9, 30), partial(_import, story.cast.county, story.county, county,
                                             f"{story.county.name}2022—2025年代表建议台账.xlsx"), "archive: county")
    assert home.congress is not None
    story.add(at(IMPORT_DAY, 10, 0), partial(_import, story.cast.township, home.congress, township,
                                             f"{home.name}2022—2025年代表建议台账.xlsx"), "archive: 青山镇")
