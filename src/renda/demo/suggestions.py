"""The year's deputy suggestions and bills: about sixty of the county congress and twenty of 青山镇's, at least
one in every state of the suggestion workflow (suggestions/workflow.py), each driven there by the services.

Each entry of COUNTY and HOME_ITEMS is (life, channel, marks). The life names the path through the state table
(lives.py); marks pin what a visitor should find: `transport` (handled by 县交通运输局, the `unit` login), `deputy`
(led by the `deputy` login), `cosign_deputy` / `invite_deputy` (the deputy co-signed / is asked to), `key` (key
supervised), `publish` (the reply is published), `D`/`C` (that result class).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from renda.deputies.models import Person
from renda.organizations.models import Congress, HandlingUnit, Region

from . import topics as tx
from .lives import A, R, S, script
from .scripts import Ev
from .story import HOME, STORY_END, Story

COUNTY: list[tuple[str, str, tuple[str, ...]]] = [
    ("linked", R, ("transport", "bus")), ("bill_agenda", S, ()), ("bill_suggestion", S, ()),
    ("closed", S, ("key", "publish")), ("closed", S, ("transport", "publish")), ("closed", S, ("deputy",)),
    ("closed", S, ("cosign_deputy",)), ("closed", S, ()), ("closed", S, ("publish",)), ("closed", S, ("D",)),
    ("closed", S, ()), ("closed", S, ("transport",)), ("closed", S, ()), ("closed", S, ()), ("closed", S, ("D",)),
    ("closed", S, ()), ("closed_follow_up", S, ("transport",)), ("closed_follow_up", S, ()),
    ("closed_rehandling", S, ()), ("closed_late", S, ("transport",)), ("closed_misrouted", S, ()),
    ("follow_up", S, ("key",)), ("follow_up", S, ("cosign_deputy",)), ("follow_up", S, ("C",)),
    ("follow_up", S, ()), ("overdue_extended", S, ("key", "transport")), ("primary", S, ()), ("member", S, ()),
    ("member", S, ()), ("returned", S, ()), ("resubmitted", S, ()), ("withdrawn", S, ()),
    ("replied", R, ("A",)), ("replied", R, ("deputy", "transport", "B")),
    ("replied", R, ("C",)), ("replied", R, ("D",)), ("evaluated", R, ()), ("evaluated", R, ()),
    ("rehandling", R, ("transport",)), ("handling", R, ("transport",)), ("handling", R, ("co_transport",)),
    ("handling", R, ()), ("assigned", R, ("transport",)), ("assigned", R, ()), ("accepted", R, ()),
    ("submitted", R, ()), ("submitted", R, ()), ("draft", R, ("deputy",)), ("draft", R, ("invite_deputy",)),
    ("returned", R, ()), ("withdrawn_draft", R, ()), ("closed", R, ()), ("closed", R, ()), ("closed", R, ()),
    ("overdue", R, ()), ("closed", A, ()), ("follow_up", A, ()), ("evaluated", A, ()), ("replied", A, ("A",)),
]
HOME_ITEMS: list[tuple[str, str, tuple[str, ...]]] = [
    ("bill_agenda", S, ()), ("closed", S, ("transport",)), ("closed", S, ()), ("closed", S, ("publish",)),
    ("closed_follow_up", S, ()), ("closed_rehandling", S, ()), ("follow_up", S, ()), ("closed", S, ()),
    ("handling", R, ("deputy",)), ("submitted", R, ("deputy",)), ("replied", R, ("A",)),
    ("replied", R, ("transport", "C")), ("assigned", R, ("transport",)), ("accepted", R, ()), ("returned", R, ()),
    ("draft", R, ()), ("closed", R, ()), ("evaluated", R, ()), ("rehandling", R, ()), ("overdue", R, ()),
]

# Suggestions a clerk cannot admit (DOMAIN.md §3), with the reason a clerk would give.
NOT_ADMISSIBLE = [
    ("民生事业", "关于协调解决本人亲属工伤赔偿问题的建议",
     "本人亲属在外地务工期间受伤，用人单位至今未足额赔偿，请县人大出面协调，督促对方尽快赔偿。", "personal"),
    ("农业农村", "关于处理{village}两户村民宅基地纠纷的建议",
     "{village}两户村民因宅基地边界发生纠纷多年，双方多次到镇、县反映未果，请人大督促有关部门尽快处理。", "petition"),
    ("营商环境", "关于督促市里加快审批高速公路连接线项目的建议",
     "高速公路{town}连接线项目需由市级部门审批，进展缓慢，建议县人大督促市级部门加快审批。", "jurisdiction"),
]
VAGUE = "建议有关部门重视并加强这方面的工作。"


@dataclass(eq=False)
class Item:
    key: str
    congress: Congress
    staff: Any
    life: str
    channel: str
    marks: tuple[str, ...]
    kind: str
    category: str
    title: str
    content: str
    action: str
    lead: Person
    town: Region
    lead_unit: HandlingUnit
    co_units: list[HandlingUnit]
    topic: tx.Topic
    cosigners: list[Person] = field(default_factory=list)
    confirming: list[Person] = field(default_factory=list)
    return_reason: str = ""
    members: list[Item] = field(default_factory=list, repr=False)
    primary: Item | None = field(default=None, repr=False)
    wrong_unit: HandlingUnit | None = None
    obj: Any = None
    events: list[Ev] = field(default_factory=list, repr=False)


class Drafting:
    """Who writes what: topics drawn without repeating a title, leads and co-signers of the congress."""

    def __init__(self, story: Story, congress: Congress, pool: list[tx.Topic], prefix: str,
                 inadmissible: list[int]) -> None:
        self.story, self.congress, self.prefix = story, congress, prefix
        self.inadmissible = list(inadmissible)  # which of NOT_ADMISSIBLE, in turn
        self.rng = story.rng
        self.area = story.district_area(congress)
        everyone = story.deputies(congress)
        self.writers = [p for p in everyone if not _holds_office(p)]
        self.everyone = everyone
        self.pool = list(pool)
        self.titles: set[str] = set()
        self.count = 0

    def lead(self, marks: tuple[str, ...]) -> Person:
        if "deputy" in marks:
            return self.story.deputy
        if "invite_deputy" in marks or "bus" in marks:  # a fellow deputy of 青山镇
            return self.rng.choice([p for p in self.writers if self.area[p.pk].name == HOME
                                    and p.pk != self.story.deputy.pk])
        return self.rng.choice(self.writers)

    def fill(self, lead: Person) -> dict[str, str]:
        return {"town": self.area[lead.pk].name, "village": lead.region.name if lead.region else "",
                "crop": self.rng.choice(["茶叶", "油茶", "蔬菜", "中药材", "食用菌", "水果"])}

    def topic(self, lead: Person, marks: tuple[str, ...]) -> tuple[tx.Topic, dict[str, str]]:
        fill = self.fill(lead)
        want = "transport" in marks
        for _ in range(200):
            candidates = [t for t in self.pool if t.transport == want] or self.pool
            if "bus" in marks:
                candidates = [t for t in self.pool if "公交" in t.title or "客运班车" in t.title]
            topic = self.rng.choice(candidates)
            title = topic.title.format(**fill)
            if title not in self.titles:
                self.titles.add(title)
                return topic, fill
        raise RuntimeError("demo plan: no topic left")

    def item(self, life: str, channel: str, marks: tuple[str, ...], kind: str = "suggestion",
             topic: tx.Topic | None = None) -> Item:
        lead = self.lead(marks)
        if topic is None:
            topic, fill = self.topic(lead, marks)
        else:
            fill = self.fill(lead)
        units = self.story.cast.units
        self.count += 1
        item = Item(
            key=f"{self.prefix}{self.count}", congress=self.congress, staff=self.story.cast.staff_for(self.congress),
            life=life, channel=channel, marks=marks, kind=kind, category=topic.category,
            title=topic.title.format(**fill), content=topic.content.format(**fill), action=topic.action.format(**fill),
            lead=lead, town=self.area[lead.pk], lead_unit=units[topic.unit],
            co_units=[units[u] for u in topic.co_units], topic=topic)
        if "co_transport" in marks and tx.TRANSPORT not in [u.name for u in item.co_units]:
            item.co_units.append(units[tx.TRANSPORT])
        self._signers(item, marks)
        return item

    def _signers(self, item: Item, marks: tuple[str, ...]) -> None:
        others = [p for p in self.everyone if p.pk not in (item.lead.pk, self.story.deputy.pk)]
        if item.kind == "bill":
            needed = 10 if self.congress.pk == self.story.county.pk else 5
            item.cosigners = self.rng.sample(others, needed + self.rng.randint(0, 3))
            item.confirming = list(item.cosigners)
            return
        near = [p for p in others if self.area[p.pk].pk == item.town.pk] or others
        item.cosigners = self.rng.sample(near, min(len(near), self.rng.choice((0, 0, 1, 1, 2, 3))))
        item.confirming = [p for p in item.cosigners if self.rng.random() < 0.8]
        if "cosign_deputy" in marks or "invite_deputy" in marks:
            item.cosigners.append(self.story.deputy)
            if "cosign_deputy" in marks:
                item.confirming.append(self.story.deputy)

    def similar(self, topic: tx.Topic, life: str, channel: str, marks: tuple[str, ...]) -> Item:
        """A suggestion on `topic` from a deputy of a township that has none on it yet."""
        for _ in range(100):
            item = self.item(life, channel, marks, topic=topic)
            if item.title not in self.titles:
                self.titles.add(item.title)
                return item
            self.count -= 1
        raise RuntimeError("demo plan: no deputy left for a similar suggestion")

    def not_admissible(self, channel: str) -> Item:
        category, title, content, reason = NOT_ADMISSIBLE[self.inadmissible.pop(0)]
        item = self.item("returned", channel, (), topic=tx.Topic(category, title, content, "县发改局", ""))
        self.titles.add(item.title)
        item.return_reason = reason
        return item


def _holds_office(person: Person) -> bool:
    """Leaders of the government, courts and procuratorate do not write suggestions to their own offices."""
    post = person.organization_post or ""
    return any(w in post for w in ("人民政府", "人民法院", "人民检察院", "监察委员会", "镇长", "乡长"))


def plan(story: Story) -> None:
    from . import suggestion_steps as steps

    county = Drafting(story, story.county, tx.COUNTY_TOPICS, "c", [0, 2])
    home = Drafting(story, story.area(HOME).congress, tx.TOWNSHIP_TOPICS, "t", [1])
    items = _items(story, county, COUNTY, tx.COUNTY_BILLS) + _items(story, home, HOME_ITEMS, [tx.TOWNSHIP_BILL])
    for item in items:
        item.events = script(story, item)
        last = item.events[-1].when.date()
        if last > STORY_END:
            raise RuntimeError(f"demo plan: {item.key} {item.life} ends on {last}, after the story")
        for ev in item.events:
            story.add(ev.when, partial(steps.run, story, item, ev), f"suggestion {item.key} ({item.life}): {ev.event}")
    story.objects["suggestion_items"] = items
    story.objects["activity_items"] = [i for i in items if i.channel == A]
    steps.assignment_meeting(story, [i for i in items if "key" in i.marks])


def _items(story: Story, drafting: Drafting, table: list[tuple[str, str, tuple[str, ...]]],
           bills: list[tx.Topic]) -> list[Item]:
    out: list[Item] = []
    bills = list(bills)
    primary: Item | None = None
    for life, channel, marks in table:
        if life.startswith("bill"):
            item = drafting.item(life, channel, marks, kind="bill", topic=bills.pop(0))
        elif life == "returned":
            item = drafting.not_admissible(channel)
        elif life == "primary":
            item = primary = drafting.similar(drafting.rng.choice(
                [t for t in drafting.pool if "{town}" in t.title and not t.transport]), life, channel, marks)
        elif life == "member" and primary is not None:
            item = drafting.similar(primary.topic, life, channel, marks)  # the same matter from another township
            item.primary = primary
            primary.members.append(item)
        else:
            item = drafting.item(life, channel, marks)
        if life == "closed_misrouted":
            item.wrong_unit = story.cast.units["县住建局" if item.lead_unit.name != "县住建局" else "县水利局"]
        out.append(item)
    return out
