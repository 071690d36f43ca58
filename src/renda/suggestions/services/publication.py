"""Publishing a reply (答复公开): prepared with personal data removed by rule, checked and published by staff,
withdrawn with a reason. The congress decides whether replies are published, and within how long [setting]."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from renda.core import audit, masking
from renda.core.errors import Forbidden, Invalid, InvalidTransition
from renda.core.roles import STAFF_ROLES
from renda.suggestions.models import Publication, PublicationStatus, Reply
from renda.suggestions.services._base import is_related, setting
from renda.workdays.calendar import days_deadline

# What a published title or text must not contain: what lists mask (core.masking: e-mail addresses, mobile numbers
# as people write them, ID numbers of 18 or 15 characters, landlines; full-width digits too).
personal_data_found = masking.pii_found


def redact(text: str) -> str:
    """`text` with each piece of personal data replaced by as many asterisks (a draft for the staff's check), read
    with full-width digits as digits; the rest of the text is left as written (full-width dates stay full-width)."""
    chars, read = list(text), text.translate(masking.HALF_WIDTH)  # one character for one: the same positions
    for pattern in masking.PII_PATTERNS:
        for m in pattern.finditer(read):
            chars[m.start():m.end()] = "*" * (m.end() - m.start())
    return "".join(chars)


def _staff(actor: Any, reply: Reply) -> None:
    if getattr(actor, "role", None) not in STAFF_ROLES or not is_related(actor, reply.suggestion, "staff"):
        raise Forbidden("只有本级人大工作人员可以公开答复")


@transaction.atomic
def publication_prepare(*, actor: Any, reply: Reply) -> Publication:
    """A draft for the public portal: the reply's text with personal data masked, to be checked by a person."""
    s = reply.suggestion
    _staff(actor, reply)
    if not setting(s, "suggestions.publication_enabled"):
        raise Invalid("本级人大未开启答复公开", code="publication_disabled")
    if hasattr(reply, "publication"):
        return reply.publication
    due = days_deadline(reply.replied_on, setting(s, "suggestions.publication_days"), congress=s.congress)
    publication = Publication.objects.create(
        reply=reply, title=redact(f"关于《{s.title}》的答复"), text=redact(reply.text), due=due.due, prepared_by=actor)
    audit.record(actor=actor, action="publication.prepare", obj=publication,
                 after={"reply": reply.pk, "due": due.due})
    return publication


@transaction.atomic
def publication_publish(*, actor: Any, publication: Publication, title: str, text: str,
                        checked: bool) -> Publication:
    p = Publication.objects.select_for_update().select_related("reply__suggestion").get(pk=publication.pk)
    _staff(actor, p.reply)
    if p.status == PublicationStatus.PUBLISHED:
        raise InvalidTransition("该答复已公开")
    errors: dict[str, list[str]] = {}
    if not checked:
        errors["checked"] = ["请核对公开文本，确认已去除个人信息"]
    for field, value, where in (("title", title, "标题"), ("text", text, "公开文本")):
        found = personal_data_found(value)
        if found:
            errors[field] = [f"{where}中仍有{'、'.join(found)}，请删除"]
    if not title.strip() or not text.strip():
        errors.setdefault("text", []).append("标题和正文不能为空")
    if errors:
        raise Invalid("不能公开", fields=errors)
    before = {"status": p.status, "text": p.text}
    p.title, p.text, p.status = title.strip(), text.strip(), PublicationStatus.PUBLISHED
    p.checked_by, p.published_at, p.withdrawn_reason = actor, timezone.now(), ""
    p.save()
    audit.record(actor=actor, action="publication.publish", obj=p, before=before,
                 after={"status": p.status, "text": p.text, "late": bool(p.due and timezone.localdate() > p.due)})
    return p


@transaction.atomic
def publication_withdraw(*, actor: Any, publication: Publication, reason: str) -> Publication:
    p = Publication.objects.select_for_update().select_related("reply__suggestion").get(pk=publication.pk)
    _staff(actor, p.reply)
    if p.status != PublicationStatus.PUBLISHED:
        raise InvalidTransition("只有已公开的答复可以撤下")
    if not reason.strip():
        raise Invalid(fields={"reason": ["请说明撤下理由"]})
    p.status, p.withdrawn_reason = PublicationStatus.WITHDRAWN, reason.strip()
    p.save()
    audit.record(actor=actor, action="publication.withdraw", obj=p, before={"status": "published"},
                 after={"status": p.status, "reason": p.withdrawn_reason})
    return p
