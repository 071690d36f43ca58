"""What every workflow service does around its own change: who may act, the version, the state table, the
timeline entry and the audit entry (before → after, the last write of the transaction)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from renda.core import audit
from renda.core.errors import Forbidden
from renda.core.roles import Role
from renda.core.scope import check_version
from renda.notifications.services import notify
from renda.organizations.services import congress_setting
from renda.suggestions import workflow
from renda.suggestions.models import Assignment, CoSigner, Suggestion, SuggestionEvent, UnitRole

TRACKED = ["status", "version", "kind", "number", "title", "category", "channel", "return_reason",
           "review_note", "assign_due", "bill_decision", "bill_decided_by", "bill_decision_reason",
           "converted_from_bill", "merged_into", "lead_unit", "assigned_on", "deadline", "deadline_basis",
           "extension_reason", "overdue_since", "first_replied_on", "result_class", "satisfaction",
           "met_in_person", "closed_on", "key_supervised"]


def today() -> date:
    """The local date every deadline counts from (tests move it with monkeypatch)."""
    return timezone.localdate()


def setting(suggestion: Suggestion, key: str) -> Any:
    return congress_setting(suggestion.congress, key)


def is_related(actor: Any, s: Suggestion, relation: str) -> bool:
    if relation == "lead_deputy":
        return bool(actor.person_id) and actor.person_id == s.lead_deputy_id
    if relation == "co_signer":
        return bool(actor.person_id) and CoSigner.objects.filter(suggestion=s, person_id=actor.person_id).exists()
    if relation == "staff":
        return actor.region is not None and s.region_path.startswith(actor.region.path)
    if relation == "lead_unit":
        return bool(actor.unit_id) and s.lead_unit_id == actor.unit_id
    if relation == "co_unit":
        return bool(actor.unit_id) and Assignment.objects.filter(
            suggestion=s, unit_id=actor.unit_id, role=UnitRole.CO, active=True).exists()
    raise ValueError(relation)


def begin(*, actor: Any, suggestion: Suggestion, event: str, version: int | None) -> tuple[Suggestion, dict]:
    """Lock the row and check, in this order: the actor's role may take the event at all (403), the copy is
    current (409 stale_version), the state table allows the event now (409 invalid_transition), and the actor
    is the one this suggestion needs — its lead deputy, its lead unit … (403)."""
    spec = workflow.EVENTS[event]
    label = workflow.EVENT_LABELS[event]
    if getattr(actor, "role", None) not in spec.roles:
        raise Forbidden(f"只有{spec.label}可以{label}")
    s = Suggestion.objects.select_for_update().select_related("congress__region").get(pk=suggestion.pk)
    check_version(s, version)
    workflow.check(s.kind, s.status, event)
    if not is_related(actor, s, spec.relation):
        raise Forbidden(f"只有本件的{spec.label}可以{label}")
    return s, audit.snapshot(s, TRACKED)


def finish(*, actor: Any, s: Suggestion, event: str, to: str, before: dict, note: str = "",
           extra: dict | None = None, bump: bool = True) -> Suggestion:
    """Move to `to` (checked against the table), bump the version, write the timeline and the audit entry.
    `bump=False` for an event that changes nothing another person could be editing (a reminder), so that it
    does not make the unit's open reply form stale."""
    from_status = s.status
    # checked against the table of the kind the suggestion had when the event began (a bill decided to be
    # handled as a suggestion changes kind in that event)
    s.status = workflow.check(before["kind"], from_status, event, to)
    if bump:
        s.version += 1
    s.save()
    SuggestionEvent.objects.create(suggestion=s, event=event, from_status=from_status, to_status=s.status,
                                   actor=actor if getattr(actor, "pk", None) else None, note=note)
    after = audit.snapshot(s, TRACKED)
    changed_before = {k: v for k, v in before.items() if after.get(k) != v}
    changed_after = {k: after[k] for k in changed_before}
    changed_after.update(extra or {})
    audit.record(actor=actor, action=f"suggestion.{event}", obj=s, before=changed_before, after=changed_after)
    return s


# --- who is told -------------------------------------------------------------------------------------------

def link(s: Suggestion) -> str:
    return f"/suggestions/{s.pk}/"


def users() -> QuerySet[Any]:
    return get_user_model().objects.filter(is_active=True)


def staff_of(s: Suggestion) -> QuerySet[Any]:
    from renda.accounts.selectors import congress_staff

    return congress_staff(s.congress)


def signers_of(s: Suggestion) -> QuerySet[Any]:
    people = [s.lead_deputy_id, *CoSigner.objects.filter(suggestion=s).values_list("person_id", flat=True)]
    return users().filter(role=Role.DEPUTY, person_id__in=people)


def unit_users(unit_ids: list[int]) -> QuerySet[Any]:
    return users().filter(role=Role.UNIT_USER, unit_id__in=unit_ids)


def tell(recipients: QuerySet[Any], s: Suggestion, kind: str, title: str, body: str = "") -> None:
    notify(users=recipients, kind=f"suggestion.{kind}", title=title, body=body, link=link(s), obj=s)
