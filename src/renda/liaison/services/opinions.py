"""The opinion workflow (workflow.py), one service per event, and the daily sweep of reply deadlines: reminders
before the deadline by the reminding office, escalation after it to the supervising office (seed 003: 信访办
提醒、纪委监督 — both [setting])."""

from __future__ import annotations

import re
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone

from renda.core import audit, crypto
from renda.core.errors import Forbidden, Invalid
from renda.core.roles import Role
from renda.core.scope import check_version
from renda.core.settings_registry import platform_setting
from renda.liaison import selectors, workflow
from renda.liaison.codes import (  # noqa: F401  (re-exported for callers)
    CODE_ALPHABET,
    CODE_LENGTH,
    clean_text,
    format_code,
    new_tracking_code,
    normalize_code,
)
from renda.liaison.models import (
    Channel,
    JudgedVia,
    NotAcceptedReason,
    Opinion,
    OpinionAlert,
    OpinionAlertKind,
    OpinionJudgment,
    OpinionStatus,
    Reception,
    Satisfaction,
    Station,
)
from renda.notifications.services import notify
from renda.organizations.models import HandlingUnit, Region
from renda.organizations.selectors import congress_for_region
from renda.organizations.services import congress_categories, congress_setting, unit_serves

PUBLIC_ACTOR = SimpleNamespace(pk=None, username="public", role="")
OPINION_FIELDS = ("status", "category", "responsible", "unit", "deadline", "not_accepted_reason", "status_note",
                  "reply_text", "replied_on_the_spot", "satisfaction", "judged_via", "reopen_count",
                  "published", "public_summary", "merged_into")
PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")


def normalize_phone(raw: str) -> str:
    text = (raw or "").strip()
    if not text:
        return ""
    if not PHONE_RE.fullmatch(text):
        raise Invalid("电话号码格式不正确", fields={"phone": ["请填写手机号或固定电话"]})
    return re.sub(r"[\s\-]", "", text)


def reply_deadline(congress: Any, start: date) -> date:
    return start + relativedelta(months=int(congress_setting(congress, "liaison.reply_deadline_months")))


def _view(opinion: Opinion) -> dict[str, Any]:
    return audit.snapshot(opinion, OPINION_FIELDS)


def _locked(opinion: Opinion, version: int | None) -> Opinion:
    fresh = Opinion.objects.select_for_update().get(pk=opinion.pk)
    check_version(fresh, version)
    return fresh


def _save(opinion: Opinion, *fields: str) -> None:
    opinion.version += 1
    opinion.save(update_fields=[*fields, "version", "updated_at"])


def _merged_into(primary: Opinion) -> list[Opinion]:
    """The opinions merged into `primary` (合并办理) that follow it still, locked, in id order: they get its reply,
    its refusal, or move along when it is merged in turn."""
    return list(Opinion.objects.select_for_update().filter(merged_into=primary, status=OpinionStatus.MERGED)
                .order_by("pk"))


def _refuse_if_merged(opinion: Opinion, field: str, what: str, hint: str) -> None:
    """A merged opinion is handled through the one it was merged into: a person acting on it is pointed there."""
    if opinion.status == OpinionStatus.MERGED and opinion.merged_into is not None:
        code = opinion.merged_into.code
        raise Invalid(f"本条已与意见 {code} 合并办理，{what}", fields={field: [f"{hint} {code}"]})


def _check_content(content: str) -> str:
    text = clean_text(content)
    limit = int(platform_setting("liaison.opinion_max_chars"))
    if len(text) < 5:
        raise Invalid("请把意见写清楚（至少 5 个字）", fields={"content": ["至少 5 个字"]})
    if len(text) > limit:
        raise Invalid(f"内容不能超过 {limit} 个字", fields={"content": [f"最多 {limit} 个字"]})
    return text


def _check_category(congress: Any, category: str) -> str:
    category = clean_text(category)
    if category and category not in congress_categories(congress):
        raise Invalid("分类不在本级人大的意见分类中", fields={"category": ["无效的分类"]})
    return category


# --- intake ---------------------------------------------------------------------------------------------------
@transaction.atomic
def opinion_register(*, actor: Any, channel: str, content: str, station: Station | None = None,
                     region: Region | None = None, category: str = "", name: str = "", phone: str = "",
                     reception: Reception | None = None, responsible: Any = None,
                     now: datetime | None = None) -> Opinion:
    """Register an opinion from any channel; the reply clock starts now (deadline [setting], default 1 month)."""
    now = now or timezone.now()
    if channel not in Channel.values:
        raise Invalid("来源无效", fields={"channel": ["无效"]})
    if station is None and region is None:
        raise Invalid("请选择联络站或所在区域", fields={"station": ["必填"]})
    if station is not None and region is not None and not region.path.startswith(station.congress.region.path):
        raise Invalid("所选村（居）不在该联络站所属人大的范围内", fields={"region": ["不在范围内"]})
    region = region or (station.region if station else None)
    assert region is not None
    congress = station.congress if station is not None else congress_for_region(region)
    if congress is None:
        raise Invalid("该区域没有受理意见的人民代表大会", fields={"region": ["无所属人大"]})
    name = clean_text(name)
    if len(name) > 50:
        raise Invalid("姓名过长", fields={"name": ["最多 50 个字"]})
    phone = normalize_phone(phone)
    if responsible is None and getattr(actor, "role", None) in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF):
        responsible = actor
    opinion = Opinion(
        congress=congress, region=region, station=station, reception=reception, channel=channel,
        category=_check_category(congress, category), category_checked=bool(category) and actor is not PUBLIC_ACTOR,
        content=_check_content(content), constituent_name=name,
        constituent_phone=phone, phone_hash=crypto.keyed_hash(phone) if phone else "",
        received_at=now, deadline=reply_deadline(congress, timezone.localdate(now)), responsible=responsible)
    for _ in range(5):
        opinion.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                opinion.save()
            break
        except IntegrityError:  # pragma: no cover - a collision in 7.9e17 codes
            opinion.pk = None
    else:  # pragma: no cover
        raise Invalid("请重试")
    audit.record(actor=actor, action="opinion.register", obj=opinion,
                 after={**_view(opinion), "channel": channel, "station": station.pk if station else None,
                        "region": region.pk, "has_name": bool(name), "has_phone": bool(phone)})
    return opinion


# --- the workflow events --------------------------------------------------------------------------------------
def _check_staff(actor: Any) -> None:
    if getattr(actor, "role", None) not in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF):
        raise Forbidden("只有人大工作人员可以办理此操作")


@transaction.atomic
def opinion_accept(*, actor: Any, opinion: Opinion, category: str, responsible: Any = None,
                   version: int | None = None) -> Opinion:
    """Classify the opinion and name the person responsible for its reply (有诉必复，责任到人)."""
    _check_staff(actor)
    opinion = _locked(opinion, version)
    before = _view(opinion)
    opinion.status = workflow.next_status(opinion.status, "accept")
    if not (category or "").strip():
        raise Invalid("请选择分类", fields={"category": ["必填"]})
    opinion.category = _check_category(opinion.congress, category)
    opinion.category_checked = True
    responsible = responsible or opinion.responsible or actor
    if getattr(responsible, "role", None) not in (Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF) or not (
            responsible.region and opinion.region.path.startswith(responsible.region.path)):
        raise Invalid("责任人须是负责该区域的人大工作人员", fields={"responsible": ["无效的责任人"]})
    opinion.responsible = responsible
    _save(opinion, "status", "category", "category_checked", "responsible")
    audit.record(actor=actor, action="opinion.accept", obj=opinion, before=before, after=_view(opinion))
    return opinion


@transaction.atomic
def opinion_reject(*, actor: Any, opinion: Opinion, reason: str, note: str = "",
                   version: int | None = None) -> Opinion:
    """Not accepted: only a matter already before a court or an arbitration body; the reason goes back. The opinions
    merged into it are the same matter (合并办理) and are refused with it, each told the reason by its own code:
    until the twentieth session they stayed 已合并办理 for ever, waiting for a reply that could not come."""
    _check_staff(actor)
    opinion = _locked(opinion, version)
    _refuse_if_merged(opinion, "reason", "随该意见受理或不予受理", "请办理")
    if reason not in NotAcceptedReason.values:
        raise Invalid("不予受理仅限已进入诉讼或仲裁程序的事项", fields={"reason": ["须为 litigation 或 arbitration"]})
    label = NotAcceptedReason(reason).label
    note = clean_text(note)[:500] or f"该事项{label}，依法应通过相应程序解决，人大不予受理。"
    now = timezone.now()
    for o in [opinion, *_merged_into(opinion)]:
        before = _view(o)
        o.status = workflow.next_status(o.status, "reject")
        o.not_accepted_reason, o.status_note, o.closed_at = reason, note, now
        _save(o, "status", "not_accepted_reason", "status_note", "closed_at")
        audit.record(actor=actor, action="opinion.reject", obj=o, before=before,
                     after=_view(o) if o is opinion else {**_view(o), "from_merged_into": opinion.pk})
    return opinion


@transaction.atomic
def opinion_assign(*, actor: Any, opinion: Opinion, unit: HandlingUnit, note: str = "",
                   version: int | None = None) -> Opinion:
    """Transfer to the township government or a county department (a handling unit of the congress's area)."""
    _check_staff(actor)
    opinion = _locked(opinion, version)
    before = _view(opinion)
    opinion.status = workflow.next_status(opinion.status, "assign")
    if not (unit.active and unit_serves(unit, opinion.congress)):
        raise Invalid("承办单位须是本乡镇政府、站所或上级县的部门", fields={"unit": ["无效的承办单位"]})
    opinion.unit = unit
    opinion.status_note = clean_text(note)[:500]
    _save(opinion, "status", "unit", "status_note")
    audit.record(actor=actor, action="opinion.assign", obj=opinion, before=before, after=_view(opinion))
    return opinion


@transaction.atomic
def opinion_reply(*, actor: Any, opinion: Opinion, text: str, version: int | None = None,
                  now: datetime | None = None) -> Opinion:
    """The reply to the constituent: on the spot (from 已登记), by the staff, or by the unit it was assigned to."""
    opinion = _locked(opinion, version)
    role = getattr(actor, "role", None)
    if role == Role.UNIT_USER:  # before the merged case below, whose message names the other opinion's code
        if opinion.status != OpinionStatus.ASSIGNED or opinion.unit_id != actor.unit_id:
            raise Forbidden("只能答复转办给本单位的意见")
    else:
        _check_staff(actor)
    _refuse_if_merged(opinion, "text", "请答复该意见，答复会同时告知本条的群众", "请答复")
    text = clean_text(text)
    if len(text) < 2:
        raise Invalid("请填写答复内容", fields={"text": ["必填"]})
    before = _view(opinion)
    on_the_spot = opinion.status == OpinionStatus.RECEIVED
    opinion.status = workflow.next_status(opinion.status, "reply")
    opinion.reply_text = text[:5000]
    opinion.replied_at = now or timezone.now()
    opinion.replied_on_the_spot = on_the_spot
    if on_the_spot and opinion.responsible is None:
        opinion.responsible = actor
    _save(opinion, "status", "reply_text", "replied_at", "replied_on_the_spot", "responsible",
          *judgment_cleared(opinion))
    audit.record(actor=actor, action="opinion.reply", obj=opinion, before=before, after=_view(opinion))
    reply_merged(primary=opinion, actor=actor)
    return opinion


def judgment_cleared(opinion: Opinion) -> tuple[str, ...]:
    """A new reply has not been judged yet: the judgment of the one before it (the 不满意 that reopened the opinion)
    leaves the row, which holds the judgment of the reply it shows; it stays among the opinion's judgments
    (OpinionJudgment, selectors.earlier_judgments). Before, the page showed that 不满意 under the new reply, and a
    staff 办结 kept it as if it were the new reply's. Called by every way a new reply reaches an opinion (its own,
    its primary's, its deputy suggestion's). The fields to save."""
    if not opinion.satisfaction:
        return ()
    opinion.satisfaction, opinion.satisfaction_comment, opinion.judged_via = "", "", ""
    return ("satisfaction", "satisfaction_comment", "judged_via")


def reply_merged(*, primary: Opinion, actor: Any) -> int:
    """The opinions merged into `primary` get its reply, each for its own constituent to see by its own code and
    judge on its own; called in the transaction that replied to the primary. The number of them."""
    count = 0
    for o in _merged_into(primary):
        before = _view(o)
        o.status = workflow.next_status(o.status, "reply")
        o.reply_text, o.replied_at, o.replied_on_the_spot = primary.reply_text, primary.replied_at, False
        o.responsible = o.responsible or primary.responsible
        _save(o, "status", "reply_text", "replied_at", "replied_on_the_spot", "responsible",
              *judgment_cleared(o))
        audit.record(actor=actor, action="opinion.reply", obj=o, before=before,
                     after={**_view(o), "from_merged_into": primary.pk})
        count += 1
    return count


@transaction.atomic
def opinion_merge(*, actor: Any, opinion: Opinion, into: Opinion, version: int | None = None) -> Opinion:
    """合并办理: `opinion` is the same complaint as `into` (e.g. flagged 疑似重复 by the text engine). It stops being
    handled on its own and gets `into`'s reply when that is given; `into`'s deadline becomes the earlier of the
    two, so that merging never makes a constituent wait longer than their own deadline. Opinions already merged
    into `opinion` follow to `into`. Both must be open opinions of the same congress; `into` may itself be merged,
    then its primary is used. An opinion turned into a deputy suggestion takes no more: link the other one to the
    same suggestion instead (services/conversion.py)."""
    _check_staff(actor)
    while into.merged_into_id is not None and into.status == OpinionStatus.MERGED:
        into = Opinion.objects.get(pk=into.merged_into_id)
    if not selectors.opinions_visible(user=actor).filter(pk=into.pk).exists():
        # the opinion named was merged into one of another region (by county staff): never reach past the scope
        raise Invalid("该意见已与您职责范围以外的意见合并办理，不能再并入", fields={"into": ["不在您的职责范围内"]})
    if into.pk == opinion.pk:
        raise Invalid("不能与自身合并", fields={"into": ["请填写另一条意见的查询码"]})
    # lock both in key order, so that two clerks merging the same pair the other way round wait, not deadlock
    first, second = sorted((opinion.pk, into.pk))
    locked = {o.pk: o for o in Opinion.objects.select_for_update().filter(pk__in=(first, second)).order_by("pk")}
    opinion, into = locked[opinion.pk], locked[into.pk]
    check_version(opinion, version)
    if into.congress_id != opinion.congress_id:
        raise Invalid("只能与同一人大受理的意见合并", fields={"into": ["不是同一人大的意见"]})
    if into.status == OpinionStatus.TO_SUGGESTION:
        raise Invalid(f"意见 {into.code} 已转为代表建议：请把本条也转为同一代表建议",
                      fields={"into": ["已转为代表建议"]})
    if into.status not in workflow.MERGEABLE:
        raise Invalid(f"意见 {into.code} 当前为“{into.get_status_display()}”，不能再并入其他意见",
                      fields={"into": ["该意见已答复、办结或不予受理"]})
    before = _view(opinion)
    opinion.status = workflow.next_status(opinion.status, "merge")
    opinion.merged_into = into
    # shown to the constituent by the tracking code: never the other constituent's code
    opinion.status_note = "与反映同一问题的其他群众意见合并办理，答复时将同时告知您"
    _save(opinion, "status", "merged_into", "status_note")
    audit.record(actor=actor, action="opinion.merge", obj=opinion, before=before, after=_view(opinion))
    for f in _merged_into(opinion):
        f_before = _view(f)
        f.merged_into = into
        _save(f, "merged_into")
        audit.record(actor=actor, action="opinion.merge", obj=f, before=f_before, after=_view(f))
    if opinion.deadline < into.deadline:
        into_before = _view(into)
        into.deadline = opinion.deadline
        _save(into, "deadline")
        audit.record(actor=actor, action="opinion.merge_deadline", obj=into, before=into_before,
                     after={**_view(into), "merged": opinion.pk})
    return opinion


@transaction.atomic
def opinion_evaluate(*, opinion: Opinion, satisfaction: str, comment: str = "", actor: Any = PUBLIC_ACTOR,
                     via: str = JudgedVia.PORTAL, version: int | None = None,
                     now: datetime | None = None) -> Opinion:
    """The constituent's judgment. 不满意 reopens the opinion with a new deadline while reopenings remain
    [setting, default once]; otherwise the opinion is closed. `via`: on the portal, or recorded by a clerk
    (opinion_record_judgment)."""
    now = now or timezone.now()
    opinion = _locked(opinion, version)
    if satisfaction not in Satisfaction.values:
        raise Invalid("请选择满意、基本满意或不满意", fields={"satisfaction": ["无效"]})
    before = _view(opinion)
    opinion.judged_via = via
    limit = int(congress_setting(opinion.congress, "liaison.reopen_limit"))
    reopen = satisfaction == Satisfaction.UNSATISFIED and opinion.reopen_count < limit
    opinion.status = workflow.next_status(opinion.status, "reopen" if reopen else "evaluate")
    opinion.satisfaction = satisfaction
    opinion.satisfaction_comment = clean_text(comment)[:500]
    if reopen:
        opinion.reopen_count += 1
        opinion.deadline = reply_deadline(opinion.congress, timezone.localdate(now))
        opinion.escalated_at = None
    else:
        opinion.closed_at = now
    _save(opinion, "status", "satisfaction", "satisfaction_comment", "reopen_count", "deadline", "escalated_at",
          "closed_at", "judged_via")
    OpinionJudgment.objects.create(opinion=opinion, judged_at=now, satisfaction=satisfaction,
                                   comment=opinion.satisfaction_comment, via=via, reopened=reopen,
                                   recorded_by=actor if via != JudgedVia.PORTAL else None)
    audit.record(actor=actor, action="opinion.reopen" if reopen else "opinion.evaluate", obj=opinion,
                 before=before, after=_view(opinion))
    return opinion


@transaction.atomic
def opinion_record_judgment(*, actor: Any, opinion: Opinion, satisfaction: str, via: str, comment: str = "",
                            version: int | None = None, now: datetime | None = None) -> Opinion:
    """回访: a clerk calls the constituent back or meets them and records the judgment they give, for a constituent
    who does not go online, or who left no phone and lost the code, or whose tries on the portal ran out. The same
    rules as on the portal (不满意 reopens while reopenings remain); the audit names the clerk and how."""
    _check_staff(actor)
    if via not in (JudgedVia.PHONE, JudgedVia.VISIT):
        raise Invalid("请选择回访方式：电话回访或当面回访", fields={"via": ["请选择回访方式"]})
    return opinion_evaluate(opinion=opinion, satisfaction=satisfaction, comment=comment, actor=actor, via=via,
                            version=version, now=now)


@transaction.atomic
def opinion_close(*, actor: Any, opinion: Opinion, version: int | None = None,
                  now: datetime | None = None) -> Opinion:
    """Close a replied opinion (办结), e.g. when no judgment came."""
    _check_staff(actor)
    opinion = _locked(opinion, version)
    before = _view(opinion)
    opinion.status = workflow.next_status(opinion.status, "close")
    opinion.closed_at = now or timezone.now()
    _save(opinion, "status", "closed_at")
    audit.record(actor=actor, action="opinion.close", obj=opinion, before=before, after=_view(opinion))
    return opinion


@transaction.atomic
def opinion_publish(*, actor: Any, opinion: Opinion, summary: str, published: bool = True,
                    version: int | None = None) -> Opinion:
    """Publish (or withdraw) a replied opinion on the portal under a summary written without personal data."""
    _check_staff(actor)
    opinion = _locked(opinion, version)
    if published and opinion.replied_at is None:
        raise Invalid("只能公开已答复的意见", fields={"published": ["尚未答复"]})
    summary = opinion.masked(clean_text(summary))  # the writer's own name too, not only what scrub() finds
    if published and len(summary) < 5:
        raise Invalid("请填写公开摘要（不含任何个人信息）", fields={"summary": ["至少 5 个字"]})
    before = _view(opinion)
    opinion.published = published
    opinion.public_summary = summary[:300]
    _save(opinion, "published", "public_summary")
    audit.record(actor=actor, action="opinion.publish" if published else "opinion.unpublish", obj=opinion,
                 before=before, after=_view(opinion))
    return opinion


# --- reminders and escalation ---------------------------------------------------------------------------------
def _alert(opinion: Opinion, kind: str, days_before: int, office: str, message: str, now: datetime) -> bool:
    """Record the alert once (per opinion, deadline and offset) and put it in the recipients' inboxes."""
    try:
        with transaction.atomic():
            OpinionAlert.objects.create(opinion=opinion, kind=kind, deadline=opinion.deadline,
                                        days_before=days_before, office=office, recipient=opinion.responsible,
                                        message=message[:300], created_at=now)
    except IntegrityError:
        return False
    notify(users=alert_recipients(opinion, kind), kind=f"opinion.{kind}", title=message, obj=opinion,
           link=_staff_link(opinion),
           dedupe_key=f"opinion:{opinion.pk}:{kind}:{days_before}:{opinion.deadline:%Y-%m-%d}")
    if opinion.deputy_id:  # the deputy who follows it with the constituent is told too, on their own page
        from renda.accounts.models import User

        notify(users=User.objects.filter(is_active=True, role=Role.DEPUTY, person_id=opinion.deputy_id),
               kind=f"opinion.{kind}", title=message, obj=opinion, link="/liaison/me/",
               dedupe_key=f"opinion:{opinion.pk}:{kind}:{days_before}:{opinion.deadline:%Y-%m-%d}:deputy")
    return True


def alert_recipients(opinion: Opinion, kind: str) -> list[Any]:
    """A reminder goes to the responsible person (or, with none yet, to the staff of the opinion's township);
    an escalation also to the staff of the congress that answers for it."""
    from renda.accounts.models import User

    staff = User.objects.filter(is_active=True, role__in=[Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF])
    people: list[Any] = [opinion.responsible] if opinion.responsible else []
    if not people or kind == OpinionAlertKind.ESCALATION:
        people += list(staff.filter(region=opinion.congress.region).order_by("pk"))
    return people


def _staff_link(opinion: Opinion) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("liaison:opinion_detail", args=[opinion.pk])
    except NoReverseMatch:
        return ""


def opinion_deadline_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Everything due now: a reminder for each [setting] offset the deadline has come within, and one escalation
    for each opinion past its deadline without a reply. Idempotent (one alert per opinion, deadline and offset)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"reminders": 0, "escalations": 0}
    settings_cache: dict[int, tuple[list[int], str, str]] = {}
    open_opinions = (Opinion.objects.filter(status__in=workflow.AWAITING_REPLY)
                     .select_related("congress", "responsible").order_by("deadline", "id"))
    for opinion in open_opinions.iterator(chunk_size=500):
        if opinion.congress_id not in settings_cache:
            settings_cache[opinion.congress_id] = (
                sorted({int(d) for d in congress_setting(opinion.congress, "liaison.reminder_days_before")}),
                str(congress_setting(opinion.congress, "liaison.reminder_office")),
                str(congress_setting(opinion.congress, "liaison.supervising_office")))
        offsets, reminder_office, supervising_office = settings_cache[opinion.congress_id]
        left = (opinion.deadline - today).days
        code = opinion.code
        if left < 0:
            with transaction.atomic():
                if _alert(opinion, OpinionAlertKind.ESCALATION, 0, supervising_office,
                          f"群众意见 {code} 已超过答复期限（{opinion.deadline:%Y-%m-%d}）未答复，"
                          f"转{supervising_office}督办", now):
                    Opinion.objects.filter(pk=opinion.pk).update(escalated_at=now)
                    audit.record(actor=None, action="opinion.escalate", obj=opinion,
                                 before={"escalated_at": None},
                                 after={"escalated_at": now, "office": supervising_office,
                                        "deadline": opinion.deadline})
                    counts["escalations"] += 1
            continue
        due = [d for d in offsets if left <= d]
        if not due:
            continue
        offset = min(due)  # the nearest threshold crossed; earlier ones missed while no worker ran are not sent late
        with transaction.atomic():
            if _alert(opinion, OpinionAlertKind.REMINDER, offset, reminder_office,
                      f"{reminder_office}提醒：群众意见 {code} 应于 {opinion.deadline:%Y-%m-%d} 前答复，还剩 {left} 天",
                      now):
                audit.record(actor=None, action="opinion.remind", obj=opinion,
                             after={"deadline": opinion.deadline, "days_before": offset, "office": reminder_office,
                                    "recipient": opinion.responsible_id})
                counts["reminders"] += 1
    return counts
