"""Playing one dated step of a suggestion's life: the public service of the event, called by the account that
takes it in the workflow (lead deputy, co-signer, clerk, lead unit, co-unit)."""

from __future__ import annotations

from datetime import date
from typing import Any

from renda.organizations.models import BodyKind, BodyMember, MemberPost
from renda.suggestions import services
from renda.suggestions.models import Reply, SupervisionCard
from renda.suggestions.services import publication, supervision

from . import topics as tx
from .clock import at
from .lives import ASSIGNMENT_DAY
from .scripts import Ev
from .story import Story
from .suggestions import VAGUE, Item

KEY_DEADLINE = date(2026, 6, 30)
PROGRESS = {
    "progress": "已制定办理工作方案，明确分管领导和责任股室，正在按计划推进，目前已完成前期调研和方案论证。",
    "supervision": "督办领导带队实地察看办理情况，听取承办单位汇报，要求倒排工期、按时办结并及时向代表反馈。",
    "feedback": "已按期书面答复领衔代表，代表对办理工作表示认可，相关工作将持续跟踪落实。",
}


def run(story: Story, item: Item, ev: Ev) -> None:
    """The workflow services lock and re-read the suggestion by id, so `item.obj` may be the copy `create`
    returned; the two services that read the passed copy itself (merge, link) get it refreshed."""
    STEPS[ev.event](story, item, ev.params)


def _number(item: Item) -> int:
    """The item's place in the plan (not its database id, which differs between databases)."""
    return int(item.key[1:])


def _lead(story: Story, item: Item) -> Any:
    return story.cast.of(item.lead)


def _unit(story: Story, item: Item) -> Any:
    return story.cast.for_unit(item.lead_unit)


def _create(story: Story, item: Item, p: dict[str, Any]) -> None:
    item.obj = services.suggestion_create(
        actor=_lead(story, item), congress=item.congress, kind=item.kind, channel=item.channel, title=item.title,
        content=VAGUE if p.get("vague") else item.content, category=item.category, co_signers=item.cosigners)


def _cosign(story: Story, item: Item, p: dict[str, Any]) -> None:
    services.suggestion_cosign(actor=story.cast.of(p["person"]), suggestion=item.obj)


def _submit(story: Story, item: Item, p: dict[str, Any]) -> None:
    services.suggestion_submit(actor=_lead(story, item), suggestion=item.obj)


def _withdraw(story: Story, item: Item, p: dict[str, Any]) -> None:
    services.suggestion_withdraw(actor=_lead(story, item), suggestion=item.obj, reason=p["reason"])


def _review(story: Story, item: Item, p: dict[str, Any]) -> None:
    if p["decision"] == "accept":
        services.suggestion_review(actor=item.staff, suggestion=item.obj, decision="accept",
                                   note="符合立案条件，予以立案")
        return
    notes = {"no_content": "建议内容过于笼统，请补充具体问题、原因分析和可行的解决办法后重新提交。",
             "personal": "该事项属于代表本人亲属的个人事务，建议通过法律途径或向有关单位反映。",
             "petition": "该事项属于信访事项，已告知代表引导当事人向信访部门反映。",
             "jurisdiction": "该事项不属于本级人民代表大会职权范围，建议通过上级人大代表反映。"}
    services.suggestion_review(actor=item.staff, suggestion=item.obj, decision="return", reason=p["reason"],
                               note=notes.get(p["reason"], ""))


def _revise(story: Story, item: Item, p: dict[str, Any]) -> None:
    lead = _lead(story, item)
    s = services.suggestion_revise(actor=lead, suggestion=item.obj)
    services.suggestion_update_draft(actor=lead, suggestion=s, content=item.content)


def _decide(story: Story, item: Item, p: dict[str, Any]) -> None:
    if p["decision"] == "agenda":
        reason = "该议案属于本级人民代表大会职权范围，内容明确、具体，决定列入本次会议议程。"
    else:
        reason = "该议案所提事项可由人民政府在职权范围内办理，决定作为代表建议交有关单位办理。"
    services.bill_decide(actor=item.staff, suggestion=item.obj, decision=p["decision"],
                         decided_by="presidium", reason=reason)  # bills are decided at the session


def _merge(story: Story, item: Item, p: dict[str, Any]) -> None:
    item.obj.refresh_from_db()
    for member in item.members:
        member.obj.refresh_from_db()
    services.suggestion_merge(actor=item.staff, primary=item.obj, members=[m.obj for m in item.members])


def _assign(story: Story, item: Item, p: dict[str, Any]) -> None:
    unit = p.get("unit") or item.lead_unit
    co = [] if p.get("unit") else item.co_units
    services.suggestion_assign(actor=item.staff, suggestion=item.obj, lead_unit=unit, co_units=co)


def _return(story: Story, item: Item, p: dict[str, Any]) -> None:
    services.suggestion_return(actor=story.cast.for_unit(p["unit"]), suggestion=item.obj,
                               reason=tx.MISROUTE_REASON.format(unit=item.lead_unit.name))


def _accept(story: Story, item: Item, p: dict[str, Any]) -> None:
    services.suggestion_accept(actor=_unit(story, item), suggestion=item.obj)


def _opinion(story: Story, item: Item, p: dict[str, Any]) -> None:
    services.suggestion_opinion(actor=story.cast.for_unit(p["unit"]), suggestion=item.obj,
                                text=tx.OPINIONS)


def _contact(story: Story, item: Item, p: dict[str, Any]) -> None:
    services.suggestion_contact(actor=_unit(story, item), suggestion=item.obj, method=p["method"],
                                note=tx.CONTACT_NOTES[p["method"]])


def _extend(story: Story, item: Item, p: dict[str, Any]) -> None:
    services.suggestion_extend(actor=item.staff, suggestion=item.obj, deadline=p["deadline"],
                               reason="涉及项目立项、用地和资金安排，情况复杂，经主任会议同意延长答复期限。")


def _reply_text(story: Story, item: Item, p: dict[str, Any]) -> str:
    kind = p.get("text")
    if kind == "second":
        body = tx.SECOND_REPLY.format(action=item.action)
    elif kind == "rehandling":
        body = tx.REHANDLING_REPLY.format(action=item.action)
    else:
        body = tx.REPLIES[p["cls"]].format(action=item.action, category=item.category)
    opening = tx.REPLY_OPENINGS[1 if item.channel == "session" else 0].format(title=item.title)
    return f"{item.lead.name}代表：\n{opening}\n{body}\n\n{item.lead_unit.name}"


def _reply(story: Story, item: Item, p: dict[str, Any]) -> None:
    services.suggestion_reply(actor=_unit(story, item), suggestion=item.obj, result_class=p["cls"],
                              text=_reply_text(story, item, p))


def _evaluate(story: Story, item: Item, p: dict[str, Any]) -> None:
    comment = ""
    if p["sat"] == "unsatisfied":
        comment = tx.UNSATISFIED[_number(item) % len(tx.UNSATISFIED)]
    elif p["sat"] == "satisfied":
        comment = "承办单位态度认真，办理措施具体，问题得到解决。"
    services.suggestion_evaluate(actor=_lead(story, item), suggestion=item.obj, satisfaction=p["sat"],
                                 comment=comment)


def _close(story: Story, item: Item, p: dict[str, Any]) -> None:
    services.suggestion_close(actor=item.staff, suggestion=item.obj, note="代表评价满意（基本满意），予以办结。")


def _key(story: Story, item: Item, p: dict[str, Any]) -> None:
    leaders = leaders_of(story)
    leader = leaders[_number(item) % len(leaders)]
    supervision.key_supervision_select(
        actor=item.staff, suggestion=item.obj, leader=leader, deadline=KEY_DEADLINE,
        responsibility="督办领导牵头协调，定期听取办理情况汇报，带队实地督办。",
        requirements="承办单位主要负责同志亲自研究，6月底前办结并书面答复代表。")


def _progress(story: Story, item: Item, p: dict[str, Any]) -> None:
    card = SupervisionCard.objects.get(suggestion=item.obj)
    actor = item.staff if p["kind"] == "supervision" else _unit(story, item)
    supervision.supervision_progress_add(actor=actor, card=card, kind=p["kind"], text=PROGRESS[p["kind"]])


def _publish(story: Story, item: Item, p: dict[str, Any]) -> None:
    reply = Reply.objects.filter(suggestion=item.obj).order_by("-round").select_related("suggestion").first()
    assert reply is not None, "published after the reply"
    draft = publication.publication_prepare(actor=item.staff, reply=reply)
    text = draft.text.split("\n", 1)[1] if draft.text.startswith(f"{item.lead.name}代表") else draft.text
    publication.publication_publish(actor=item.staff, publication=draft, title=draft.title, text=text.strip(),
                                    checked=True)


def _link(story: Story, item: Item, p: dict[str, Any]) -> None:
    from renda.liaison.services.conversion import opinions_to_suggestion

    opinions = [case.obj for case in story.objects["bus_cases"]]
    item.obj.refresh_from_db()
    opinions_to_suggestion(actor=story.cast.township, opinions=opinions, suggestion=item.obj)


def _answers(story: Story, item: Item, p: dict[str, Any]) -> None:
    """The quarter-hourly job: the suggestion's answer reaches the constituents whose opinions it came from."""
    from renda.liaison.services.conversion import suggestion_answers_reach_opinions

    from .constituents import judge_bus_answer

    suggestion_answers_reach_opinions()
    judge_bus_answer(story)


STEPS = {
    "create": _create, "cosign": _cosign, "submit": _submit, "withdraw": _withdraw, "review": _review,
    "revise": _revise, "decide": _decide, "merge": _merge, "assign": _assign, "return": _return, "accept": _accept,
    "opinion": _opinion, "contact": _contact, "extend": _extend, "reply": _reply, "evaluate": _evaluate,
    "close": _close, "key": _key, "progress": _progress, "publish": _publish, "link": _link, "answers": _answers,
}


def leaders_of(story: Story) -> list[Any]:
    """The chair and vice-chairs of the county standing committee: the leaders who supervise key suggestions."""
    if "leaders" not in story.objects:
        story.objects["leaders"] = [m.person for m in BodyMember.objects.filter(
            body__kind=BodyKind.STANDING_COMMITTEE, body__region=story.org.county,
            post__in=[MemberPost.CHAIR, MemberPost.VICE_CHAIR], until__isnull=True).select_related("person")
            .order_by("post", "pk")]
    return story.objects["leaders"]


def assignment_meeting(story: Story, key_items: list[Item]) -> None:
    """交办会: the key suggestions handed to their units' heads, on the morning they are assigned."""

    def run() -> None:
        chair = leaders_of(story)[0]
        cards = list(SupervisionCard.objects.filter(suggestion__in=[i.obj for i in key_items]).select_related(
            "suggestion"))
        supervision.assignment_meeting_record(
            actor=story.cast.county, congress=story.county, held_on=ASSIGNMENT_DAY, cards=cards,
            place="县人大常委会机关三楼会议室", chaired_by=f"{chair.name}（县人大常委会主任）",
            attendees="县人民政府分管副县长，各承办单位主要负责同志，部分领衔代表",
            notes="各承办单位要把代表建议办理作为践行全过程人民民主的重要工作，主要负责同志亲自抓，确保按期办结。")

    story.add(at(ASSIGNMENT_DAY, 11, 0), run)
