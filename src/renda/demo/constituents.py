"""The constituents' opinions on their way through the opinion workflow (liaison/workflow.py), each step some working
days after the last and taken by whoever takes it (the clerk, the unit it was transferred to, the constituent on the
portal); the county's deliberation activity and 青山镇's voter meeting; and the tracking codes printed for visitors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from renda.liaison.models import Opinion, OpinionStatus
from renda.liaison.services import activities, opinions
from renda.organizations.models import Region

from .clock import at
from .story import HOME, STORY_END, Story

if TYPE_CHECKING:
    from .liaison import Case, Post


class _Chain:
    """Steps of one opinion, each some working days after the last; nothing after the story's end."""

    def __init__(self, story: Story, start: datetime) -> None:
        self.story, self.last, self.open = story, start, True

    def then(self, lo: int, hi: int, run: Any) -> bool:
        day = self.story.days.after(self.last.date(), self.story.rng.randint(lo, hi)) if hi else self.last.date()
        when = self.story.moment(day, 9, 16)
        if when <= self.last:
            when = self.last + timedelta(minutes=20)
        if not self.open or when.date() >= STORY_END:
            self.open = False
            return False
        self.story.add(when, run)
        self.last = when
        return True


def handle(story: Story, case: Case) -> None:
    rng, staff, fate = story.rng, case.post.staff, case.fate
    unit = story.cast.units.get(case.matter.unit) if case.matter.unit else None
    chain = _Chain(story, case.received)
    if fate == "received":
        return
    if fate == "duplicate":  # merged into the earlier opinion before that one is answered
        primary = case.primary
        assert primary is not None
        chain.then(0, 1, lambda: opinions.opinion_merge(actor=staff, opinion=case.obj, into=primary.obj))
        return
    if fate == "rejected":
        chain.then(1, 2, lambda: opinions.opinion_reject(actor=staff, opinion=case.obj, reason="litigation"))
        return
    if fate == "spot":
        chain.then(0, 0, lambda: opinions.opinion_reply(actor=staff, opinion=case.obj, text=case.matter.reply))
        chain.then(2, 8, lambda: opinions.opinion_evaluate(opinion=case.obj, satisfaction="satisfied"))
        return
    chain.then(1, 3, lambda: opinions.opinion_accept(actor=staff, opinion=case.obj, category=case.matter.category))
    if fate in ("bus", "accepted"):
        return
    if unit is not None:
        chain.then(0, 2, lambda: opinions.opinion_assign(actor=staff, opinion=case.obj, unit=unit,
                                                         note="请于答复期限前直接答复群众"))
    if fate in ("assigned", "overdue"):
        return
    replier = story.cast.for_unit(unit) if unit is not None else staff
    chain.then(4, 15, lambda: opinions.opinion_reply(actor=replier, opinion=case.obj, text=case.matter.reply))
    if case.matter.summary and rng.random() < 0.5 and fate in ("closed", "silent", "replied"):
        summary = case.matter.summary.format(village=case.village.name, crop="农产品")
        chain.then(2, 4, lambda: opinions.opinion_publish(actor=staff, opinion=case.obj, summary=summary))
    if fate == "silent":
        chain.then(12, 16, lambda: opinions.opinion_close(actor=staff, opinion=case.obj))
    elif fate == "closed":
        judged = "satisfied" if rng.random() < 0.7 else "basically_satisfied"
        if case.channel in ("phone", "letter"):  # not online: the clerk calls back (回访) and records what they say
            chain.then(2, 10, lambda: opinions.opinion_record_judgment(actor=staff, opinion=case.obj,
                                                                       satisfaction=judged, via="phone"))
        else:
            chain.then(2, 10, lambda: opinions.opinion_evaluate(opinion=case.obj, satisfaction=judged))
    elif fate in ("reopened", "reopened_open"):
        chain.then(2, 8, lambda: opinions.opinion_evaluate(opinion=case.obj, satisfaction="unsatisfied",
                                                            comment="问题还没有彻底解决，希望再想想办法。"))
        if fate == "reopened_open":
            return
        if unit is not None:
            chain.then(1, 2, lambda: opinions.opinion_assign(actor=staff, opinion=case.obj, unit=unit,
                                                             note="群众不满意，请重新办理"))
        again = f"根据您的意见重新办理：{case.matter.reply}工作人员已上门回访。"
        chain.then(5, 12, lambda: opinions.opinion_reply(actor=replier, opinion=case.obj, text=again))
        chain.then(2, 6, lambda: opinions.opinion_record_judgment(  # asked on the visit the reply speaks of
            actor=staff, opinion=case.obj, satisfaction="basically_satisfied", via="visit"))


# --- a deliberation activity and a voter meeting ------------------------------------------------------------------

def activities_of_the_year(story: Story, posts: list[Post]) -> None:
    county, staff = story.county, story.cast.county
    chosen = [p for p in posts if p.kind == "central" and p.area.name in ("城关街道", "东城街道", HOME)]
    county_people = {p.pk for p in story.deputies(county)}
    deputies = [p for post in chosen for p in post.people if p.pk in county_people][:: 6][:8]
    ref: dict[str, Any] = {}

    def create() -> None:
        ref["a"] = activities.activity_create(
            actor=staff, congress=county, kind="deliberation", topic="优化营商环境、服务企业发展",
            meeting_date=date(2026, 6, 18), place=f"{chosen[0].name}议事厅", stations=[p.obj for p in chosen],
            deputies=deputies, description="围绕企业开办、涉企检查、融资服务等问题，代表走访企业和群众，"
                                           "在联络站集中议政，形成代表建议。")

    story.add(at(date(2026, 4, 20), 10), create)
    story.add(at(date(2026, 4, 22), 10), lambda: activities.activity_notify(actor=staff, activity=ref["a"]))
    story.add(at(date(2026, 4, 24), 10), lambda: activities.activity_publish(actor=staff, activity=ref["a"]))
    matters = ["个体工商户办理食品经营许可证要跑好几个部门，希望进一步简化。",
               "园区企业招工难，希望政府组织专场招聘会。"]

    def hold() -> None:
        activities.activity_hold(actor=staff, activity=ref["a"], participants=46, matters=matters,
                                 summary="8名县人大代表与企业负责人、个体工商户和群众代表面对面议政，收集意见建议12条，"
                                         "代表现场形成建议3件。")
        for o in Opinion.objects.filter(activity=ref["a"]).order_by("pk"):
            opinions.opinion_accept(actor=staff, opinion=o, category="营商环境")

    story.add(at(date(2026, 6, 18), 16, 30), hold)

    def answer() -> None:
        for o in Opinion.objects.filter(activity=ref["a"], status=OpinionStatus.ACCEPTED).order_by("pk"):
            opinions.opinion_reply(actor=staff, opinion=o, text="您在代表议政活动中反映的意见已由代表整理为代表建议，"
                                                                "交有关部门办理，办理结果将在平台公开。")

    story.add(at(date(2026, 6, 29), 15), answer)
    story.add(at(date(2026, 6, 30), 10), lambda: activities.activity_hand_over(
        actor=staff, activity=ref["a"], suggestions=[i.obj for i in story.objects["activity_items"]]))
    home = next(p for p in posts if p.area.name == HOME and p.kind == "central")
    home_deputies = [*[p for p in home.people if p.pk != story.deputy.pk][:5], story.deputy]

    def voter_meeting() -> None:
        a = activities.activity_create(
            actor=story.cast.township, congress=home.area.congress, kind="voter_meeting",
            topic="代表向选民述职暨与选民见面会", meeting_date=date(2026, 12, 16), place=f"{home.name}",
            stations=[home.obj], deputies=home_deputies,
            description="镇人大代表向原选区选民报告履职情况，听取选民意见建议。欢迎选民参加。")
        activities.activity_notify(actor=story.cast.township, activity=a)
        ref["voter"] = a

    story.add(at(date(2026, 11, 2), 10), voter_meeting)
    story.add(at(date(2026, 11, 5), 10), lambda: activities.activity_publish(actor=story.cast.township,
                                                                              activity=ref["voter"]))


def judge_bus_answer(story: Story) -> None:
    """A week after the answer reaches them, the first of the bus opinions' constituents judges it on the portal."""
    cases = story.objects.get("bus_cases") or []
    if cases and story.timeline.now is not None:
        story.add(story.timeline.now + timedelta(days=6), lambda: opinions.opinion_evaluate(
            opinion=cases[0].obj, satisfaction="satisfied", comment="公交开通了，感谢代表和有关部门！"))


def portal_codes(county: Region) -> list[tuple[str, str]]:
    """Two tracking codes a visitor can try on /portal/: an answer that came through a deputy suggestion (to be
    judged, with the constituent's phone that judging asks for: the demo's people are made up), and an opinion
    transferred to a unit."""
    from renda.liaison.services.public import asks_phone

    qs = Opinion.objects.filter(region__path__startswith=county.path).order_by("pk")
    picks = [("经代表建议办理后的答复，可评价", qs.filter(status=OpinionStatus.REPLIED, suggestion__isnull=False)),
             ("已转承办单位办理", qs.filter(status=OpinionStatus.ASSIGNED)),
             ("已答复，可评价", qs.filter(status=OpinionStatus.REPLIED))]
    out: list[tuple[str, str]] = []
    for label, found in picks:
        found = found.exclude(tracking_code__in=[c for _, c in out])
        # one whose constituent left a phone, where there is one: the visitor then meets what judging asks
        opinion = found.exclude(phone_hash="").first() or found.first()
        if opinion is not None and len(out) < 2:
            if label.endswith("可评价") and asks_phone(opinion):  # the constituent's proof, for the visitor
                label += f"，评价时填联系电话 {opinion.constituent_phone}"
            out.append((label, opinion.tracking_code))
    return out

