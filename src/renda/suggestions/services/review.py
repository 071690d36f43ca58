"""The clerk's side: review (立案 or return), the bill decision, assignment (交办) and merging for handling."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from renda.core.errors import Invalid
from renda.organizations.models import HandlingUnit
from renda.suggestions.models import (
    Assignment,
    BillDecision,
    Channel,
    DecidingBody,
    Kind,
    ReturnReason,
    Status,
    Suggestion,
    UnitRole,
)
from renda.suggestions.services._base import begin, finish, setting, signers_of, tell, today, unit_users
from renda.suggestions.services.drafting import category_errors
from renda.workdays.calendar import add_months, days_deadline


@transaction.atomic
def suggestion_review(*, actor: Any, suggestion: Suggestion, decision: str, reason: str = "", note: str = "",
                      category: str | None = None, version: int | None = None) -> Suggestion:
    """立案 (accept), or return as not admissible with one of the reasons of DOMAIN.md §3. On 立案 the clerk may set
    or correct the domain category (领域分类; None leaves the deputy's): the correction is audited and becomes a
    label the category model learns from."""
    s, before = begin(actor=actor, suggestion=suggestion, event="review", version=version)
    if decision == "accept":
        _confirm_category(s, category)
        day = today()
        s.accepted_on = day
        s.review_note = note
        if s.channel == Channel.RECESS:  # recess suggestions are assigned within N days [setting]
            due = days_deadline(day, setting(s, "suggestions.recess_assign_days"), congress=s.congress)
            s.assign_due, s.deadline_warning = due.due, due.warning
        tell(signers_of(s), s, "accepted", f"建议已立案：{s.title}", "您的建议已通过审查，将交有关单位办理。")
        return finish(actor=actor, s=s, event="review", to=Status.ACCEPTED, before=before, note=note)
    if decision == "return":
        if reason not in ReturnReason.values:
            raise Invalid("退回须选择不予立案的理由", fields={"reason": ["请选择退回理由"]})
        s.return_reason = reason
        s.review_note = note
        label = ReturnReason(reason).label
        tell(signers_of(s), s, "returned", f"建议被退回：{s.title}", f"退回理由：{label}。{note}".strip())
        return finish(actor=actor, s=s, event="review", to=Status.RETURNED, before=before, note=note or label)
    raise Invalid("审查结论须为 accept 或 return", fields={"decision": ["须为 accept（立案）或 return（退回）"]})


def _confirm_category(s: Suggestion, category: str | None) -> None:
    """The category a clerk confirms (None) or sets when admitting an item to be handled as a suggestion: from then
    on it is a label the category model learns from (insights.history.category_labels)."""
    if category is not None and category != s.category:
        if messages := category_errors(s.congress, category):
            raise Invalid(messages[0], fields={"category": messages})
        s.category = category


@transaction.atomic
def bill_decide(*, actor: Any, suggestion: Suggestion, decision: str, decided_by: str, reason: str,
                decided_on: date | None = None, category: str | None = None,
                version: int | None = None) -> Suggestion:
    """The presidium (or chairpersons' meeting) puts a bill on the agenda, or has it handled as a suggestion; then,
    as at 立案, the clerk may set or correct its domain category (None keeps the deputy's)."""
    s, before = begin(actor=actor, suggestion=suggestion, event="decide", version=version)
    errors: dict[str, list[str]] = {}
    if decision not in BillDecision.values:
        errors["decision"] = ["须为 agenda（列入议程）或 as_suggestion（作为建议处理）"]
    if decided_by not in DecidingBody.values:
        errors["decided_by"] = ["须为 presidium（主席团）或 chairpersons_meeting（主任会议）"]
    if not reason.strip():
        errors["reason"] = ["请记录决定的理由"]
    if errors:
        raise Invalid(fields=errors)
    s.bill_decision, s.bill_decided_by = decision, decided_by
    s.bill_decision_reason, s.bill_decided_on = reason.strip(), decided_on or today()
    body = DecidingBody(decided_by).label
    if decision == BillDecision.AGENDA:
        tell(signers_of(s), s, "bill_on_agenda", f"议案列入会议议程：{s.title}", f"{body}决定：{reason}")
        return finish(actor=actor, s=s, event="decide", to=Status.ON_AGENDA, before=before, note=reason)
    _confirm_category(s, category)
    s.kind, s.converted_from_bill, s.accepted_on = Kind.SUGGESTION, True, today()
    tell(signers_of(s), s, "bill_as_suggestion", f"议案作为建议处理：{s.title}", f"{body}决定：{reason}")
    return finish(actor=actor, s=s, event="decide", to=Status.ACCEPTED, before=before, note=reason)


def _check_units(s: Suggestion, lead_unit: HandlingUnit, co_units: list[HandlingUnit]) -> None:
    """Units of the congress's region, of a region above it, or below it; active; the lead not also a co-unit."""
    path = s.region_path
    errors: dict[str, list[str]] = {}
    for field, units in (("lead_unit", [lead_unit]), ("co_units", co_units)):
        for unit in units:
            unit_path = unit.region.path
            if not unit.active or not (path.startswith(unit_path) or unit_path.startswith(path)):
                errors.setdefault(field, []).append(f"“{unit.name}”不能承办本级人大的建议")
    if lead_unit in co_units:
        errors.setdefault("co_units", []).append("主办单位不能同时作为协办单位")
    if errors:
        raise Invalid(fields=errors)


def _reply_deadline(s: Suggestion, day: date, wanted: date | None, reason: str) -> tuple[date, str, str]:
    """(deadline, basis, extension reason): the default months after assignment, or a later date up to the
    maximum with a recorded reason (complex suggestions)."""
    months = setting(s, "suggestions.reply_months")
    default = add_months(day, months)
    if wanted is None or wanted == default:
        return default, f"交办之日起{months}个月", ""
    longest = setting(s, "suggestions.extension_max_months")
    if wanted <= day:
        raise Invalid("答复期限须晚于交办日期", fields={"deadline": ["答复期限须晚于交办日期"]})
    if wanted > add_months(day, longest):
        raise Invalid(f"答复期限最长为交办之日起{longest}个月", fields={"deadline": [f"最长{longest}个月"]})
    if wanted > default and not reason.strip():
        raise Invalid("期限超过一般期限的，须记录理由",
                      fields={"deadline_reason": [f"超过{months}个月的期限须说明理由（情况复杂等）"]})
    return wanted, "交办时确定" + ("（情况复杂，延长）" if wanted > default else ""), reason.strip()


def _assign_one(*, actor: Any, suggestion: Suggestion, lead_unit: HandlingUnit, co_units: list[HandlingUnit],
                deadline: date | None, deadline_reason: str, version: int | None, note: str = "") -> Suggestion:
    s, before = begin(actor=actor, suggestion=suggestion, event="assign", version=version)
    _check_units(s, lead_unit, co_units)
    day = today()
    due, basis, extension_reason = _reply_deadline(s, day, deadline, deadline_reason)
    accept_due = days_deadline(day, setting(s, "suggestions.misroute_return_days"), congress=s.congress)
    opinion_due = add_months(day, setting(s, "suggestions.co_unit_opinion_months"))
    Assignment.objects.create(suggestion=s, unit=lead_unit, role=UnitRole.LEAD, assigned_on=day,
                              accept_due=accept_due.due)
    Assignment.objects.bulk_create([Assignment(suggestion=s, unit=u, role=UnitRole.CO, assigned_on=day,
                                               opinion_due=opinion_due) for u in co_units])
    s.lead_unit, s.assigned_on, s.deadline, s.deadline_basis = lead_unit, day, due, basis
    s.extension_reason, s.deadline_warning = extension_reason, accept_due.warning
    s.assign_due = None
    tell(unit_users([lead_unit.pk]), s, "assigned", f"交办（主办）：{s.title}",
         f"请于 {accept_due.due} 前签收或退回，{due} 前答复代表。")
    if co_units:
        tell(unit_users([u.pk for u in co_units]), s, "assigned_co", f"交办（协办）：{s.title}",
             f"请于 {opinion_due} 前将协办意见送主办单位“{lead_unit.name}”。")
    tell(signers_of(s), s, "assigned_deputy", f"建议已交办：{s.title}", f"主办单位：{lead_unit.name}，答复期限 {due}。")
    return finish(actor=actor, s=s, event="assign", to=Status.ASSIGNED, before=before, note=note,
                  extra={"co_units": [u.pk for u in co_units]})


@transaction.atomic
def suggestion_assign(*, actor: Any, suggestion: Suggestion, lead_unit: HandlingUnit,
                      co_units: Iterable[HandlingUnit] = (), deadline: date | None = None,
                      deadline_reason: str = "", version: int | None = None) -> Suggestion:
    """交办: one lead unit, any co-units, the reply deadline; suggestions merged into this one go with it."""
    co = list(dict.fromkeys(co_units))
    s = _assign_one(actor=actor, suggestion=suggestion, lead_unit=lead_unit, co_units=co, deadline=deadline,
                    deadline_reason=deadline_reason, version=version)
    for member in Suggestion.objects.filter(merged_into=s, status=Status.ACCEPTED):
        _assign_one(actor=actor, suggestion=member, lead_unit=lead_unit, co_units=co, deadline=deadline,
                    deadline_reason=deadline_reason, version=None, note=f"随并案主件 {s.number} 交办")
    return s


@transaction.atomic
def suggestion_merge(*, actor: Any, primary: Suggestion, members: Iterable[Suggestion],
                     version: int | None = None) -> Suggestion:
    """Handle similar suggestions together (并案办理): the members are assigned with the primary, each is still
    answered to its own signers. Every check is made on copies locked in this transaction (the primary first,
    then the members in id order), never on the objects passed in, which may be stale."""
    p, before = begin(actor=actor, suggestion=primary, event="merge", version=version)
    if p.merged_into_id:
        raise Invalid("并案主件本身已并入他件", fields={"primary": ["主件本身已并入他件，不能再作为主件"]})
    ids = sorted({m.pk for m in members} - {p.pk})
    if not ids:
        raise Invalid("请选择要并入的建议", fields={"members": ["至少选择一件"]})
    numbers = []
    for member_id in ids:
        s, member_before = begin(actor=actor, suggestion=Suggestion(pk=member_id), event="merge", version=None)
        if s.congress_id != p.congress_id or s.merged_into_id or Suggestion.objects.filter(merged_into=s).exists():
            raise Invalid(f"“{s.title}”不能并入该件",
                          fields={"members": ["须为同一人大、尚未并案、且本身不是并案主件的建议"]})
        s.merged_into = p
        tell(signers_of(s), s, "merged", f"建议并案办理：{s.title}",
             f"您的建议与 {p.number}“{p.title}”并案办理，仍将单独答复您。")
        finish(actor=actor, s=s, event="merge", to=Status.ACCEPTED, before=member_before, note=f"并入 {p.number}")
        numbers.append(s.number)
    return finish(actor=actor, s=p, event="merge", to=Status.ACCEPTED, before=before,
                  note=f"并入：{'、'.join(numbers)}", extra={"members": ids})
