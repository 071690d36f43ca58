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
def retrain_congress(congress_id: int, kind: str, actor_id: int | None = None) -> bool:
    """Retrain one model; False when the history is still too small (the congress then gets no suggestions).
    `actor_id`: the user who asked for it (立即重新学习), named in the audit entry; none for the nightly run."""
    from renda.accounts.models import User

    congress = Congress.objects.get(pk=congress_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    try:
        services.model_train(actor=actor, congress=congress, kind=kind)
    except NotEnoughHistory as exc:
        logger.info("congress %s %s: %s", congress_id, kind, exc.message)
        return False
    return True


@periodic(every=timedelta(days=1), offset=timedelta(hours=2))
@task()
def retrain_models() -> int:
    """Retrain every congress's models for which some app supplies labels; the number trained. A model that fails
    to train (say, a full disk) is logged with its cause and keeps its older version; the others are trained all
    the same, and the job fails at the end, so that the failure shows in the job's record."""
    trained = 0
    failed = []
    kinds = [k for k in sources.KINDS if sources.has_sources(k)]
    if not kinds:
        return 0
    for congress_id in Congress.objects.values_list("pk", flat=True):
        for kind in kinds:
            try:
                trained += bool(retrain_congress.call(congress_id, kind))
            except Exception:
                logger.exception("congress %s %s: retraining failed", congress_id, kind)
                failed.append(f"{congress_id}/{kind}")
    if failed:
        raise RuntimeError(f"retraining failed for {', '.join(failed)} ({trained} trained); see the log")
    return trained
