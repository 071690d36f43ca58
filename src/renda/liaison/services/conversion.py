"""Opinions turned into a deputy suggestion (several opinions → one suggestion) and the suggestion's answer
reaching every one of their constituents (DOMAIN.md §4: 转为代表建议 → 答复 → 反馈群众)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from renda.core import audit
from renda.core.errors import Invalid, StaleVersion
from renda.deputies.models import Person
from renda.liaison import workflow
from renda.liaison.models import Opinion, OpinionStatus
from renda.liaison.services.opinions import OPINION_FIELDS, _check_staff, judgment_cleared, notify, reply_merged
from renda.organizations.models import Congress
from renda.suggestions.models import Reply, ResultClass, Status, Suggestion

LINKABLE = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.ASSIGNED, Status.HANDLING, Status.REHANDLING,
                      Status.REPLIED, Status.EVALUATED, Status.FOLLOW_UP, Status.CLOSED})


def answering(suggestion: Suggestion) -> Suggestion:
    """The suggestion whose reply answers this one: itself, or the one it was merged into."""
    seen = 0
    while suggestion.merged_into_id is not None and seen < 10:
        suggestion = Suggestion.objects.get(pk=suggestion.merged_into_id)
        seen += 1
    return suggestion


def suggestion_replies(suggestion: Suggestion) -> list[Reply]:
    return list(Reply.objects.filter(suggestion=answering(suggestion)).select_related("unit").order_by("round"))


@transaction.atomic
def opinions_to_suggestion(*, actor: Any, opinions: Sequence[Opinion], suggestion: Suggestion,
                           version: int | None = None, versions: Mapping[int, int] | None = None) -> list[Opinion]:
    """Link opinions (accepted or reopened) to one deputy suggestion of their congress or one above it. `version`
    checks the first opinion (the one the request was made on); `versions` ({opinion pk: version}, a form's that
    listed several) each one it names: a form whose opinions changed since it was shown is refused whole. Every
    status is checked on a copy locked here (select_for_update), never on the objects passed in: two clerks
    converting, or one converting while another replies, must not both win."""
    from renda.core.scope import check_version

    _check_staff(actor)
    if not opinions:
        raise Invalid("请选择群众意见", fields={"opinions": ["至少一条"]})
    locked_suggestion = Suggestion.objects.select_for_update().select_related("congress__region").get(
        pk=suggestion.pk)
    if locked_suggestion.status not in LINKABLE:
        raise Invalid("只能并入已提交的代表建议", fields={"suggestion": ["尚未提交或已退回、撤回"]})
    spath = locked_suggestion.congress.region.path
    first_pk = opinions[0].pk
    # lock in key order so that two conversions sharing opinions wait for each other instead of deadlocking
    locked = {o.pk: o for o in Opinion.objects.select_for_update().select_related("region")
              .filter(pk__in=[o.pk for o in opinions]).order_by("pk")}
    check_version(locked[first_pk], version)
    refuse_changed(locked.values(), versions or {})
    done = []
    for pk in dict.fromkeys(o.pk for o in opinions):
        o = locked[pk]
        if not o.region.path.startswith(spath):
            raise Invalid(f"意见 {o.code} 不在该建议所属人大的范围内", fields={"suggestion": ["范围不符"]})
        before = audit.snapshot(o, OPINION_FIELDS)
        o.status = workflow.next_status(o.status, "to_suggestion")
        o.suggestion = locked_suggestion
        o.version += 1
        o.save(update_fields=["status", "suggestion", "version", "updated_at"])
        audit.record(actor=actor, action="opinion.to_suggestion", obj=o, before=before,
                     after={**audit.snapshot(o, OPINION_FIELDS), "suggestion": locked_suggestion.pk})
        done.append(o)
    return done


CONVERTIBLE = (OpinionStatus.ACCEPTED, OpinionStatus.REOPENED)


def refuse_changed(opinions: Iterable[Opinion], versions: Mapping[int, int]) -> None:
    """StaleVersion naming the first of `opinions` whose version is not the one a form listing several was shown
    with (`versions`: {pk: version}; an opinion it has none for is not checked)."""
    for o in opinions:
        seen = versions.get(o.pk)
        if seen is not None and o.version != seen:
            raise StaleVersion(f"意见 {o.code} 在您打开页面后已有变动（如已答复、转办或办结），请查看后重新选择",
                               fields={"opinions": [f"{o.code} 已有变动"]}, current_version=o.version)


def prefill(opinions: Sequence[Opinion]) -> tuple[str, str]:
    """A title and a content drafted from the opinions, for the clerk and the deputy to edit: each opinion's text
    with its constituent's name and phone (and anything shaped like a phone or ID number) masked."""
    if not opinions:
        return "", ""
    # each with the names of its copies' writers too (a letter signed by several people is one opinion per signer)
    opinions = Opinion.masked_together(opinions)
    first = opinions[0].masked(" ".join(opinions[0].content.split()))  # masked, then cut: a phone
    topic = first[:24] + ("…" if len(first) > 24 else "")  # cut in two would escape the masking
    categories = sorted({o.category for o in opinions if o.category})
    title = f"关于{'、'.join(categories)}方面群众反映问题的建议" if categories else f"关于“{topic}”等问题的建议"
    lines = [f"{len(opinions)} 条群众意见反映："]
    lines += [f"{i}. {o.masked(' '.join(o.content.split()))}（{o.region.name}，"
              f"{timezone.localtime(o.received_at):%Y年%m月%d日}）" for i, o in enumerate(opinions, 1)]
    lines.append("建议：")
    return title[:200], "\n".join(lines)


@transaction.atomic
def opinions_to_new_suggestion(*, actor: Any, opinions: Sequence[Opinion], lead_deputy: Person,
                               congress: Congress, title: str, content: str, category: str = "",
                               version: int | None = None, versions: Mapping[int, int] | None = None
                               ) -> tuple[Suggestion, list[Opinion]]:
    """Several opinions taken up by one deputy: the clerk enters the deputy's suggestion on their behalf (代录,
    the deputy stays its author; renda.suggestions) and links every opinion to it, all or nothing."""
    from renda.suggestions.models import Channel, Kind
    from renda.suggestions.services.drafting import suggestion_enter_paper

    _check_staff(actor)
    if not opinions:
        raise Invalid("请选择群众意见", fields={"opinions": ["至少一条"]})
    suggestion = suggestion_enter_paper(
        actor=actor, congress=congress, lead_deputy=lead_deputy, kind=Kind.SUGGESTION, channel=Channel.RECESS,
        title=title, content=content, category=category,
        # no tracking codes: the timeline is read by the handling units, and a code opens the portal's 评价 of
        # their own answer; the staff reach the opinions from the suggestion's page (群众意见 link)
        note=f"由{len(opinions)}条群众意见形成")
    return suggestion, opinions_to_suggestion(actor=actor, opinions=opinions, suggestion=suggestion,
                                              version=version, versions=versions)


def reply_text_from(suggestion: Suggestion, reply: Reply) -> str:
    label = ResultClass(reply.result_class).label if reply.result_class in ResultClass.values else ""
    return (f"您的意见已由人大代表整理为代表建议《{suggestion.title}》，交{reply.unit.name}办理。"
            f"办理结果：{label}。答复如下：\n{reply.text}")


def suggestion_answers_reach_opinions(*, now: datetime | None = None) -> int:
    """Every opinion waiting on a suggestion that has been answered gets the answer as its reply, so that its
    constituent sees it by the tracking code and can judge it. Idempotent; run by a periodic job."""
    now = now or timezone.now()
    count = 0
    waiting = Opinion.objects.filter(status=OpinionStatus.TO_SUGGESTION).select_related("suggestion", "responsible")
    for opinion in waiting.iterator(chunk_size=200):
        assert opinion.suggestion is not None
        replies = suggestion_replies(opinion.suggestion)
        if not replies:
            continue
        with transaction.atomic():
            o = Opinion.objects.select_for_update().get(pk=opinion.pk)
            if o.status != OpinionStatus.TO_SUGGESTION:
                continue
            before = audit.snapshot(o, OPINION_FIELDS)
            o.status = workflow.next_status(o.status, "reply")
            o.reply_text = reply_text_from(answering(opinion.suggestion), replies[-1])
            o.replied_at, o.replied_on_the_spot = now, False
            o.version += 1
            o.save(update_fields=["status", "reply_text", "replied_at", "replied_on_the_spot", "version",
                                  "updated_at", *judgment_cleared(o)])
            audit.record(actor=None, action="opinion.reply_from_suggestion", obj=o, before=before,
                         after={**audit.snapshot(o, OPINION_FIELDS), "suggestion": opinion.suggestion_id,
                                "reply_round": replies[-1].round})
            reply_merged(primary=o, actor=None)  # the opinions merged into it get the same answer
            if o.responsible:
                notify(users=[o.responsible], kind="opinion.suggestion_replied", obj=o,
                       title=f"群众意见 {o.code} 所并入的代表建议已答复",
                       dedupe_key=f"opinion:{o.pk}:suggestion_replied:{replies[-1].pk}")
            count += 1
    return count
