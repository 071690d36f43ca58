"""联名 and 附议 are by deputies in office: a co-signer invited while in office whose mandate then ended (辞职, 调离…)
is not asked, may not sign, and does not count towards a bill's signer minimum; a lead deputy out of office may not
submit. DOMAIN.md §3; 代表法 / 地方组织法 on deputies' joint bills."""

from __future__ import annotations

import pytest

from renda.core.errors import Invalid
from renda.deputies.models import MandateStatus
from renda.suggestions import services
from renda.suggestions.models import Status, Suggestion
from renda.suggestions.selectors import actions_for
from renda.web.todo import todo
from tests.helpers import logged_in
from tests.suggestions import conftest as suggestion_fixtures

world, calendar_years, media_in_tmp = (suggestion_fixtures.world, suggestion_fixtures.calendar_years,
                                       suggestion_fixtures.media_in_tmp)

pytestmark = pytest.mark.django_db


def resign(person, congress) -> None:
    person.mandates.filter(congress=congress).update(status=MandateStatus.TERMINATED)


def test_a_deputy_whose_mandate_ended_is_not_asked_to_co_sign_and_may_not(world):
    draft = world.create(title="增设甲村公交站")
    assert "cosign" in actions_for(world.cosigner, draft)
    assert [line.count for line in todo(world.cosigner) if line.key == "cosign"] == [1]

    resign(world.cosigner.person, world.tree.congress_a)
    draft = Suggestion.objects.get(pk=draft.pk)
    assert "cosign" not in actions_for(world.cosigner, draft), "the page and the API no longer offer 附议"
    assert "cosign" not in {line.key for line in todo(world.cosigner)}
    assert "共 0 件" in logged_in(world.cosigner).get("/suggestions/?cosign=1").content.decode()
    with pytest.raises(Invalid) as refused:
        services.suggestion_cosign(actor=world.cosigner, suggestion=draft)
    assert refused.value.code == "not_serving"
    page = logged_in(world.lead).get(f"/suggestions/{draft.pk}/").content.decode()
    assert f"{world.cosigner.person.name}（已不在任）" in page


def test_a_signature_given_in_office_stops_counting_for_a_bill_once_the_mandate_ends(world):
    """Five signers are the township minimum here; one of them resigns before the bill is submitted: it is refused,
    naming who no longer counts, and the page marks the signature."""
    bill = world.create(kind="bill", channel="session", co_signers=list(world.deputies[:4]))
    bill = world.step(bill, "confirm_all")
    assert services.signer_count(bill) == 5
    gone = world.deputies[0]
    resign(gone, world.tree.congress_a)
    assert services.signer_count(bill) == 4
    with pytest.raises(Invalid) as refused:
        services.suggestion_submit(actor=world.lead, suggestion=bill)
    assert refused.value.code == "bill_signers_below_threshold"
    assert f"目前确认联名 4 人（{gone.name} 已不在任，不计入）" in refused.value.message
    assert Suggestion.objects.get(pk=bill.pk).status == Status.DRAFT
    page = logged_in(world.lead).get(f"/suggestions/{bill.pk}/").content.decode()
    assert f"{gone.name}（已不在任，不计入联名）" in page


def test_a_lead_deputy_out_of_office_may_not_submit(world):
    draft = world.create(title="修缮甲村道路")
    resign(world.lead.person, world.tree.congress_a)
    with pytest.raises(Invalid) as refused:
        services.suggestion_submit(actor=world.lead, suggestion=draft)
    assert refused.value.code == "not_serving" and "已不是本级人大的在任代表" in refused.value.message
    assert Suggestion.objects.get(pk=draft.pk).status == Status.DRAFT
