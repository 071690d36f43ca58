"""The handling unit's side: sign for the assignment or return it, contact the deputy, co-units' opinions,
extensions, and the reply (letter text, uploaded PDF/DOCX, result class)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from renda.core import uploads
from renda.core.errors import Invalid
from renda.suggestions.models import (
    Assignment,
    Contact,
    ContactMethod,
    Reply,
    ReplyKind,
    ResultClass,
    Status,
    Suggestion,
    UnitRole,
)
from renda.suggestions.services._base import (
    begin,
    finish,
    setting,
    signers_of,
    staff_of,
    tell,
    today,
    unit_users,
)
from renda.workdays.calendar import add_months

LETTER_MAX_BYTES = 10 * 1024 * 1024
LETTER_TYPES = {".pdf": uploads.PDF, ".docx": uploads.ZIP}


def _lead(s: Suggestion) -> Assignment:
    return Assignment.objects.get(suggestion=s, role=UnitRole.LEAD, active=True)


@transaction.atomic
def suggestion_accept(*, actor: Any, suggestion: Suggestion, version: int | None = None) -> Suggestion:
    """The lead unit signs for the assignment (签收) and handling begins."""
    s, before = begin(actor=actor, suggestion=suggestion, event="accept", version=version)
    Assignment.objects.filter(pk=_lead(s).pk).update(accepted_on=today())
    return finish(actor=actor, s=s, event="accept", to=Status.HANDLING, before=before)


@transaction.atomic
def suggestion_return(*, actor: Any, suggestion: Suggestion, reason: str,
                      version: int | None = None) -> Suggestion:
    """A misrouted suggestion goes back to the clerk, within the return period [setting], with a reason."""
    s, before = begin(actor=actor, suggestion=suggestion, event="return", version=version)
    if not reason.strip():
        raise Invalid("退回须说明理由", fields={"reason": ["请说明交办不当的理由"]})
    lead = _lead(s)
    day = today()
    if lead.accept_due and day > lead.accept_due:
        message = f"退回期限已于 {lead.accept_due} 届满，请与人大工作机构协商"
        raise Invalid(message, code="return_period_over", fields={"reason": [message]})
    Assignment.objects.filter(pk=lead.pk).update(active=False, returned_on=day, return_reason=reason.strip())
    Assignment.objects.filter(suggestion=s, active=True).update(active=False)
    unit_name = s.lead_unit.name if s.lead_unit else ""
    s.lead_unit, s.assigned_on, s.deadline, s.deadline_basis, s.deadline_warning = None, None, None, "", ""
    tell(staff_of(s), s, "misrouted", f"承办单位退回：{s.title}", f"{unit_name}认为交办不当：{reason}")
    return finish(actor=actor, s=s, event="return", to=Status.ACCEPTED, before=before, note=reason.strip(),
                  extra={"returned_by_unit": actor.unit_id})


@transaction.atomic
def suggestion_opinion(*, actor: Any, suggestion: Suggestion, text: str,
                       version: int | None = None) -> Suggestion:
    """A co-unit sends its opinion to the lead unit (within its own deadline)."""
    s, before = begin(actor=actor, suggestion=suggestion, event="opinion", version=version)
    if not text.strip():
        raise Invalid("请填写协办意见", fields={"text": ["请填写协办意见"]})
    co = Assignment.objects.get(suggestion=s, unit_id=actor.unit_id, role=UnitRole.CO, active=True)
    Assignment.objects.filter(pk=co.pk).update(opinion=text.strip(), opinion_on=today())
    if s.lead_unit_id:
        tell(unit_users([s.lead_unit_id]), s, "co_opinion", f"协办意见：{s.title}", text.strip())
    return finish(actor=actor, s=s, event="opinion", to=s.status, before=before,
                  extra={"co_unit": actor.unit_id, "late": bool(co.opinion_due and today() > co.opinion_due)})


@transaction.atomic
def suggestion_contact(*, actor: Any, suggestion: Suggestion, method: str, contacted_on: date | None = None,
                       note: str = "", version: int | None = None) -> Suggestion:
    """The unit records its contact with the deputy (见面/电话/书面)."""
    s, before = begin(actor=actor, suggestion=suggestion, event="contact", version=version)
    if method not in ContactMethod.values:
        raise Invalid("联系方式无效", fields={"method": ["须为 meeting（见面）、phone（电话）或 letter（书面）"]})
    day = contacted_on or today()
    if day > today() or (s.assigned_on and day < s.assigned_on):
        raise Invalid("联系日期须在交办之后、不晚于今天", fields={"contacted_on": ["日期无效"]})
    Contact.objects.create(suggestion=s, unit_id=actor.unit_id, method=method, contacted_on=day,
                           note=note.strip(), created_by=actor)
    if method == ContactMethod.MEETING:
        s.met_in_person = True
    return finish(actor=actor, s=s, event="contact", to=s.status, before=before, note=note.strip(),
                  extra={"method": method, "contacted_on": day.isoformat()})


@transaction.atomic
def suggestion_extend(*, actor: Any, suggestion: Suggestion, deadline: date, reason: str,
                      version: int | None = None) -> Suggestion:
    """A complex suggestion gets a later reply deadline, up to the maximum after assignment, with a reason."""
    s, before = begin(actor=actor, suggestion=suggestion, event="extend", version=version)
    longest = setting(s, "suggestions.extension_max_months")
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["延期须记录理由"]
    if s.deadline and deadline <= s.deadline:
        errors["deadline"] = [f"新期限须晚于原期限 {s.deadline}"]
    elif s.assigned_on and deadline > add_months(s.assigned_on, longest):
        errors["deadline"] = [f"最长为交办之日起{longest}个月（{add_months(s.assigned_on, longest)}）"]
    if errors:
        raise Invalid(fields=errors)
    s.deadline, s.extension_reason, s.deadline_basis = deadline, reason.strip(), "情况复杂，延期"
    if s.overdue_since and deadline >= today():
        s.escalated_on = None
    if s.lead_unit_id:
        tell(unit_users([s.lead_unit_id]), s, "extended", f"答复期限延至 {deadline}：{s.title}", reason)
    return finish(actor=actor, s=s, event="extend", to=s.status, before=before, note=reason.strip())


@transaction.atomic
def suggestion_remind(*, actor: Any, suggestion: Suggestion, note: str = "",
                      version: int | None = None) -> Suggestion:
    """催办: the clerk presses the units on an assigned item — the lead unit for its reply, and co-units that have
    not yet given their opinion. The units are told through their inbox; the reminder is on the timeline."""
    s, before = begin(actor=actor, suggestion=suggestion, event="remind", version=version)
    lead = [s.lead_unit_id] if s.lead_unit_id else []
    co = list(Assignment.objects.filter(suggestion=s, role=UnitRole.CO, active=True, opinion="")
              .values_list("unit_id", flat=True))
    due = f"答复期限 {s.deadline}。" if s.deadline else ""
    text = note.strip()
    tell(unit_users(lead), s, "reminded", f"催办：{s.title}", f"请抓紧办理并答复代表。{due}{text}".strip())
    if co and s.status in (Status.ASSIGNED, Status.HANDLING, Status.REHANDLING):
        tell(unit_users(co), s, "reminded_co", f"催办（协办意见）：{s.title}", f"请尽快提出协办意见。{text}".strip())
    else:
        co = []
    return finish(actor=actor, s=s, event="remind", to=s.status, before=before, note=text or "催办",
                  extra={"units": lead + co}, bump=False)


def check_letter(letter: UploadedFile | None) -> None:
    if letter is None:
        return
    uploads.check_upload(letter, kinds=LETTER_TYPES, max_bytes=LETTER_MAX_BYTES, field="letter", what="答复函",
                         kinds_text="PDF 或 DOCX")


def _check_result_class(s: Suggestion, result_class: str) -> None:
    scheme = setting(s, "suggestions.result_scheme")
    if result_class not in ResultClass.values or result_class not in scheme:
        allowed = "/".join(scheme)
        raise Invalid(f"办理结果须为 {allowed} 类之一", fields={"result_class": [f"本级人大采用 {allowed} 分类"]})


@transaction.atomic
def suggestion_reply(*, actor: Any, suggestion: Suggestion, result_class: str, text: str,
                     letter: UploadedFile | None = None, version: int | None = None) -> Suggestion:
    """The lead unit answers: the letter's text, the signed letter as PDF/DOCX, and the result class."""
    s, before = begin(actor=actor, suggestion=suggestion, event="reply", version=version)
    _check_result_class(s, result_class)
    if not text.strip():
        raise Invalid("请填写答复内容", fields={"text": ["请填写答复内容"]})
    check_letter(letter)
    day = today()
    kind = {Status.HANDLING: ReplyKind.FIRST, Status.REHANDLING: ReplyKind.REHANDLING,
            Status.FOLLOW_UP: ReplyKind.FOLLOW_UP}[Status(s.status)]
    late = bool(s.deadline and day > s.deadline and kind != ReplyKind.FOLLOW_UP)
    reply = Reply(suggestion=s, unit_id=actor.unit_id, round=s.replies.count() + 1, kind=kind,
                  result_class=result_class, text=text.strip(), replied_on=day, due=s.deadline, late=late,
                  created_by=actor)
    if letter is not None:
        name = (letter.name or "").lower()
        reply.letter.save(f"reply-{s.pk}-{reply.round}{name[name.rfind('.'):]}", letter, save=False)
    reply.save()
    s.result_class = result_class
    if s.first_replied_on is None:
        s.first_replied_on = day
    if late and s.overdue_since is None and s.deadline:
        s.overdue_since = s.deadline + timedelta(days=1)
    tell(signers_of(s), s, "replied", f"建议已答复，请评价：{s.title}",
         f"办理结果：{ResultClass(result_class).label}。请在平台查看答复并评价。")
    return finish(actor=actor, s=s, event="reply", to=Status.REPLIED, before=before,
                  extra={"reply_round": reply.round, "reply_kind": kind, "late": late,
                         "letter": bool(reply.letter)})


@transaction.atomic
def reply_letter_attach(*, actor: Any, suggestion: Suggestion, round_no: int, letter: UploadedFile) -> Reply:
    """The unit that wrote a reply attaches (or replaces) its signed letter, PDF or DOCX, until the deputy has
    evaluated that reply."""
    from renda.core import audit
    from renda.core.errors import Forbidden, InvalidTransition, NotFound

    s = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    reply = Reply.objects.select_for_update().filter(suggestion=s, round=round_no).first()
    if reply is None:
        raise NotFound("没有这一轮答复")
    if getattr(actor, "unit_id", None) != reply.unit_id:
        raise Forbidden("只有作出答复的承办单位可以上传答复函")
    if hasattr(reply, "evaluation"):
        raise InvalidTransition("代表已评价该答复，答复函不能再更换",
                                fields={"letter": ["代表已评价该答复"]}, current=s.status, event="letter")
    if letter is None:
        raise Invalid("请上传答复函", fields={"letter": ["请上传答复函"]})
    check_letter(letter)
    old = reply.letter.name or ""
    name = (letter.name or "").lower()
    reply.letter.save(f"reply-{s.pk}-{reply.round}{name[name.rfind('.'):]}", letter, save=False)
    reply.save(update_fields=["letter"])
    audit.record(actor=actor, action="suggestion.reply_letter", obj=s, before={"letter": old},
                 after={"letter": reply.letter.name, "round": reply.round, "size": letter.size})
    return reply
