"""Key supervised suggestions (重点督办): selection by people with the congress's share as a guide, the
supervision card, its progress and feedback, and the assignment meeting."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from renda.core import audit
from renda.core.errors import Forbidden, Invalid
from renda.core.roles import STAFF_ROLES, Role
from renda.deputies.models import Person
from renda.organizations.models import BodyKind, BodyMember, Congress
from renda.organizations.services import congress_setting
from renda.suggestions.models import (
    AssignmentMeeting,
    Kind,
    ProgressKind,
    Suggestion,
    SupervisionCard,
    SupervisionProgress,
)
from renda.suggestions.services._base import is_related, tell, today, unit_users
from renda.suggestions.stats import ADMITTED

LEADING_BODIES = (BodyKind.PRESIDIUM, BodyKind.CHAIRPERSONS_MEETING, BodyKind.STANDING_COMMITTEE)


def key_share(*, admitted: QuerySet[Suggestion], congress: Congress | None, year: int) -> dict[str, Any]:
    """The share [setting] as a guide beside the count chosen: the choice itself is made by people."""
    total = admitted.filter(year=year).count()
    chosen = admitted.filter(year=year, key_supervised=True).count()
    low = congress_setting(congress, "suggestions.key_share_min")
    high = congress_setting(congress, "suggestions.key_share_max")
    return {"admitted": total, "selected": chosen, "share": round(100 * chosen / total, 1) if total else None,
            "min_pct": low, "max_pct": high, "suggested_min": math.ceil(total * low / 100),
            "suggested_max": math.floor(total * high / 100),
            "within": bool(total) and low <= 100 * chosen / total <= high}


def leader_post(person: Person, congress: Congress) -> str | None:
    """The person's seat on the presidium / chairpersons' meeting / standing committee of the congress, if any."""
    member = (BodyMember.objects.select_related("body")
              .filter(person=person, until__isnull=True, body__kind__in=LEADING_BODIES,
                      body__region_id=congress.region_id).first())
    if member is None:
        return None
    return f"{member.body.name}{member.get_post_display()}"


def _staff(actor: Any, s: Suggestion) -> None:
    if getattr(actor, "role", None) not in STAFF_ROLES or not is_related(actor, s, "staff"):
        raise Forbidden("只有本级人大工作人员可以确定重点督办建议")


@transaction.atomic
def key_supervision_select(*, actor: Any, suggestion: Suggestion, leader: Person, responsibility: str,
                           deadline: date | None = None, requirements: str = "") -> SupervisionCard:
    s = Suggestion.objects.select_for_update().select_related("congress__region").get(pk=suggestion.pk)
    _staff(actor, s)
    errors: dict[str, list[str]] = {}
    if s.kind != Kind.SUGGESTION or s.status not in ADMITTED:
        errors["suggestion"] = ["只有已立案的建议可以确定为重点督办"]
    if s.key_supervised:
        errors["suggestion"] = ["该建议已是重点督办建议"]
    post = leader_post(leader, s.congress)
    if post is None:
        errors["leader"] = ["督办领导须为本级人大主席团或主任会议（常委会）的成员"]
    if not responsibility.strip():
        errors["responsibility"] = ["请写明督办责任"]
    due = deadline or s.deadline
    if due is None:
        errors["deadline"] = ["尚未交办的建议须指定办结时限"]
    if errors:
        raise Invalid("不能确定为重点督办建议", fields=errors)
    assert due is not None
    card = SupervisionCard.objects.create(suggestion=s, year=s.year, leader=leader, leader_post=post or "",
                                          responsibility=responsibility.strip(), requirements=requirements.strip(),
                                          deadline=due, selected_by=actor)
    Suggestion.objects.filter(pk=s.pk).update(key_supervised=True)
    if s.lead_unit_id:
        tell(unit_users([s.lead_unit_id]), s, "key_supervised", f"列为重点督办建议：{s.title}",
             f"督办领导：{leader.name}（{post}）。办结时限：{due}。{responsibility.strip()}")
    audit.record(actor=actor, action="suggestion.key_select", obj=s, before={"key_supervised": False},
                 after={"key_supervised": True, "card": card.pk, "leader": leader.pk, "deadline": due})
    return card


@transaction.atomic
def key_supervision_cancel(*, actor: Any, card: SupervisionCard, reason: str) -> None:
    s = card.suggestion
    _staff(actor, s)
    if not reason.strip():
        raise Invalid("请说明取消重点督办的理由", fields={"reason": ["请说明理由"]})
    before = {"key_supervised": True, "card": card.pk, "leader": card.leader_id, "deadline": card.deadline}
    card.delete()
    Suggestion.objects.filter(pk=s.pk).update(key_supervised=False)
    audit.record(actor=actor, action="suggestion.key_cancel", obj=s, before=before,
                 after={"key_supervised": False, "reason": reason.strip()})


@transaction.atomic
def supervision_progress_add(*, actor: Any, card: SupervisionCard, kind: str, text: str,
                             recorded_on: date | None = None) -> SupervisionProgress:
    """Progress and feedback come from the lead unit or the staff; 督办情况 from the staff only."""
    s = card.suggestion
    role = getattr(actor, "role", None)
    if role == Role.UNIT_USER:
        allowed = is_related(actor, s, "lead_unit") and kind in (ProgressKind.PROGRESS, ProgressKind.FEEDBACK)
    else:
        allowed = role in STAFF_ROLES and is_related(actor, s, "staff")
    if not allowed:
        raise Forbidden("只有主办单位和人大工作人员可以填写督办卡")
    if kind not in ProgressKind.values or not text.strip():
        raise Invalid(fields={"text": ["请填写内容"]} if not text.strip() else {"kind": ["类型无效"]})
    entry = SupervisionProgress.objects.create(card=card, kind=kind, text=text.strip(),
                                               recorded_on=recorded_on or today(), recorded_by=actor)
    SupervisionCard.objects.filter(pk=card.pk).update(version=card.version + 1)
    audit.record(actor=actor, action="supervision.progress", obj=card,
                 after={"kind": kind, "text": entry.text, "recorded_on": entry.recorded_on})
    return entry


@transaction.atomic
def assignment_meeting_record(*, actor: Any, congress: Congress, held_on: date, cards: list[SupervisionCard],
                              place: str = "", chaired_by: str = "", attendees: str = "",
                              notes: str = "") -> AssignmentMeeting:
    if getattr(actor, "role", None) not in STAFF_ROLES or not congress.region.path.startswith(actor.region.path):
        raise Forbidden("只有本级人大工作人员可以记录交办会")
    if not cards:
        raise Invalid("请选择在交办会上交办的重点督办建议", fields={"cards": ["至少选择一件"]})
    if any(c.suggestion.congress_id != congress.pk for c in cards):
        raise Invalid(fields={"cards": ["只能选择本级人大的重点督办建议"]})
    meeting = AssignmentMeeting.objects.create(congress=congress, year=held_on.year, held_on=held_on,
                                               place=place.strip(), chaired_by=chaired_by.strip(),
                                               attendees=attendees.strip(), notes=notes.strip(), recorded_by=actor)
    SupervisionCard.objects.filter(pk__in=[c.pk for c in cards]).update(meeting=meeting)
    for card in cards:
        s = card.suggestion
        if s.lead_unit_id:
            tell(unit_users([s.lead_unit_id]), s, "assignment_meeting", f"重点建议交办会：{s.title}",
                 f"{held_on} 在{place or '会议室'}召开重点建议交办会。{notes}".strip())
    audit.record(actor=actor, action="supervision.meeting", obj=meeting,
                 after={"held_on": held_on, "cards": [c.pk for c in cards], "place": meeting.place})
    return meeting


__all__ = ["assignment_meeting_record", "key_share", "key_supervision_cancel", "key_supervision_select",
           "leader_post", "supervision_progress_add"]
