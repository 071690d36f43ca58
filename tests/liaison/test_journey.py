"""Done when (issue 4): a constituent goes from "who is my deputy" to a judged answer without an account — every
step through the pages a phone would use, with the opinion's owner, deadline and audit trail checked on the way."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.utils import timezone

from renda.core.models import AuditEntry
from renda.liaison.models import Opinion, OpinionStatus
from renda.liaison.services.opinions import format_code

pytestmark = pytest.mark.django_db


def test_from_who_is_my_deputy_to_a_judged_answer_without_an_account(liaison):
    villager = Client()
    found = villager.get("/portal/", {"q": "甲村"}).content.decode()
    assert f"/portal/place/{liaison.tree.village_a.pk}/" in found
    place = villager.get(f"/portal/place/{liaison.tree.village_a.pk}/").content.decode()
    assert "王一" in place and f"/portal/stations/{liaison.central.pk}/" in place
    assert villager.get(f"/portal/stations/{liaison.central.pk}/").status_code == 200

    sent = villager.post("/portal/opinions/new/", {
        "station": liaison.central.pk, "village": liaison.tree.village_a.pk, "category": "",
        "content": "甲村小学门口没有减速带，孩子上学很危险。", "name": "", "phone": "", "website": ""})
    assert sent.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.deadline == timezone.localdate(opinion.received_at) + relativedelta(months=1), "a deadline"
    track = sent["Location"].split("?")[0]
    assert "已登记" in villager.get(track).content.decode()

    clerk = Client()
    clerk.force_login(liaison.clerk)
    clerk.post(f"/liaison/opinions/{opinion.pk}/accept/", {"category": "城建交通", "version": opinion.version})
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ACCEPTED and opinion.responsible == liaison.clerk, "an owner"
    clerk.post(f"/liaison/opinions/{opinion.pk}/reply/", {"text": "已在校门口设置减速带和警示标志。",
                                                          "version": opinion.version})
    page = villager.get(track).content.decode()
    assert "已在校门口设置减速带" in page and 'data-testid="evaluate-form"' in page

    judged = villager.post(f"/portal/track/{format_code(opinion.tracking_code)}/evaluate/",
                           {"satisfaction": "satisfied", "comment": "谢谢"})
    assert judged.status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.CLOSED and opinion.satisfaction == "satisfied"
    trail = list(AuditEntry.objects.filter(object_type="liaison.opinion", object_id=str(opinion.pk))
                 .order_by("seq").values_list("action", flat=True))
    assert trail == ["opinion.register", "opinion.accept", "opinion.reply", "opinion.evaluate"]
    assert "满意" in villager.get(track).content.decode()
