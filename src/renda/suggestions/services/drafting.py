"""The deputy's side before review: writing a draft, inviting co-signers (附议), submitting, withdrawing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from renda.core import audit
from renda.core.errors import Forbidden, Invalid, InvalidTransition
from renda.core.roles import STAFF_ROLES, Role
from renda.deputies.models import Mandate, Person
from renda.organizations.models import Congress, Region, RegionLevel
from renda.organizations.services import congress_categories
from renda.suggestions import rules, selectors
from renda.suggestions.models import Channel, CoSigner, Kind, Status, Suggestion
from renda.suggestions.services._base import TRACKED, begin, finish, signers_of, staff_of, tell, today


def _active_mandate(person: Person, congress: Congress) -> Mandate | None:
    return selectors.serving_mandates(congress_id=congress.pk).select_related("district__region").filter(
        person=person).first()


def _township_of(region: Region | None) -> Region | None:
    if region is None:
        return None
    if region.level in (RegionLevel.TOWNSHIP, RegionLevel.STREET):
        return region
    if region.level == RegionLevel.VILLAGE:
        return region.parent
    return None


def _check_fields(*, congress: Congress, kind: str, channel: str, title: str, content: str,
                  category: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = ["类别无效"]
    if channel not in Channel.values:
        errors["channel"] = ["提出途径无效"]
    if kind == Kind.BILL and channel != Channel.SESSION:
        errors["channel"] = ["议案只能在人民代表大会会议期间提出"]
    if not title.strip():
        errors["title"] = ["请填写标题"]
    elif len(title) > 200:
        errors["title"] = ["标题不能超过 200 字"]
    if not content.strip():
        errors["content"] = ["请填写建议内容"]
    if messages := category_errors(congress, category):
        errors["category"] = messages
    return errors


def category_errors(congress: Congress, category: str) -> list[str]:
    """What is wrong with a suggestion's domain category: it must be one of the congress's [setting] org.categories
    (or none)."""
    return ["领域分类不在本级人大设定的分类中"] if category and category not in congress_categories(congress) else []


def _co_signer_people(congress: Congress, lead: Person, people: Iterable[Person]) -> list[Person]:
    out, bad = [], []
    for person in people:
        if person.pk == lead.pk or person in out:
            continue
        if _active_mandate(person, congress) is None:
            bad.append(person.name)
        out.append(person)
    if bad:
        message = f"{'、'.join(bad)} 不是本级人大的在任代表"
        raise Invalid("附议人须为本级人大的在任代表", fields={"co_signers": [message]})
    return out


@transaction.atomic
def suggestion_create(*, actor: Any, congress: Congress, kind: str, channel: str, title: str, content: str,
                      category: str = "", co_signers: Iterable[Person] = ()) -> Suggestion:
    """A deputy's draft; only a deputy of this congress in office may write one."""
    if getattr(actor, "role", None) != Role.DEPUTY or not actor.person_id:
        raise Forbidden("只有代表本人可以提出建议或议案")
    lead = actor.person
    mandate = _active_mandate(lead, congress)
    if mandate is None:
        raise Invalid("您不是该级人民代表大会的在任代表", fields={"congress": ["您不是该级人大的在任代表"]})
    return _write(actor=actor, congress=congress, lead=lead, mandate=mandate, kind=kind, channel=channel,
                  title=title, content=content, category=category, co_signers=co_signers)


def _write(*, actor: Any, congress: Congress, lead: Person, mandate: Mandate, kind: str, channel: str, title: str,
           content: str, category: str, co_signers: Iterable[Person], paper: bool = False) -> Suggestion:
    """The new suggestion and its co-signers, audited as `suggestion.create`. On paper (代录) the clerk is kept as
    `entered_by` and the co-signers, who signed the original, are confirmed."""
    errors = _check_fields(congress=congress, kind=kind, channel=channel, title=title, content=content,
                           category=category)
    if errors:
        raise Invalid(fields=errors)
    people = _co_signer_people(congress, lead, co_signers)
    district_region = mandate.district.region if mandate.district else congress.region
    s = Suggestion.objects.create(
        congress=congress, region_path=congress.region.path, township=_township_of(district_region),
        kind=kind, channel=channel, title=title.strip(), content=content.strip(), category=category,
        lead_deputy=lead, year=today().year, entered_by=actor if paper else None)
    confirmed = timezone.now() if paper else None
    CoSigner.objects.bulk_create([CoSigner(suggestion=s, person=p, confirmed_at=confirmed) for p in people])
    after = {"kind": kind, "channel": channel, "title": s.title, "congress": congress.pk,
             "co_signers": [p.pk for p in people]}
    if paper:
        after.update({"lead_deputy": lead.pk, "entered_by": actor.pk, "paper": True})
    audit.record(actor=actor, action="suggestion.create", obj=s, after=after)
    return s


@transaction.atomic
def suggestion_update_draft(*, actor: Any, suggestion: Suggestion, version: int | None = None,
                            title: str | None = None, content: str | None = None, category: str | None = None,
                            channel: str | None = None, co_signers: Iterable[Person] | None = None) -> Suggestion:
    """Edit one's own draft; co-signers no longer listed are removed, new ones invited."""
    if getattr(actor, "role", None) != Role.DEPUTY or actor.person_id != suggestion.lead_deputy_id:
        raise Forbidden("只有领衔代表可以修改草稿")
    s = Suggestion.objects.select_for_update().select_related("congress__region").get(pk=suggestion.pk)
    from renda.core.scope import check_version

    check_version(s, version)
    if s.status != Status.DRAFT:
        raise InvalidTransition("只有草稿可以修改", fields={"status": ["只有草稿可以修改"]})
    before = audit.snapshot(s, ["title", "content", "category", "channel", "version"])
    before["co_signers"] = sorted(CoSigner.objects.filter(suggestion=s).values_list("person_id", flat=True))
    s.title = s.title if title is None else title.strip()
    s.content = s.content if content is None else content.strip()
    s.category = s.category if category is None else category
    s.channel = s.channel if channel is None else channel
    errors = _check_fields(congress=s.congress, kind=s.kind, channel=s.channel, title=s.title, content=s.content,
                           category=s.category)
    if errors:
        raise Invalid(fields=errors)
    if co_signers is not None:
        people = _co_signer_people(s.congress, s.lead_deputy, co_signers)
        CoSigner.objects.filter(suggestion=s).exclude(person__in=people).delete()
        have = set(CoSigner.objects.filter(suggestion=s).values_list("person_id", flat=True))
        CoSigner.objects.bulk_create([CoSigner(suggestion=s, person=p) for p in people if p.pk not in have])
    s.version += 1
    s.save()
    after = audit.snapshot(s, ["title", "content", "category", "channel", "version"])
    after["co_signers"] = sorted(CoSigner.objects.filter(suggestion=s).values_list("person_id", flat=True))
    audit.record(actor=actor, action="suggestion.edit", obj=s, before=before, after=after)
    return s


@transaction.atomic
def suggestion_cosign(*, actor: Any, suggestion: Suggestion, version: int | None = None) -> Suggestion:
    """An invited deputy confirms signing (附议), while a deputy of the congress in office: one whose mandate ended
    since the invitation (辞职, 调离…) may no longer sign, and is not asked to on their home page."""
    s, before = begin(actor=actor, suggestion=suggestion, event="cosign", version=version)
    if actor.person_id in selectors.out_of_office(s):
        message = "您已不是本级人大的在任代表，不能附议"
        raise Invalid(message, code="not_serving", fields={"__all__": [message]})
    CoSigner.objects.filter(suggestion=s, person_id=actor.person_id, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now())
    return finish(actor=actor, s=s, event="cosign", to=Status.DRAFT, before=before,
                  extra={"co_signer": actor.person_id})


def signer_count(s: Suggestion) -> int:
    """The lead deputy and every co-signer who has confirmed and is still a deputy of the congress in office (联名 is
    by deputies: a signature whose mandate ended before the bill is submitted does not count)."""
    return 1 + CoSigner.objects.filter(suggestion=s, confirmed_at__isnull=False).exclude(
        person_id__in=selectors.out_of_office(s)).count()


def _next_number(s: Suggestion, year: int) -> str:
    Congress.objects.select_for_update().filter(pk=s.congress_id).first()  # numbers of one congress in turn
    prefix = f"{year}-"
    taken = Suggestion.objects.filter(congress_id=s.congress_id, number__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


def _submit(*, actor: Any, s: Suggestion, before: dict, note: str = "") -> Suggestion:
    """What submitting checks and does, whoever submits (the deputy, or a clerk entering a paper original)."""
    errors = _check_fields(congress=s.congress, kind=s.kind, channel=s.channel, title=s.title, content=s.content,
                           category=s.category)
    if errors:
        raise Invalid(fields=errors)
    if _active_mandate(s.lead_deputy, s.congress) is None:
        message = f"{s.lead_deputy.name} 已不是本级人大的在任代表，不能提出"
        raise Invalid(message, code="not_serving", fields={"__all__": [message]})
    if s.kind == Kind.BILL:
        needed = rules.bill_min_signers(s.congress.region.level)
        have = signer_count(s)
        if have < needed:
            gone = CoSigner.objects.filter(suggestion=s, confirmed_at__isnull=False,
                                           person_id__in=selectors.out_of_office(s)).select_related("person")
            left = f"（{'、'.join(c.person.name for c in gone)} 已不在任，不计入）" if gone else ""
            message = f"议案须由代表 {needed} 人以上联名提出（含领衔代表），目前确认联名 {have} 人{left}"
            raise Invalid(message, code="bill_signers_below_threshold",
                          fields={"co_signers": [message]}, needed=needed, signers=have)
    if not s.number:  # a revised suggestion keeps the number it was first given
        s.year = today().year
        s.number = _next_number(s, s.year)
    s.submitted_at = timezone.now()
    what = "议案" if s.kind == Kind.BILL else "建议"
    tell(staff_of(s), s, "submitted", f"新{what}待审查：{s.title}",
         f"{s.lead_deputy.name} 代表提交了{what}“{s.title}”。")
    return finish(actor=actor, s=s, event="submit", to=Status.SUBMITTED, before=before, note=note)


@transaction.atomic
def suggestion_submit(*, actor: Any, suggestion: Suggestion, version: int | None = None) -> Suggestion:
    s, before = begin(actor=actor, suggestion=suggestion, event="submit", version=version)
    return _submit(actor=actor, s=s, before=before)


@transaction.atomic
def suggestion_enter_paper(*, actor: Any, congress: Congress, lead_deputy: Person, kind: str, channel: str,
                           title: str, content: str, category: str = "", co_signers: Iterable[Person] = (),
                           note: str = "") -> Suggestion:
    """代录: a clerk enters a suggestion or bill handed in on paper, on the lead deputy's behalf, and submits it.
    The deputy is its author and sees it as theirs; the co-signers signed the paper, so they count as confirmed.
    Who entered it is kept (`entered_by`, the timeline and the audit log)."""
    if getattr(actor, "role", None) not in STAFF_ROLES or actor.region is None \
            or not congress.region.path.startswith(actor.region.path):
        raise Forbidden("只有本级人大工作人员可以代录纸质建议")
    mandate = _active_mandate(lead_deputy, congress)
    if mandate is None:
        raise Invalid("领衔代表须为该级人大的在任代表",
                      fields={"lead_deputy": [f"{lead_deputy.name} 不是本级人大的在任代表"]})
    s = _write(actor=actor, congress=congress, lead=lead_deputy, mandate=mandate, kind=kind, channel=channel,
               title=title, content=content, category=category, co_signers=co_signers, paper=True)
    s = Suggestion.objects.select_for_update().select_related("congress__region", "lead_deputy").get(pk=s.pk)
    before = audit.snapshot(s, TRACKED)
    what = "议案" if kind == Kind.BILL else "建议"
    s = _submit(actor=actor, s=s, before=before, note=f"纸质{what}，由{actor}代录。{note.strip()}".strip())
    tell(signers_of(s), s, "entered", f"您的{what}已由工作人员代录：{s.title}",
         f"{what}“{s.title}”（纸质）已由{actor}录入并提交，编号 {s.number}，请在平台查看办理进展。")
    return s


@transaction.atomic
def suggestion_withdraw(*, actor: Any, suggestion: Suggestion, reason: str = "",
                        version: int | None = None) -> Suggestion:
    s, before = begin(actor=actor, suggestion=suggestion, event="withdraw", version=version)
    if s.status != Status.DRAFT:
        tell(staff_of(s), s, "withdrawn", f"代表已撤回：{s.title}", reason)
    return finish(actor=actor, s=s, event="withdraw", to=Status.WITHDRAWN, before=before, note=reason)


@transaction.atomic
def suggestion_revise(*, actor: Any, suggestion: Suggestion, version: int | None = None) -> Suggestion:
    """A returned suggestion goes back to the deputy's drafts, to be improved and submitted again."""
    s, before = begin(actor=actor, suggestion=suggestion, event="revise", version=version)
    s.return_reason = ""
    return finish(actor=actor, s=s, event="revise", to=Status.DRAFT, before=before)


__all__ = ["signer_count", "suggestion_cosign", "suggestion_create", "suggestion_enter_paper",
           "suggestion_revise",
           "suggestion_submit", "suggestion_update_draft", "suggestion_withdraw"]
