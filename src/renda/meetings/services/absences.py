"""The clerk confirms that a deputy's mandate ends for two unexcused absences (meetings/absences.py): the rule is
checked again from the records, and the mandate is terminated by the deputies app's status service (which checks
the mandate's state table, dates it, takes the deputy out of their groups and audits `mandate.terminate`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from renda.core import audit
from renda.core.errors import Invalid
from renda.deputies.models import Mandate, MandateStatus
from renda.deputies.services import mandate_change_status
from renda.meetings import absences


@transaction.atomic
def absence_termination_confirm(*, actor: Any, mandate: Mandate, on: date | None = None,
                                version: int | None = None) -> Mandate:
    mandate = Mandate.objects.select_for_update().select_related("person", "term").get(pk=mandate.pk)
    proposal = absences.proposal_for(mandate)
    if proposal is None:
        raise Invalid(f"{mandate.person.name}没有两次未经批准不出席本级人民代表大会会议的记录，不能据此终止代表资格",
                      code="absences_not_enough")
    mandate = mandate_change_status(actor=actor, mandate=mandate, status=MandateStatus.TERMINATED,
                                    date=on or timezone.localdate(), reason=proposal.reason, version=version)
    audit.record(actor=actor, action="mandate.absence_termination", obj=mandate,
                 object_repr=f"{mandate.person.name} · {mandate.congress}",
                 after={"person": mandate.person_id, "law": absences.LAW,
                        "sessions": [s.pk for s in proposal.sessions], "status_date": mandate.status_date})
    return mandate
