"""Background retraining: every night each congress's models are retrained from its labelled history (clerks'
corrections included); an app may also enqueue `retrain_congress` after a batch of corrections."""

from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from renda.core.jobs import periodic
from renda.insights import services, sources
from renda.insights.classifier import NotEnoughHistory
from renda.organizations.models import Congress

logger = logging.getLogger("renda.insights")


@task()
def retrain_congress(congress_id: int, kind: str) -> bool:
    """Retrain one model; False when the history is still too small (the congress then gets no suggestions)."""
    congress = Congress.objects.get(pk=congress_id)
    try:
        services.model_train(actor=None, congress=congress, kind=kind)
    except NotEnoughHistory as exc:
        logger.info("congress %s %s: %s", congress_id, kind, exc.message)
        return False
    return True


@periodic(every=timedelta(days=1), offset=timedelta(hours=2))
@task()
def retrain_models() -> int:
    """Retrain every congress's models for which some app supplies labels; the number trained."""
    trained = 0
    kinds = [k for k in sources.KINDS if sources.has_sources(k)]
    if not kinds:
        return 0
    for congress_id in Congress.objects.values_list("pk", flat=True):
        for kind in kinds:
            trained += bool(retrain_congress.call(congress_id, kind))
    return trained
