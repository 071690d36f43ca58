"""合并办理: the same complaint registered twice (flagged 疑似重复 by the text engine) is handled once. The duplicate
follows the primary, gets its reply, and its constituent judges it on their own; the primary's deadline becomes
the earlier of the two, so merging never makes anyone wait past their own deadline (有诉必复)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from renda.core.errors import Invalid, InvalidTransition, StaleVersion
from renda.core.models import AuditEntry
from renda.liaison.models import Opinion, OpinionStatus
from renda.liaison.services import opinions as svc
from tests.helpers import api_client
from tests.liaison.test_opinions import at, register

pytestmark = pytest.mark.django_db
POTHOLE = "幸福村村口道路破损严重，雨天积水，群众出行不便，希望尽快修复。"


def test_a_merged_opinion_gets_the_primarys_reply_and_is_judged_on_its_own(liaison):
    first = register(liaison, content=POTHOLE, now=at(2026, 3, 2))
    second = register(liaison, content="村口道路破损严重，一下雨就积水，出行很不方便，请尽快修复。",
                      now=at(2026, 3, 20), phone="13900001111")
    assert (first.deadline, second.deadline) == (date(2026, 4, 2), date(2026, 4, 20))
    # the later complaint becomes the one handled: its deadline moves to the earlier one's
    merged = svc.opinion_merge(actor=liaison.clerk, opinion=first, into=second, version=first.version)
    assert (merged.status, merged.merged_into_id) == (OpinionStatus.MERGED, second.pk)
    # the constituent reads the note by their code: it must not give away the other constituent's code
    public = Client().get(f"/api/v1/public/opinions/{first.tracking_code}").json()
    assert public["status"] == "merged" and "合并办理" in public["note"]
    assert second.tracking_code not in json.dumps(public) and svc.format_code(second.tracking_code) not in json.dumps(
        public)
    second.refresh_from_db()
    assert second.deadline == date(2026, 4, 2)
    assert AuditEntry.objects.filter(action="opinion.merge_deadline", object_id=str(second.pk)).exists()
    merge_entry = AuditEntry.objects.get(action="opinion.merge")
    assert (json.loads(merge_entry.before)["status"], json.loads(merge_entry.after)["status"]) == ("received", "merged")

    with pytest.raises(Invalid, match="合并办理，请答复该意见"):
        svc.opinion_reply(actor=liaison.clerk, opinion=merged, text="直接答复")
    # the sweep chases the primary only: the merged one has no clock of its own any more
    assert svc.opinion_deadline_sweep(now=at(2026, 4, 3, 8)) == {"reminders": 0, "escalations": 1}
    assert not AuditEntry.objects.filter(action="opinion.escalate", object_id=str(first.pk)).exists()

    svc.opinion_reply(actor=liaison.clerk, opinion=second, text="已安排镇村建设办于4月15日前修复路面。",
                      now=at(2026, 4, 1))
    first.refresh_from_db()
    assert (first.status, first.reply_text) == (OpinionStatus.REPLIED, "已安排镇村建设办于4月15日前修复路面。")
    assert first.replied_at == at(2026, 4, 1)
    entry = AuditEntry.objects.filter(action="opinion.reply", object_id=str(first.pk)).get()
    assert json.loads(entry.after)["from_merged_into"] == second.pk

    assert svc.opinion_evaluate(opinion=first, satisfaction="unsatisfied").status == OpinionStatus.REOPENED
    assert svc.opinion_evaluate(opinion=second, satisfaction="satisfied").status == OpinionStatus.CLOSED


def test_merging_follows_chains_and_moves_the_followers_along(liaison):
    a, b, c = (register(liaison, content=f"{POTHOLE}（第{i}次反映）", phone=f"1390000222{i}") for i in range(3))
    svc.opinion_merge(actor=liaison.clerk, opinion=a, into=b)
    svc.opinion_merge(actor=liaison.clerk, opinion=c, into=Opinion.objects.get(pk=a.pk))  # into a merged one → b
    assert Opinion.objects.get(pk=c.pk).merged_into_id == b.pk
    d = register(liaison, content=POTHOLE)
    svc.opinion_merge(actor=liaison.clerk, opinion=Opinion.objects.get(pk=b.pk), into=d)
    assert set(Opinion.objects.filter(merged_into=d).values_list("pk", flat=True)) == {a.pk, b.pk, c.pk}
    svc.opinion_reply(actor=liaison.clerk, opinion=d, text="已修复。")
    assert set(Opinion.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("status", flat=True)) == {"replied"}


def test_what_cannot_be_merged_is_refused_with_the_reason(liaison):
    one = register(liaison, content=POTHOLE)
    with pytest.raises(Invalid, match="不能与自身合并"):
        svc.opinion_merge(actor=liaison.clerk, opinion=one, into=one)
    replied = register(liaison, content=POTHOLE)
    svc.opinion_reply(actor=liaison.clerk, opinion=replied, text="当场答复：已登记修复。")
    with pytest.raises(Invalid, match="不能再并入其他意见"):
        svc.opinion_merge(actor=liaison.clerk, opinion=one, into=Opinion.objects.get(pk=replied.pk))
    with pytest.raises(InvalidTransition):  # a replied opinion is not merged away either
        svc.opinion_merge(actor=liaison.clerk, opinion=Opinion.objects.get(pk=replied.pk), into=one)
    other = svc.opinion_register(actor=liaison.clerk_b, channel="phone", content=POTHOLE,
                                 region=liaison.tree.town_b, now=at(2026, 3, 10))
    with pytest.raises(Invalid, match="同一人大"):
        svc.opinion_merge(actor=liaison.county_staff, opinion=one, into=other)
    with pytest.raises(StaleVersion):
        svc.opinion_merge(actor=liaison.clerk, opinion=one, into=register(liaison, content=POTHOLE),
                          version=one.version - 1)
    assert Opinion.objects.get(pk=one.pk).status == OpinionStatus.RECEIVED


def test_the_clerk_merges_a_flagged_duplicate_on_the_page_and_by_the_api(liaison):
    first = register(liaison, content=POTHOLE)
    second = register(liaison, content=POTHOLE + "已经反映过一次。", phone="13900003333")
    page = Client()
    page.force_login(liaison.clerk)
    html = page.get(f"/liaison/opinions/{second.pk}/").content.decode()
    assert 'data-testid="merge-form"' in html
    slot = f"/liaison/opinions/{second.pk}/near-duplicates/"
    assert f'hx-get="{slot}"' in html, "the near duplicates are loaded after the page"
    assert svc.format_code(first.tracking_code) not in html
    fragment = page.get(slot).content.decode()
    assert f'value="{svc.format_code(first.tracking_code)}"' in fragment, "the near duplicate is offered to merge into"
    response = page.post(f"/liaison/opinions/{second.pk}/merge/",
                         {"into_code": svc.format_code(first.tracking_code).lower(), "version": second.version})
    assert response.status_code == 302
    assert Opinion.objects.get(pk=second.pk).merged_into_id == first.pk
    primary_page = page.get(f"/liaison/opinions/{first.pk}/").content.decode()
    assert 'data-testid="merged-opinions"' in primary_page and second.code in primary_page

    third = register(liaison, content=POTHOLE, phone="13900004444")
    client = api_client(liaison.clerk)
    bad = client.post(f"/api/v1/opinions/{third.pk}/merge", json.dumps({"into": "XXXX-XXXX-XXXX"}),
                      content_type="application/json")
    assert bad.status_code == 422 and bad.json()["fields"]["into"] == ["查询码无效"]
    ok = client.post(f"/api/v1/opinions/{third.pk}/merge", json.dumps({"into": first.tracking_code}),
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["merged_into"] == first.pk and ok.json()["allowed_events"] == []
    outsider = api_client(liaison.clerk_b)
    assert outsider.post(f"/api/v1/opinions/{third.pk}/merge", json.dumps({"into": first.tracking_code}),
                         content_type="application/json").status_code == 404


def test_the_near_duplicate_lookup_answers_only_who_may_merge(liaison):
    first = register(liaison, content=POTHOLE)
    second = register(liaison, content=POTHOLE + "已经反映过一次。", phone="13900003333")
    code = svc.format_code(first.tracking_code)
    slot = f"/liaison/opinions/{second.pk}/near-duplicates/"
    outsider = Client()
    outsider.force_login(liaison.clerk_b)  # another township's clerk
    assert outsider.get(slot).status_code == 404
    clerk = Client()
    clerk.force_login(liaison.clerk)
    assert code in clerk.get(slot).content.decode()
    svc.opinion_reply(actor=liaison.clerk, opinion=Opinion.objects.get(pk=second.pk), text="已派人修复。")
    after = clerk.get(slot).content.decode()
    assert code not in after and "未发现疑似重复" in after, "an answered opinion is no longer offered a merge"


def test_a_merge_never_reaches_an_opinion_outside_the_clerks_scope_through_a_chain(liaison):
    """County staff merged 甲镇's X into 乙镇's Y (both the county congress's). 甲镇's clerk, who cannot see Y, names
    X as the primary of another opinion: the chain would lead to Y, and the merge is refused."""
    tree = liaison.tree
    x, z = register(liaison, content=POTHOLE), register(liaison, content=POTHOLE + "（再次反映）")
    y = svc.opinion_register(actor=liaison.county_staff, channel="phone", content=POTHOLE, region=tree.town_b,
                             now=at(2026, 3, 10))
    Opinion.objects.filter(pk__in=[x.pk, y.pk, z.pk]).update(congress=tree.county_congress)
    svc.opinion_merge(actor=liaison.county_staff, opinion=Opinion.objects.get(pk=x.pk),
                      into=Opinion.objects.get(pk=y.pk))
    deadline = Opinion.objects.get(pk=y.pk).deadline
    with pytest.raises(Invalid, match="职责范围以外"):
        svc.opinion_merge(actor=liaison.clerk, opinion=Opinion.objects.get(pk=z.pk),
                          into=Opinion.objects.get(pk=x.pk))
    assert Opinion.objects.get(pk=z.pk).status == OpinionStatus.RECEIVED
    assert Opinion.objects.get(pk=y.pk).deadline == deadline
    assert not AuditEntry.objects.filter(action="opinion.merge", object_id=str(z.pk)).exists()


def test_refusing_a_primary_refuses_the_opinions_merged_into_it_with_the_reason(liaison):
    primary = register(liaison, content=POTHOLE)
    dup = register(liaison, content=POTHOLE + "（再次反映）", phone="13900004444")
    svc.opinion_merge(actor=liaison.clerk, opinion=dup, into=primary)
    with pytest.raises(Invalid, match="随该意见受理或不予受理"):
        svc.opinion_reject(actor=liaison.clerk, opinion=Opinion.objects.get(pk=dup.pk), reason="litigation")
    svc.opinion_reject(actor=liaison.clerk, opinion=Opinion.objects.get(pk=primary.pk), reason="litigation")
    dup = Opinion.objects.get(pk=dup.pk)
    assert (dup.status, dup.not_accepted_reason) == (OpinionStatus.NOT_ACCEPTED, "litigation")
    assert dup.closed_at is not None and "诉讼" in dup.status_note
    entry = AuditEntry.objects.get(action="opinion.reject", object_id=str(dup.pk))
    assert json.loads(entry.after)["from_merged_into"] == primary.pk and json.loads(entry.before)["status"] == "merged"
    public = Client().get(f"/api/v1/public/opinions/{dup.tracking_code}").json()
    assert public["status"] == "not_accepted" and "诉讼" in public["note"]


def test_an_open_duplicate_behind_many_answered_copies_is_still_offered(liaison):
    """Six answered copies of the same text rank with the open one; the panel looks past the assistant's five."""
    from renda.insights import history

    history.clear_caches()
    for i in range(6):
        svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison, content=POTHOLE, phone=f"1390000555{i}"),
                          text="已修复。")
    open_one = register(liaison, content=POTHOLE + "请尽快。", phone="13900006666")
    new = register(liaison, content=POTHOLE, phone="13900007777")
    clerk = Client()
    clerk.force_login(liaison.clerk)
    page = clerk.get(f"/liaison/opinions/{new.pk}/near-duplicates/").content.decode()
    code = svc.format_code(open_one.tracking_code)
    assert f'value="{code}" data-testid="merge-into"' in page, "offered as a 疑似重复, not only in the same hot issue"
    history.clear_caches()
