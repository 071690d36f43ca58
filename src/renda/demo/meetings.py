"""The year's sessions: the county congress's 第六次会议 (13–15 January: reports, an election with its oath, named and
secret votes, the bill on the agenda) and its 第七次会议, called by the standing committee after July's floods
(临时会议, one day), two sessions of 青山镇's congress (January, and 19–20 November, still sitting
when the story stops, its vote open for the `deputy` login), and each other township's sessions, so the county's
compliance view has townships that met twice and townships that still owe their second session.

Each meeting is a `Sitting`: prepared (agenda, documents, notice, leave), then signed into, started under the
quorum, run item by item with its votes (every ballot cast by the deputy's own account), and closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from renda.deputies.models import Mandate, Person
from renda.meetings import services
from renda.meetings.models import Candidate, CandidateStatus, Vote
from renda.organizations.models import Body, BodyKind, Congress, MemberPost

from . import names
from .clock import at
from .story import HOME, Story

SESSION_NUMBER = 10  # township terms began in October 2021, two sessions a year: 2026 holds the 10th and 11th
OTHER_TOWNSHIP_DAYS = [date(2026, 1, 8), date(2026, 1, 15), date(2026, 1, 27), date(2026, 2, 3), date(2026, 2, 26),
                       date(2026, 3, 4), date(2026, 3, 11), date(2026, 3, 18), date(2026, 3, 25)]
SECOND_SESSIONS = {"柳河镇": date(2026, 6, 24), "石桥镇": date(2026, 8, 19), "杏林镇": date(2026, 9, 16)}

COUNTY_REPORTS = [
    ("government_report", "听取和审议示范县人民政府工作报告", "示范县人民政府工作报告",
     "2025年，全县上下坚持稳中求进工作总基调，地区生产总值增长5.8%，一般公共预算收入增长4.6%，城乡居民人均可支配"
     "收入分别增长4.9%和6.7%。2026年，我们将着力推动产业转型升级，持续改善民生福祉，扎实推进乡村全面振兴。"),
    ("budget", "审查2025年国民经济和社会发展计划执行情况与2026年计划草案的报告、"
               "2025年预算执行情况与2026年预算草案的报告",
     "关于示范县2025年预算执行情况和2026年预算草案的报告",
     "2025年全县一般公共预算收入完成预算的101.2%，民生支出占一般公共预算支出的78.5%。2026年预算安排坚持量入为出，"
     "优先保障基本民生、工资和基层运转。"),
    ("standing_committee_report", "听取和审议示范县人民代表大会常务委员会工作报告", "示范县人大常委会工作报告",
     "过去一年，县人大常委会听取和审议专项工作报告14个，开展执法检查4次，办理代表建议196件，代表满意率达到96.4%。"),
    ("special_report", "听取和审议示范县人民法院工作报告、示范县人民检察院工作报告",
     "示范县人民法院、人民检察院工作报告",
     "县人民法院全年受理各类案件5312件，审结5208件；县人民检察院全年办理各类案件1986件，办理公益诉讼案件63件。"),
]
HOME_REPORTS = [
    ("government_report", "听取和审议镇人民政府工作报告", "{town}人民政府工作报告",
     "2025年，全镇完成农业总产值4.2亿元，新建通组公路18公里，改造农村危房26户。2026年将重点推进集镇提质、产业增收和"
     "人居环境整治。"),
    ("presidium_report", "听取和审议镇人大主席团工作报告", "{town}人大主席团工作报告",
     "一年来，镇人大主席团组织代表视察调研6次，开展代表接待日活动33次，督办代表建议28件，办结率100%。"),
    ("budget", "审查镇2025年财政预算执行情况和2026年财政预算草案的报告", "{town}2025年财政预算执行情况和2026年预算草案",
     "2025年全镇一般公共预算支出8260万元，2026年预算坚持“三保”优先，安排民生实事项目资金1150万元。"),
    ("livelihood_projects", "审议决定2026年民生实事项目", "{town}2026年民生实事项目（草案）",
     "经广泛征求代表和群众意见，拟定2026年民生实事项目8项：通组公路硬化、集镇排水改造、安全饮水巩固提升等。"),
]


@dataclass
class VotePlan:
    title: str
    item: int  # agenda item index
    secret: bool = False
    yes: float = 0.9
    leave_open: bool = False
    share_voting: float = 0.97


@dataclass
class ElectionPlan:
    office: str
    item: int
    candidates: list[str]
    support: list[float]  # share of ballots marking each candidate 赞成 (at most one per ballot)


@dataclass(eq=False)
class Sitting:
    congress: Congress
    staff: Any
    kind: str
    title: str
    place: str
    start: datetime
    prepared: datetime
    agenda: list[tuple[str, str]]  # (kind, title)
    members: list[Person]
    documents: list[tuple[int, str, str]] = field(default_factory=list)  # (item index, title, body)
    votes: list[VotePlan] = field(default_factory=list)
    elections: list[ElectionPlan] = field(default_factory=list)
    chair: Person | None = None
    body: Body | None = None
    session: str = ""  # key of the session in story.objects
    absent: list[Person] = field(default_factory=list)
    on_leave: list[Person] = field(default_factory=list)
    keep_open: bool = False  # the story stops while it sits
    obj: Any = None


def plan(story: Story) -> None:
    _county_session(story)
    _county_extraordinary_session(story)
    _home_sessions(story)
    sittings = []
    for area, day in zip([a for a in story.org.townships if a.name != HOME], OTHER_TOWNSHIP_DAYS, strict=True):
        sittings.append(_township_session(story, area, SESSION_NUMBER, day))
        if area.name in SECOND_SESSIONS:
            sittings.append(_township_session(story, area, SESSION_NUMBER + 1, SECOND_SESSIONS[area.name]))
    _paper_leave(story, next(s for s in sittings if s.absent))


def _paper_leave(story: Story, s: Sitting) -> None:
    """A deputy who missed a township session had asked the presidium for leave on paper beforehand; the clerk
    records it afterwards (补录请假), so the absence no longer counts towards admonition."""
    person = s.absent[0]
    first = s.start.date()

    def run() -> None:
        session = story.objects[s.session]
        services.absence_excuse_record(
            actor=s.staff, mandate=Mandate.objects.get(person=person, term=session.term), session=session,
            approved_by=f"{s.congress.region.name}人大主席团", approved_on=first - timedelta(days=2),
            reason="会前因外出务工向主席团书面请假，主席团同意；请假条原件已存档。")

    story.add(at(first + timedelta(days=9), 10), run)


def _session(story: Story, key: str, congress: Congress, staff: Any, number: int, title: str, first: date,
             last: date, *, kind: str = "regular", convened_by: str = "", basis: str = "") -> None:
    def run() -> None:
        story.objects[key] = services.session_create(actor=staff, congress=congress, number=number, title=title,
                                                     starts_on=first, ends_on=last, kind=kind,
                                                     convened_by=convened_by, basis=basis)

    story.add(at(first - timedelta(days=14), 10, 0), run)


def _chair(congress: Congress, kind: str) -> Person | None:
    member = Body.objects.filter(region=congress.region, kind=kind).first()
    if member is None:
        return None
    row = member.members.filter(post=MemberPost.CHAIR, until__isnull=True).select_related("person").first()
    return row.person if row else None


def _county_session(story: Story) -> None:
    c, staff = story.county, story.cast.county
    title = "示范县第十九届人民代表大会第六次会议"
    _session(story, "county_session", c, staff, 6, title, date(2026, 1, 13), date(2026, 1, 15))
    members = story.deputies(c)
    chair = _chair(c, BodyKind.STANDING_COMMITTEE)
    opening = Sitting(
        congress=c, staff=staff, kind="plenary", title=f"{title}第一次全体会议", place="示范县会议中心大礼堂",
        start=at(date(2026, 1, 13), 9), prepared=at(date(2026, 1, 6), 10), chair=chair, members=members,
        agenda=[(k, t) for k, t, _, _ in COUNTY_REPORTS], session="county_session",
        documents=[(i, d, b) for i, (_, _, d, b) in enumerate(COUNTY_REPORTS)])
    _absences(story, opening, leave=4, absent=0.03)
    candidates = [names.person_name(story.rng, "male"), names.person_name(story.rng, "female")]
    closing = Sitting(
        congress=c, staff=staff, kind="plenary", title=f"{title}第二次全体会议（闭幕会）", place="示范县会议中心大礼堂",
        start=at(date(2026, 1, 15), 9), prepared=at(date(2026, 1, 6), 10, 30), chair=chair, members=members,
        agenda=[("election", "补选示范县人民政府副县长"), ("decision", "表决关于示范县人民政府工作报告的决议"),
                ("special_report", "表决关于示范县人民法院工作报告、示范县人民检察院工作报告的决议"),
                ("bill", "表决关于将城乡供水一体化纳入县人民政府重点民生实事项目的决定")],
        session="county_session", on_leave=opening.on_leave,
        documents=[(1, "关于示范县人民政府工作报告的决议（草案）",
                    "大会同意县人民政府工作报告，同意报告提出的2026年工作安排。"),
                   (3, "关于将城乡供水一体化纳入县人民政府重点民生实事项目的决定（草案）",
                    "大会决定将城乡供水一体化列为2026年县人民政府重点民生实事项目，由县人民政府组织实施。")],
        elections=[ElectionPlan("示范县人民政府副县长", 0, candidates, [0.82, 0.12])],
        votes=[VotePlan("关于示范县人民政府工作报告的决议", 1, yes=0.93),
               VotePlan("关于示范县人民法院工作报告、示范县人民检察院工作报告的决议", 2, secret=True, yes=0.88),
               VotePlan("关于将城乡供水一体化纳入县人民政府重点民生实事项目的决定", 3, yes=0.95)])
    _absences(story, closing, leave=0, absent=0.02)
    for sitting in (opening, closing):
        _sit(story, sitting)


FLOOD_DAY = date(2026, 7, 16)


def _county_extraordinary_session(story: Story) -> None:
    """After July's floods the county standing committee decides to call the congress (临时召集) for one day, to hear
    the government's report and approve moving budget money to the rebuilding."""
    c, staff = story.county, story.cast.county
    title = "示范县第十九届人民代表大会第七次会议"
    _session(story, "county_extraordinary", c, staff, 7, title, FLOOD_DAY, FLOOD_DAY, kind="extraordinary",
             convened_by="standing_committee", basis="示范县人大常委会第三十一次会议决定（2026年7月2日）")
    sitting = Sitting(
        congress=c, staff=staff, kind="plenary", title=f"{title}全体会议", place="示范县会议中心大礼堂",
        start=at(FLOOD_DAY, 9), prepared=at(FLOOD_DAY - timedelta(days=8), 10), members=story.deputies(c),
        chair=_chair(c, BodyKind.STANDING_COMMITTEE), session="county_extraordinary",
        agenda=[("special_report", "听取和审议县人民政府关于“7·08”洪涝灾害救灾和灾后重建工作情况的报告"),
                ("decision", "表决关于批准调整2026年县级预算用于灾后重建的决议")],
        documents=[(0, "关于“7·08”洪涝灾害救灾和灾后重建工作情况的报告",
                    "7月8日以来，全县出现持续强降雨，12个村受灾，转移群众3260人，损毁农村公路41公里。县政府拟调整"
                    "县级预算4800万元，用于水毁道路、堤防和农房修复。")],
        votes=[VotePlan("关于批准调整2026年县级预算用于灾后重建的决议", 1, yes=0.95)])
    _absences(story, sitting, leave=3, absent=0)
    _sit(story, sitting)


def _home_sessions(story: Story) -> None:
    area = story.area(HOME)
    c, staff = area.congress, story.cast.township
    number = area.term.number
    chair = _chair(c, BodyKind.PRESIDIUM)
    members = story.deputies(c)
    reports = [(k, t.format(town=HOME), d.format(town=HOME), b) for k, t, d, b in HOME_REPORTS]
    for n, (first, last) in enumerate([(date(2026, 1, 20), date(2026, 1, 21)), (date(2026, 11, 19),
                                                                                 date(2026, 11, 20))]):
        key = f"home_session_{n}"
        title = f"{HOME}第{number}届人民代表大会第{SESSION_NUMBER + n}次会议"
        _session(story, key, c, staff, SESSION_NUMBER + n, title, first, last)
        place = f"{HOME}人民政府三楼会议室"
        if n == 0:
            presidium = Body.objects.get(region=c.region, kind=BodyKind.PRESIDIUM)
            _sit(story, Sitting(
                congress=c, staff=staff, kind="presidium", title=f"{title}主席团第一次会议", place=place,
                start=at(first, 17), prepared=at(first - timedelta(days=7), 10), chair=chair,
                members=[m.person for m in presidium.members.filter(until__isnull=True).select_related("person")],
                body=presidium, session=key,
                agenda=[("other", "通过大会议程和日程"), ("bill", "审议代表提出的议案，决定是否列入大会议程")]))
            opening = Sitting(
                congress=c, staff=staff, kind="plenary", title=f"{title}第一次全体会议", place=place,
                start=at(first, 9), prepared=at(first - timedelta(days=7), 10, 30), chair=chair, members=members,
                agenda=[(k, t) for k, t, _, _ in reports], session=key,
                documents=[(i, d, b) for i, (_, _, d, b) in enumerate(reports)])
            _absences(story, opening, leave=2, absent=0.04)
            closing = Sitting(
                congress=c, staff=staff, kind="plenary", title=f"{title}第二次全体会议", place=place, chair=chair,
                start=at(last, 9), prepared=at(first - timedelta(days=7), 11), members=members, session=key,
                agenda=[("election", f"补选{HOME}人民政府副镇长"), ("decision", "表决关于镇人民政府工作报告的决议"),
                        ("bill", "表决关于实施青山镇集镇道路“白改黑”工程的决议")],
                on_leave=opening.on_leave,
                elections=[ElectionPlan(f"{HOME}人民政府副镇长", 0, [names.person_name(story.rng, "female"),
                                                                names.person_name(story.rng, "male")], [0.78, 0.15])],
                votes=[VotePlan("关于镇人民政府工作报告的决议", 1, yes=0.92),
                       VotePlan("关于实施青山镇集镇道路“白改黑”工程的决议", 2, yes=0.9)])
        else:
            opening = Sitting(
                congress=c, staff=staff, kind="plenary", title=f"{title}第一次全体会议", place=place, chair=chair,
                start=at(first, 9), prepared=at(first - timedelta(days=10), 10), members=members, session=key,
                agenda=[("special_report", "听取和审议镇人民政府关于2026年民生实事项目完成情况的报告"),
                        ("special_report", "听取和审议镇人大主席团关于代表建议办理情况的报告")])
            _absences(story, opening, leave=1, absent=0.05)
            closing = Sitting(
                congress=c, staff=staff, kind="plenary", title=f"{title}第二次全体会议", place=place, chair=chair,
                start=at(last, 9), prepared=at(first - timedelta(days=10), 10, 30), members=members, session=key,
                agenda=[("livelihood_projects", "审议决定青山镇2027年民生实事项目")],
                documents=[(0, "青山镇2027年民生实事项目（草案）",
                            "拟定2027年民生实事项目6项：集镇停车场建设、通组公路安保设施、村级养老服务站等。")],
                votes=[VotePlan("关于青山镇2027年民生实事项目的决定", 0, yes=0.9, leave_open=True, share_voting=0.55)],
                keep_open=True, on_leave=opening.on_leave)
            # the `deputy` login has not signed in yet: on the phone page it signs in, then votes
            closing.absent = [story.deputy]
        if n == 0:
            _absences(story, closing, leave=0, absent=0.03)
        _sit(story, opening)
        _sit(story, closing)


def _township_session(story: Story, area: Any, number: int, first: date) -> Sitting:
    c = area.congress
    staff = story.cast.staff_for(c)
    last = story.days.after(first, 1)
    key = f"session_{c.pk}_{number}"
    title = f"{area.name}第{area.term.number}届人民代表大会第{number}次会议"
    _session(story, key, c, staff, number, title, first, last)
    reports = [(k, t.format(town=area.name), d.format(town=area.name), b) for k, t, d, b in HOME_REPORTS]
    if number > SESSION_NUMBER:
        reports = [("special_report", "听取和审议镇人民政府关于上半年民生实事项目推进情况的报告", "", ""),
                   ("special_report", "听取和审议主席团关于代表建议办理情况的报告", "", "")]
    sitting = Sitting(
        congress=c, staff=staff, kind="plenary", title=f"{title}第一次全体会议", place=f"{area.name}人民政府会议室",
        start=at(first, 9), prepared=at(first - timedelta(days=7), 10), chair=_chair(c, BodyKind.PRESIDIUM),
        members=story.deputies(c), agenda=[(k, t) for k, t, _, _ in reports], session=key,
        documents=[(i, d, b) for i, (_, _, d, b) in enumerate(reports) if d])
    _absences(story, sitting, leave=1, absent=0.05)
    _sit(story, sitting)
    return sitting


def _absences(story: Story, s: Sitting, *, leave: int, absent: float) -> None:
    others = [p for p in s.members if p.pk != story.deputy.pk]
    if leave:
        s.on_leave = story.rng.sample(others, leave)
    away = {p.pk for p in s.on_leave}
    s.absent = [p for p in others if p.pk not in away and story.rng.random() < absent]


# --- one meeting, step by step ----------------------------------------------------------------------------------

LEAVE_REASONS = ["因公出差，不能出席会议", "身体不适，正在住院治疗", "家中有急事需要处理", "参加市里组织的培训"]


def _sit(story: Story, s: Sitting) -> None:
    rng = story.rng
    story.add(s.prepared, lambda: _prepare(story, s))
    for i, person in enumerate(s.on_leave):
        asked = s.prepared + timedelta(days=1, hours=i)
        reason = LEAVE_REASONS[i % len(LEAVE_REASONS)]
        story.add(asked, lambda p=person, r=reason: services.leave_request_submit(
            actor=story.cast.of(p), meeting=s.obj, person=p, reason=r))
        story.add(asked + timedelta(hours=3), lambda p=person: services.leave_request_decide(
            actor=s.staff, leave=s.obj.leave_requests.get(person=p), approve=True, note="同意"))
    away = {p.pk for p in [*s.on_leave, *s.absent]}
    present = [p for p in s.members if p.pk not in away]
    for person in present:
        when = s.start - timedelta(seconds=rng.randint(90, 3300))
        by_self = rng.random() < 0.75
        story.add(when, lambda p=person, me=by_self: services.sign_in(
            actor=story.cast.of(p) if me else s.staff, meeting=s.obj, person=p, method="qr" if me else "staff"))
    story.add(s.start, lambda: services.meeting_start(actor=s.staff, meeting=s.obj))
    now = s.start + timedelta(minutes=5)
    for i, _ in enumerate(s.agenda):
        story.add(now, lambda i=i: _item(s, i, "open"))
        now += timedelta(minutes=3)
        for e in (e for e in s.elections if e.item == i):
            now = _election(story, s, e, present, now)
        for v in (v for v in s.votes if v.item == i):
            now = _vote(story, s, v, present, now)
        if s.keep_open and i == len(s.agenda) - 1:
            return
        now += timedelta(minutes=rng.randint(15, 40) if not (s.votes or s.elections) else 2)
        story.add(now, lambda i=i: _item(s, i, "close"))
    story.add(now + timedelta(minutes=10), lambda: services.meeting_close(actor=s.staff, meeting=s.obj))


def _prepare(story: Story, s: Sitting) -> None:
    session = story.objects.get(s.session) if s.session else None
    s.obj = services.meeting_create(actor=s.staff, congress=s.congress, kind=s.kind, title=s.title, place=s.place,
                                    starts_at=s.start, session=session, body=s.body, chair=s.chair)
    items = [services.agenda_item_add(actor=s.staff, meeting=s.obj, kind=k, title=t) for k, t in s.agenda]
    for i, title, body in s.documents:
        services.document_add(actor=s.staff, meeting=s.obj, title=title, body=body, agenda_item=items[i])
    services.notice_publish(actor=s.staff, meeting=s.obj, title=f"关于召开{s.title}的通知",
                            body=f"定于{s.start:%Y年%m月%d日%H:%M}在{s.place}召开{s.title}。请准时出席，因故不能出席的，"
                                 "请提前在平台上请假。会议材料已上传，请提前审阅。")


def _item(s: Sitting, i: int, event: str) -> None:
    item = s.obj.agenda_items.get(order=i + 1)
    services.agenda_item_move(actor=s.staff, item=item, event=event)


def _vote(story: Story, s: Sitting, v: VotePlan, present: list[Person], now: datetime) -> datetime:
    rng = story.rng
    ref: dict[str, Vote] = {}

    def create() -> None:
        item = s.obj.agenda_items.get(order=v.item + 1)
        vote = services.vote_create(actor=s.staff, meeting=s.obj, title=v.title, secret=v.secret, agenda_item=item)
        ref["vote"] = services.vote_open(actor=s.staff, vote=vote)

    story.add(now, create)
    voters = [p for p in present if p.pk == story.deputy.pk or rng.random() < v.share_voting]
    if v.leave_open:
        voters = [p for p in voters if p.pk != story.deputy.pk]
    for person in voters:
        r = rng.random()
        choice = "yes" if person.pk == story.deputy.pk or r < v.yes else ("no" if r < v.yes + 0.03 else "abstain")
        when = now + timedelta(seconds=rng.randint(20, 280))
        story.add(when, lambda p=person, c=choice: services.ballot_cast(
            actor=story.cast.of(p), vote=ref["vote"], person=p, choice=c))
    now += timedelta(minutes=5)
    if not v.leave_open:
        story.add(now, lambda: services.vote_close(actor=s.staff, vote=ref["vote"]))
    return now + timedelta(minutes=2)


def _election(story: Story, s: Sitting, e: ElectionPlan, present: list[Person], now: datetime) -> datetime:
    rng = story.rng
    ref: dict[str, Any] = {}

    def nominate() -> None:
        item = s.obj.agenda_items.get(order=e.item + 1)
        election = services.election_create(actor=s.staff, meeting=s.obj, office=e.office, office_kind="deputy_head",
                                            seats=1, agenda_item=item)
        for name in e.candidates:
            services.candidate_nominate(actor=s.staff, election=election, name=name, source="presidium")
        ref["election"] = election

    def open_round() -> None:
        vote = services.election_round_create(actor=s.staff, election=ref["election"])
        ref["vote"] = services.vote_open(actor=s.staff, vote=vote)
        ref["ids"] = [str(c.pk) for c in Candidate.objects.filter(election=ref["election"]).order_by("pk")]

    story.add(s.start - timedelta(hours=16), nominate)  # the presidium's nomination, the evening before
    story.add(now, open_round)
    for person in present:
        if rng.random() > 0.98:
            continue
        r, mark = rng.random(), None
        for k, share in enumerate(e.support):
            if r < share:
                mark = k
                break
            r -= share
        when = now + timedelta(seconds=rng.randint(30, 600))
        story.add(when, lambda p=person, k=mark: services.election_ballot_cast(
            actor=story.cast.of(p), vote=ref["vote"], person=p, write_ins=[],
            marks={cid: ("yes" if j == k else "no" if k is not None else "abstain")
                   for j, cid in enumerate(ref["ids"])}))
    now += timedelta(minutes=11)
    story.add(now, lambda: services.vote_close(actor=s.staff, vote=ref["vote"]))
    now += timedelta(minutes=5)

    def oath() -> None:
        for c in Candidate.objects.filter(election=ref["election"], status=CandidateStatus.ELECTED):
            services.oath_record(actor=s.staff, candidate=c, taken_on=now.date(), meeting=s.obj,
                                 note="当选后在全体会议上进行宪法宣誓")

    story.add(now, oath)
    return now + timedelta(minutes=5)

