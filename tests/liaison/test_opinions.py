"""The opinion workflow of DOMAIN.md §4 (有诉必复): intake, not accepted only in litigation or arbitration,
answered on the spot / assigned / replied, judged by the constituent, reopened once [setting], and the reply
deadline [setting, 1 month] with reminders before it and escalation after it — time-travelled with `now=`."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from renda.core.errors import Forbidden, Invalid, InvalidTransition, StaleVersion
from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.liaison import selectors
from renda.liaison.models import Opinion, OpinionAlert, OpinionStatus
from renda.liaison.services import opinions as svc
from renda.notifications.models import Notification
from renda.organizations.models import UnitKind
from renda.organizations.services import congress_setting_set
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=SH)


def audits(opinion: Opinion) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="liaison.opinion", object_id=str(opinion.pk)).order_by("seq"))


def register(liaison, now=None, **kw):
    data = {"channel": "phone", "content": "村口道路破损严重，雨天积水，群众出行不便。", "station": liaison.central,
            "name": "孙大娘", "phone": "13812345678"}
    data.update(kw)
    return svc.opinion_register(actor=liaison.clerk, now=now or at(2026, 3, 10), **data)


def test_intake_starts_a_one_month_reply_clock_and_seals_the_constituents_contact(liaison):
    opinion = register(liaison)
    assert opinion.status == OpinionStatus.RECEIVED
    assert opinion.deadline == date(2026, 4, 10)
    assert opinion.responsible == liaison.clerk, "whoever registers it is responsible until someone is named"
    assert len(opinion.tracking_code) == 12 and set(opinion.tracking_code) <= set(svc.CODE_ALPHABET)
    with connection.cursor() as cur:
        cur.execute("SELECT constituent_name, constituent_phone FROM liaison_opinion WHERE id = %s", [opinion.pk])
        name_raw, phone_raw = cur.fetchone()
    assert "孙大娘" not in name_raw and "13812345678" not in phone_raw and phone_raw.startswith("v1:")
    assert Opinion.objects.get(pk=opinion.pk).constituent_phone == "13812345678"
    assert opinion.phone_hash and opinion.phone_hash != "13812345678"
    entry = audits(opinion)[0]
    assert entry.action == "opinion.register" and "13812345678" not in entry.after and "孙大娘" not in entry.after


def test_reply_deadline_follows_the_congress_setting(liaison):
    congress_setting_set(actor=liaison.clerk, congress=liaison.tree.congress_a, key="liaison.reply_deadline_months",
                         raw="2")
    assert register(liaison, now=at(2026, 1, 31)).deadline == date(2026, 3, 31)


def test_only_litigation_or_arbitration_is_not_accepted_and_the_reason_is_kept(liaison):
    opinion = register(liaison)
    with pytest.raises(Invalid):
        svc.opinion_reject(actor=liaison.clerk, opinion=opinion, reason="too_hard")
    opinion = svc.opinion_reject(actor=liaison.clerk, opinion=opinion, reason="litigation", version=1)
    assert opinion.status == OpinionStatus.NOT_ACCEPTED and "诉讼" in opinion.status_note
    entry = audits(opinion)[-1]
    assert entry.action == "opinion.reject" and '"status":"received"' in entry.before
    assert '"status":"not_accepted"' in entry.after
    with pytest.raises(InvalidTransition):
        svc.opinion_accept(actor=liaison.clerk, opinion=opinion, category="城建交通")


def test_answered_on_the_spot(liaison):
    opinion = svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison),
                                text="已当场解释政策：道路修缮列入今年计划。")
    assert opinion.status == OpinionStatus.REPLIED and opinion.replied_on_the_spot


def test_accept_assign_and_the_unit_replies(liaison):
    tree = liaison.tree
    opinion = register(liaison)
    with pytest.raises(Invalid):
        svc.opinion_accept(actor=liaison.clerk, opinion=opinion, category="不存在的分类")
    with pytest.raises(Invalid):  # the other township's clerk cannot be made responsible
        svc.opinion_accept(actor=liaison.clerk, opinion=opinion, category="城建交通", responsible=liaison.clerk_b)
    opinion = svc.opinion_accept(actor=liaison.clerk, opinion=opinion, category="城建交通", version=1)
    assert (opinion.status, opinion.category, opinion.version) == (OpinionStatus.ACCEPTED, "城建交通", 2)

    town_gov = UnitFactory(region=tree.town_a, kind=UnitKind.TOWNSHIP_GOVERNMENT, name="甲镇人民政府")
    other_town = UnitFactory(region=tree.town_b, kind=UnitKind.TOWNSHIP_GOVERNMENT, name="乙镇人民政府")
    with pytest.raises(Invalid):
        svc.opinion_assign(actor=liaison.clerk, opinion=opinion, unit=other_town)
    with pytest.raises(StaleVersion):
        svc.opinion_assign(actor=liaison.clerk, opinion=opinion, unit=town_gov, version=1)
    opinion = svc.opinion_assign(actor=liaison.clerk, opinion=opinion, unit=town_gov, version=2)
    assert opinion.status == OpinionStatus.ASSIGNED and opinion.unit == town_gov
    # a county department may be chosen for a township's opinion too
    svc.opinion_assign(actor=liaison.clerk, opinion=opinion, unit=tree.unit_county)
    opinion = svc.opinion_assign(actor=liaison.clerk, opinion=Opinion.objects.get(pk=opinion.pk), unit=town_gov)

    stranger = UserFactory(role=Role.UNIT_USER, region=tree.town_b, unit=other_town)
    with pytest.raises(Forbidden):
        svc.opinion_reply(actor=stranger, opinion=opinion, text="不是我们的事")
    unit_user = UserFactory(role=Role.UNIT_USER, region=tree.town_a, unit=town_gov)
    opinion = svc.opinion_reply(actor=unit_user, opinion=opinion, text="已安排施工队于4月修复。")
    assert opinion.status == OpinionStatus.REPLIED and not opinion.replied_on_the_spot
    assert [e.action for e in audits(opinion)] == [
        "opinion.register", "opinion.accept", "opinion.assign", "opinion.assign", "opinion.assign", "opinion.reply"]


def test_unsatisfied_reopens_once_with_a_new_deadline_then_closes(liaison):
    opinion = svc.opinion_accept(actor=liaison.clerk, opinion=register(liaison), category="城建交通")
    opinion = svc.opinion_reply(actor=liaison.clerk, opinion=opinion, text="已列入计划。")
    opinion = svc.opinion_evaluate(opinion=opinion, satisfaction="unsatisfied", comment="没有时间表",
                                   now=at(2026, 4, 2))
    assert (opinion.status, opinion.reopen_count, opinion.deadline) == (OpinionStatus.REOPENED, 1, date(2026, 5, 2))
    entry = audits(opinion)[-1]
    assert entry.action == "opinion.reopen" and entry.actor_username == "public"
    opinion = svc.opinion_reply(actor=liaison.clerk, opinion=opinion, text="5月15日前完成修复。")
    opinion = svc.opinion_evaluate(opinion=opinion, satisfaction="unsatisfied", now=at(2026, 5, 1))
    assert opinion.status == OpinionStatus.CLOSED and opinion.reopen_count == 1, "reopened only once [setting]"
    with pytest.raises(InvalidTransition):
        svc.opinion_evaluate(opinion=opinion, satisfaction="satisfied")


def test_reopen_limit_setting_zero_closes_on_the_first_judgment(liaison):
    congress_setting_set(actor=liaison.clerk, congress=liaison.tree.congress_a, key="liaison.reopen_limit", raw="0")
    opinion = svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison), text="已答复。")
    assert svc.opinion_evaluate(opinion=opinion, satisfaction="unsatisfied").status == OpinionStatus.CLOSED


def test_satisfied_closes_and_staff_may_close_a_replied_opinion(liaison):
    first = svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison), text="已答复。")
    assert svc.opinion_evaluate(opinion=first, satisfaction="basically_satisfied").status == OpinionStatus.CLOSED
    second = register(liaison)
    with pytest.raises(InvalidTransition):
        svc.opinion_close(actor=liaison.clerk, opinion=second)
    second = svc.opinion_reply(actor=liaison.clerk, opinion=second, text="已答复。")
    assert svc.opinion_close(actor=liaison.clerk, opinion=second).status == OpinionStatus.CLOSED


def test_a_deputy_cannot_run_the_workflow(liaison):
    deputy_user = UserFactory(role=Role.DEPUTY, region=liaison.tree.town_a, person=liaison.deputies[0])
    with pytest.raises(Forbidden):
        svc.opinion_accept(actor=deputy_user, opinion=register(liaison), category="城建交通")


def test_reminders_before_the_deadline_and_escalation_after_it(liaison):
    opinion = svc.opinion_accept(actor=liaison.clerk, opinion=register(liaison, now=at(2026, 3, 10)),
                                 category="城建交通")
    replied = svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison, now=at(2026, 3, 10)), text="已答复。")
    assert opinion.deadline == date(2026, 4, 10)

    assert svc.opinion_deadline_sweep(now=at(2026, 3, 20, 8)) == {"reminders": 0, "escalations": 0}
    assert svc.opinion_deadline_sweep(now=at(2026, 4, 3, 8)) == {"reminders": 1, "escalations": 0}
    assert svc.opinion_deadline_sweep(now=at(2026, 4, 3, 9)) == {"reminders": 0, "escalations": 0}, "idempotent"
    alert = OpinionAlert.objects.get(opinion=opinion)
    assert (alert.kind, alert.days_before, alert.office, alert.recipient) == ("reminder", 7, "信访办", liaison.clerk)
    assert "信访办提醒" in alert.message and "2026-04-10" in alert.message
    assert Notification.objects.filter(recipient=liaison.clerk, kind="opinion.reminder").count() == 1

    assert svc.opinion_deadline_sweep(now=at(2026, 4, 9, 8)) == {"reminders": 1, "escalations": 0}
    assert svc.opinion_deadline_sweep(now=at(2026, 4, 10, 8)) == {"reminders": 0, "escalations": 0}, (
        "the deadline day itself is still in time")
    assert svc.opinion_deadline_sweep(now=at(2026, 4, 11, 8)) == {"reminders": 0, "escalations": 1}
    assert svc.opinion_deadline_sweep(now=at(2026, 4, 12, 8)) == {"reminders": 0, "escalations": 0}
    opinion.refresh_from_db()
    assert opinion.escalated_at == at(2026, 4, 11, 8)
    escalation = OpinionAlert.objects.get(opinion=opinion, kind="escalation")
    assert escalation.office == "纪委" and "转纪委督办" in escalation.message
    entry = AuditEntry.objects.filter(action="opinion.escalate", object_id=str(opinion.pk)).get()
    assert entry.actor_username == "system" and '"office":"纪委"' in entry.after
    assert not OpinionAlert.objects.filter(opinion=replied).exists(), "a replied opinion is not chased"
    assert Notification.objects.filter(kind="opinion.escalation", recipient=liaison.clerk).exists()


def test_reminder_offsets_and_offices_are_settings(liaison):
    congress = liaison.tree.congress_a
    congress_setting_set(actor=liaison.clerk, congress=congress, key="liaison.reminder_days_before", raw="3")
    congress_setting_set(actor=liaison.clerk, congress=congress, key="liaison.reminder_office", raw="党政办")
    congress_setting_set(actor=liaison.clerk, congress=congress, key="liaison.supervising_office", raw="镇纪委")
    opinion = register(liaison, now=at(2026, 3, 10))
    assert svc.opinion_deadline_sweep(now=at(2026, 4, 3, 8))["reminders"] == 0, "7 days is no longer an offset"
    assert svc.opinion_deadline_sweep(now=at(2026, 4, 7, 8))["reminders"] == 1
    assert OpinionAlert.objects.get(opinion=opinion).office == "党政办"
    svc.opinion_deadline_sweep(now=at(2026, 4, 20, 8))
    assert OpinionAlert.objects.get(opinion=opinion, kind="escalation").office == "镇纪委"


def test_reopening_restarts_the_clock_and_allows_a_new_escalation(liaison):
    opinion = register(liaison, now=at(2026, 3, 10))
    svc.opinion_deadline_sweep(now=at(2026, 4, 11, 8))
    opinion = svc.opinion_reply(actor=liaison.clerk, opinion=Opinion.objects.get(pk=opinion.pk), text="已答复。")
    opinion = svc.opinion_evaluate(opinion=opinion, satisfaction="unsatisfied", now=at(2026, 4, 15))
    assert opinion.escalated_at is None and opinion.deadline == date(2026, 5, 15)
    assert svc.opinion_deadline_sweep(now=at(2026, 5, 16, 8))["escalations"] == 1
    assert OpinionAlert.objects.filter(opinion=opinion, kind="escalation").count() == 2


def test_the_daily_job_is_registered_and_runs_the_sweep(liaison):
    from renda.core import jobs
    from renda.liaison import jobs as liaison_jobs

    job = jobs.discover()["liaison.opinion_deadlines"]
    assert job.task is liaison_jobs.opinion_deadlines
    register(liaison, now=at(2020, 1, 1))
    assert liaison_jobs.opinion_deadlines.call() == {"reminders": 0, "escalations": 1}


def test_the_api_list_masks_the_writers_name_and_phone_in_the_text_and_the_opinion_gives_them_whole(liaison):
    """Personal data is masked in lists: the API's list of opinions masks, in the content and the reply, the writer's
    own name and phone and anything shaped like a phone or ID number, as the pages' lists do; the opinion's own
    endpoint, like its page, gives the text whole to those who handle it."""
    from tests.helpers import api_client

    content = "我是孙大娘，电话13812345678，身份证号110101195001011234，村口道路破损。"
    opinion = register(liaison, content=content)
    opinion = svc.opinion_reply(actor=liaison.clerk, opinion=opinion,
                                text="已电话联系孙大娘（13812345678），道路已修。")
    client = api_client(liaison.clerk)
    listed = client.get("/api/v1/opinions").json()["items"]
    item = next(i for i in listed if i["id"] == opinion.pk)
    for text in (item["content"], item["reply"]["text"]):
        assert "孙大娘" not in text and "13812345678" not in text, text
    assert "孙**" in item["content"] and "138********" in item["content"]
    assert "110101195001011234" not in item["content"]
    assert "道路已修" in item["reply"]["text"] and "村口道路破损" in item["content"]
    whole = client.get(f"/api/v1/opinions/{opinion.pk}").json()
    assert whole["content"] == content and "13812345678" in whole["reply"]["text"]

    # the clerk's hand-over note is where a caller's phone gets written: masked in the list too
    handed = svc.opinion_accept(actor=liaison.clerk, opinion=register(liaison), category="城建交通")
    handed = svc.opinion_assign(actor=liaison.clerk, opinion=handed, unit=liaison.tree.unit_county,
                                note="请联系孙大娘 13812345678 核实")
    item = next(i for i in client.get("/api/v1/opinions").json()["items"] if i["id"] == handed.pk)
    assert "13812345678" not in item["note"] and "孙大娘" not in item["note"] and "核实" in item["note"]
    assert client.get(f"/api/v1/opinions/{handed.pk}").json()["note"] == "请联系孙大娘 13812345678 核实"


def test_a_published_summary_is_kept_without_the_writers_name_or_phone(liaison):
    """The summary is for the portal: the writer's own name is masked as the portal would show it, before it is
    stored, as are their phone (however written) and anything like an ID number."""
    opinion = register(liaison)
    svc.opinion_reply(actor=liaison.clerk, opinion=opinion, text="已安排维修，本月内完成。")
    summary = "孙大娘反映村口道路破损积水（电话 138 1234 5678，身份证 430102198001011234）"
    published = svc.opinion_publish(actor=liaison.clerk, opinion=opinion, summary=summary)
    assert published.public_summary == "孙**反映村口道路破损积水（电话 138**********，身份证 430***************）"
    stored = Opinion.objects.get(pk=opinion.pk).public_summary
    assert "孙大娘" not in stored and "5678" not in stored and stored == published.public_summary


def test_a_handling_unit_reads_the_constituents_words_masked_and_the_clerks_note_as_written(liaison):
    """The opinion's page and endpoint show a unit the constituent's contact masked, and the content must not give
    it away (a reviewer found "我的电话13807315551，身份证430102…" whole under "138****5551"). The staff who took
    it read it whole; the clerk's hand-over note, where a clerk asks the unit to call back, stays as written."""
    from django.test import Client

    from tests.helpers import api_client

    content = "我是孙大娘，电话13812345678，身份证号110101195001011234，村口道路破损。"
    opinion = svc.opinion_accept(actor=liaison.clerk, opinion=register(liaison, content=content), category="城建交通")
    opinion = svc.opinion_assign(actor=liaison.clerk, opinion=opinion, unit=liaison.tree.unit_county,
                                 note="请联系孙大娘 13812345678 核实")
    unit_user = UserFactory(role=Role.UNIT_USER, region=liaison.tree.county, unit=liaison.tree.unit_county)
    page = Client()
    page.force_login(unit_user)
    html = page.get(f"/liaison/opinions/{opinion.pk}/").content.decode()
    assert "村口道路破损" in html and "孙**" in html
    assert "110101195001011234" not in html and "电话13812345678" not in html
    assert "请联系孙大娘 13812345678 核实" in html
    api = api_client(unit_user).get(f"/api/v1/opinions/{opinion.pk}").json()
    assert api["content"] == opinion.listed_content and "13812345678" in api["note"]
    staff = Client()
    staff.force_login(liaison.clerk)
    assert content in staff.get(f"/liaison/opinions/{opinion.pk}/").content.decode()
    assert api_client(liaison.clerk).get(f"/api/v1/opinions/{opinion.pk}").json()["content"] == content

    # the constituent's comment when they judge the reply is their own words too (a reviewer's finding)
    opinion = svc.opinion_reply(actor=unit_user, opinion=Opinion.objects.get(pk=opinion.pk), text="已修复。")
    svc.opinion_evaluate(opinion=opinion, satisfaction="unsatisfied",
                         comment="没修好！我是孙大娘，请打13812345678")
    html = page.get(f"/liaison/opinions/{opinion.pk}/").content.decode()
    assert "没修好！我是孙**，请打138********" in html and "请打13812345678" not in html
    assert "我是孙大娘，请打13812345678" in staff.get(f"/liaison/opinions/{opinion.pk}/").content.decode()


def test_a_handling_unit_reads_the_tracking_code_masked(liaison):
    """The code opens the portal's 评价 of the unit's own answer: a unit reads it as ABCD-****-**** on the list,
    the opinion's page (title, heading, reminders) and the API; the staff, who give it to the constituent, whole."""
    from django.test import Client

    from tests.helpers import api_client

    opinion = svc.opinion_accept(actor=liaison.clerk, opinion=register(liaison, content="村口道路破损。"),
                                 category="城建交通")
    opinion = svc.opinion_assign(actor=liaison.clerk, opinion=opinion, unit=liaison.tree.unit_county, note="")
    svc.opinion_deadline_sweep(now=datetime.combine(opinion.deadline, datetime.min.time(), tzinfo=SH))
    assert OpinionAlert.objects.filter(opinion=opinion).exists(), "a reminder naming the code is on the page"
    code, masked = opinion.code, opinion.masked_code
    assert masked == f"{code[:4]}-****-****" and masked != code
    unit_user = UserFactory(role=Role.UNIT_USER, region=liaison.tree.county, unit=liaison.tree.unit_county)
    unit = Client()
    unit.force_login(unit_user)
    staff = Client()
    staff.force_login(liaison.clerk)
    for path in ("/liaison/opinions/", f"/liaison/opinions/{opinion.pk}/"):
        seen = unit.get(path).content.decode()
        assert masked in seen and code not in seen, path
        assert code in staff.get(path).content.decode(), path
    assert code not in unit.get(f"/liaison/opinions/{opinion.pk}/").content.decode().split("提醒与督办")[1]
    api = api_client(unit_user)
    listed = api.get("/api/v1/opinions").json()["items"]
    assert [o["tracking_code"] for o in listed] == [opinion.tracking_code[:4] + "*" * 8]
    assert api.get(f"/api/v1/opinions/{opinion.pk}").json()["tracking_code"] == opinion.tracking_code[:4] + "*" * 8
    assert api_client(liaison.clerk).get(f"/api/v1/opinions/{opinion.pk}").json()["tracking_code"] == \
        opinion.tracking_code
    assert Client().get(f"/portal/track/{masked}/").status_code == 404

    # merged into another constituent's opinion after it went to the unit: the unit reads that code masked too
    other = register(liaison, content="村口道路破损，雨天积水。")
    svc.opinion_merge(actor=liaison.clerk, opinion=Opinion.objects.get(pk=opinion.pk), into=other)
    seen = unit.get(f"/liaison/opinions/{opinion.pk}/").content.decode()
    assert other.masked_code in seen and other.code not in seen and 'data-testid="merged-into"' in seen
    assert other.code in staff.get(f"/liaison/opinions/{opinion.pk}/").content.decode()
    version = Opinion.objects.get(pk=opinion.pk).version
    refused = api.post(f"/api/v1/opinions/{opinion.pk}/reply", {"text": "已修复。", "version": version},
                       content_type="application/json")
    assert refused.status_code == 403 and other.code not in refused.content.decode()


def test_a_units_reply_by_the_api_answers_with_the_code_masked(liaison):
    from tests.helpers import api_client

    opinion = svc.opinion_accept(actor=liaison.clerk, opinion=register(liaison, content="村口道路破损。"),
                                 category="城建交通")
    opinion = svc.opinion_assign(actor=liaison.clerk, opinion=opinion, unit=liaison.tree.unit_county, note="")
    unit_user = UserFactory(role=Role.UNIT_USER, region=liaison.tree.county, unit=liaison.tree.unit_county)
    answered = api_client(unit_user).post(f"/api/v1/opinions/{opinion.pk}/reply",
                                          {"text": "已修复。", "version": opinion.version},
                                          content_type="application/json")
    assert answered.status_code == 200 and answered.json()["status"] == "replied"
    assert answered.json()["tracking_code"] == opinion.tracking_code[:4] + "*" * 8


def test_a_clerk_records_the_judgment_a_constituent_gave_on_a_callback(liaison):
    """回访: a constituent who does not go online tells the clerk by phone or in person; the same rules as on the
    portal (不满意 reopens while reopenings remain), the audit names the clerk and how; only the staff record it."""
    from django.test import Client

    from tests.helpers import api_client

    opinion = svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison), text="已安排修复。")
    unit_user = UserFactory(role=Role.UNIT_USER, region=liaison.tree.county, unit=liaison.tree.unit_county)
    with pytest.raises(Forbidden):
        svc.opinion_record_judgment(actor=unit_user, opinion=opinion, satisfaction="satisfied", via="phone")
    with pytest.raises(Invalid) as refused:
        svc.opinion_record_judgment(actor=liaison.clerk, opinion=opinion, satisfaction="satisfied", via="portal")
    assert "via" in refused.value.fields, "the portal is the constituent's own: a clerk records a callback"
    with pytest.raises(StaleVersion):
        svc.opinion_record_judgment(actor=liaison.clerk, opinion=opinion, satisfaction="satisfied", via="phone",
                                    version=opinion.version - 1)
    reopened = svc.opinion_record_judgment(actor=liaison.clerk, opinion=opinion, satisfaction="unsatisfied",
                                           via="visit", comment="路面还没修", version=opinion.version)
    assert (reopened.status, reopened.reopen_count, reopened.judged_via) == (OpinionStatus.REOPENED, 1, "visit")
    entry = audits(reopened)[-1]
    assert entry.action == "opinion.reopen" and entry.actor_username == liaison.clerk.username
    assert json.loads(entry.after)["judged_via"] == "visit" and json.loads(entry.before)["judged_via"] == ""

    # on the page: the form is the staff's, on a replied opinion
    answered = svc.opinion_reply(actor=liaison.clerk, opinion=reopened, text="已于5月修复完毕。")
    staff = Client()
    staff.force_login(liaison.clerk)
    page = staff.get(f"/liaison/opinions/{answered.pk}/").content.decode()
    assert 'data-testid="judge-form"' in page and '<option value="portal"' not in page
    missing = staff.post(f"/liaison/opinions/{answered.pk}/judge/", {"satisfaction": "satisfied", "via": "",
                                                                    "comment": "修好了", "version": answered.version})
    assert missing.status_code == 422 and "请选择回访方式" in missing.content.decode()
    assert 'value="satisfied" id="judge-s-0" required checked' in missing.content.decode(), "kept as chosen"
    assert 'data-testid="typed-lost"' not in missing.content.decode(), "the form is there: nothing was lost"
    unit = Client()
    unit.force_login(unit_user)
    assert unit.post(f"/liaison/opinions/{answered.pk}/judge/", {"satisfaction": "satisfied", "via": "phone",
                                                                "version": answered.version}).status_code == 404
    done = staff.post(f"/liaison/opinions/{answered.pk}/judge/", {"satisfaction": "satisfied", "via": "phone",
                                                                 "comment": "修好了", "version": answered.version})
    assert done.status_code == 302
    closed = Opinion.objects.get(pk=answered.pk)
    assert (closed.status, closed.satisfaction, closed.judged_via) == (OpinionStatus.CLOSED, "satisfied", "phone")
    shown = staff.get(f"/liaison/opinions/{answered.pk}/").content.decode()
    assert "<strong>满意</strong>（电话回访）" in shown and 'data-testid="judge-form"' not in shown
    # a second clerk's form, sent after the first closed it: what they chose and wrote is given back to copy
    late = staff.post(f"/liaison/opinions/{answered.pk}/judge/", {
        "satisfaction": "unsatisfied", "via": "visit", "comment": "其实还没修好", "version": answered.version})
    lost = late.content.decode().split('data-testid="typed-lost"')[1].split("</section>")[0]
    assert late.status_code == 422 and "不满意" in lost and "当面回访" in lost and "其实还没修好" in lost
    # the constituent sees on the portal that a clerk recorded it, and whom to call if it is not what they said
    portal = Client().get(f"/portal/track/{closed.code}/").content.decode()
    assert "<strong>满意</strong>（工作人员电话回访时记录；如与您的意见不符，请拨打联络站电话）" in portal
    assert Client().get(f"/api/v1/public/opinions/{closed.tracking_code}").json()["judged_via"] == "phone"

    # by the API, and never by a unit
    other = svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison, content="路灯坏了很久了。"),
                              text="已修复。")
    by_unit = api_client(unit_user).post(f"/api/v1/opinions/{other.pk}/judgment",
                                         {"satisfaction": "satisfied", "via": "phone"},
                                         content_type="application/json")
    assert by_unit.status_code in (403, 404) and Opinion.objects.get(pk=other.pk).status == OpinionStatus.REPLIED
    body = api_client(liaison.clerk).post(f"/api/v1/opinions/{other.pk}/judgment",
                                          {"satisfaction": "basically_satisfied", "via": "visit",
                                           "version": other.version}, content_type="application/json").json()
    assert (body["status"], body["satisfaction"], body["judged_via"]) == ("closed", "basically_satisfied", "visit")


def test_a_judgment_on_the_portal_is_marked_as_the_constituents_own(liaison):
    opinion = svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison), text="已修复。")
    assert svc.opinion_evaluate(opinion=opinion, satisfaction="satisfied").judged_via == "portal"


def test_judgments_given_before_the_field_existed_are_marked_as_the_portals(liaison):
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("renda.liaison.migrations.0006_opinion_judged_via").judged_on_the_portal
    judged = svc.opinion_evaluate(opinion=svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison),
                                                            text="已修复。"), satisfaction="satisfied")
    waiting = svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison, content="路灯坏了很久了。"),
                                text="已修复。")
    Opinion.objects.update(judged_via="")
    backfill(apps, None)
    assert Opinion.objects.get(pk=judged.pk).judged_via == "portal"
    assert Opinion.objects.get(pk=waiting.pk).judged_via == ""


def test_a_new_reply_is_not_shown_with_the_judgment_of_the_one_before_it(liaison):
    """The row holds the judgment of the reply it shows. While a reopened opinion is handled again, that is the
    不满意 of the first reply (the unit reads why); once answered again, the new reply awaits its own judgment and
    the 不满意 is listed under 重新办理 (OpinionJudgment). A staff 办结 then closes it with no judgment."""
    from django.test import Client

    from tests.helpers import api_client

    opinion = svc.opinion_accept(actor=liaison.clerk, opinion=register(liaison), category="城建交通")
    opinion = svc.opinion_reply(actor=liaison.clerk, opinion=opinion, text="已列入计划。")
    opinion = svc.opinion_evaluate(opinion=opinion, satisfaction="unsatisfied", comment="没有时间表，打13812345678问",
                                   now=at(2026, 4, 2))
    unit_user = UserFactory(role=Role.UNIT_USER, region=liaison.tree.county, unit=liaison.tree.unit_county)
    opinion = svc.opinion_assign(actor=liaison.clerk, opinion=opinion, unit=liaison.tree.unit_county)
    assert (opinion.satisfaction, opinion.satisfaction_comment) == ("unsatisfied", "没有时间表，打13812345678问")
    unit = Client()
    unit.force_login(unit_user)
    handling = unit.get(f"/liaison/opinions/{opinion.pk}/").content.decode()
    assert "<strong>不满意</strong>（网上评价） 没有时间表，打138********问" in handling, "why, with the phone masked"
    assert 'data-testid="earlier-judgments"' not in handling, "the row's judgment is not listed twice"

    opinion = svc.opinion_reply(actor=unit_user, opinion=opinion, text="5月15日前完成修复。")
    assert (opinion.status, opinion.satisfaction, opinion.satisfaction_comment, opinion.judged_via) == (
        OpinionStatus.REPLIED, "", "", "")
    entry = audits(opinion)[-1]
    assert entry.action == "opinion.reply" and json.loads(entry.before)["satisfaction"] == "unsatisfied"
    assert json.loads(entry.after)["satisfaction"] == ""
    earlier = selectors.earlier_judgments(opinion)
    assert [(j.satisfaction, j.via, j.comment, j.reopened, j.recorded_by) for j in earlier] == [
        ("unsatisfied", "portal", "没有时间表，打13812345678问", True, None)]
    assert not AuditEntry.objects.filter(object_id=str(opinion.pk), after__contains="13812345678").exists(), (
        "the audit never holds the constituent's phone, nor their words that may carry it")

    staff = Client()
    staff.force_login(liaison.clerk)
    page = staff.get(f"/liaison/opinions/{opinion.pk}/").content.decode()
    assert 'data-testid="judgment"' not in page and 'data-testid="judgment-awaited"' in page
    listed = page.split('data-testid="earlier-judgments"')[1].split("</div>")[0]
    assert "重新办理（1 次）" in listed and "<strong>不满意</strong>（网上评价）：没有时间表，打13812345678问" in listed
    assert "打138********问" in unit.get(f"/liaison/opinions/{opinion.pk}/").content.decode()
    by_staff = api_client(liaison.clerk).get(f"/api/v1/opinions/{opinion.pk}").json()
    assert by_staff["satisfaction"] == "" and [(j["satisfaction"], j["comment"], j["reopened"]) for j in
                                               by_staff["judgments"]] == [
        ("unsatisfied", "没有时间表，打13812345678问", True)]
    assert api_client(unit_user).get(f"/api/v1/opinions/{opinion.pk}").json()["judgments"][0]["comment"] == (
        "没有时间表，打138********问")
    assert api_client(liaison.clerk).get("/api/v1/opinions").json()["items"][0]["judgments"] is None
    portal = Client().get(f"/portal/track/{opinion.code}/").content.decode()
    assert 'data-testid="judgment"' not in portal and 'data-testid="judgment-earlier"' in portal
    assert 'data-testid="evaluate-form"' in portal, "the new reply is judged on its own"
    public = Client().get(f"/api/v1/public/opinions/{opinion.tracking_code}").json()
    assert (public["satisfaction"], public["reopen_count"], public["can_evaluate"]) == ("", 1, True)

    closed = svc.opinion_close(actor=liaison.clerk, opinion=opinion)
    assert (closed.status, closed.satisfaction) == (OpinionStatus.CLOSED, "")
    assert len(selectors.earlier_judgments(closed)) == 1
    assert 'data-testid="judgment"' not in Client().get(f"/portal/track/{closed.code}/").content.decode()


def test_every_judgment_is_kept_in_order_and_the_rows_own_is_not_listed_as_earlier(liaison):
    congress_setting_set(actor=liaison.clerk, congress=liaison.tree.congress_a, key="liaison.reopen_limit", raw="2")
    opinion = svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison), text="已列入计划。")
    opinion = svc.opinion_evaluate(opinion=opinion, satisfaction="unsatisfied", comment="一")
    opinion = svc.opinion_reply(actor=liaison.clerk, opinion=opinion, text="已安排。")
    opinion = svc.opinion_record_judgment(actor=liaison.clerk, opinion=opinion, satisfaction="unsatisfied",
                                          via="phone", comment="二")
    assert [j.comment for j in selectors.earlier_judgments(opinion)] == ["一"], "二 is the row's, beside its reply"
    opinion = svc.opinion_reply(actor=liaison.clerk, opinion=opinion, text="已修复。")
    assert [(j.comment, j.via, j.recorded_by) for j in selectors.earlier_judgments(opinion)] == [
        ("一", "portal", None), ("二", "phone", liaison.clerk)]
    opinion = svc.opinion_evaluate(opinion=opinion, satisfaction="satisfied", comment="三")
    assert opinion.status == OpinionStatus.CLOSED and opinion.satisfaction == "satisfied"
    assert [j.comment for j in selectors.earlier_judgments(opinion)] == ["一", "二"]
    assert [(j.comment, j.reopened) for j in opinion.judgments.all()] == [("一", True), ("二", True), ("三", False)]


def test_a_reopened_opinion_merged_and_answered_with_another_loses_its_old_judgment(liaison):
    first = svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison), text="已列入计划。")
    first = svc.opinion_evaluate(opinion=first, satisfaction="unsatisfied", comment="太慢")
    primary = svc.opinion_accept(actor=liaison.clerk, opinion=register(liaison, content="村口道路坑洼多，请修。"),
                                 category="城建交通")
    merged = svc.opinion_merge(actor=liaison.clerk, opinion=first, into=primary)
    assert merged.satisfaction == "unsatisfied", "still the judgment of the reply it shows"
    svc.opinion_reply(actor=liaison.clerk, opinion=primary, text="已安排5月修复。")
    answered = Opinion.objects.get(pk=first.pk)
    assert (answered.status, answered.satisfaction, answered.satisfaction_comment) == (OpinionStatus.REPLIED, "", "")
    assert [j.comment for j in selectors.earlier_judgments(answered)] == ["太慢"]


def test_the_judgments_given_before_their_table_are_read_from_the_audit(liaison):
    """Migration liaison 0007: each judgment from its audit entry (the words only for the row's own, which the audit
    never had), and a judgment a row kept after a new reply cleared from it."""
    import importlib

    from django.apps import apps

    from renda.liaison.models import OpinionJudgment

    backfill = importlib.import_module("renda.liaison.migrations.0007_opinion_judgments").judgments_from_the_audit

    def reopened_and_answered(content: str) -> Opinion:
        o = svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison, content=content), text="已列入计划。")
        o = svc.opinion_evaluate(opinion=o, satisfaction="unsatisfied", comment="太慢")
        return svc.opinion_reply(actor=liaison.clerk, opinion=o, text="已修复。")

    answered = reopened_and_answered("村口道路破损严重一。")
    closed_by_staff = svc.opinion_close(actor=liaison.clerk, opinion=reopened_and_answered("村口道路破损严重二。"))
    judged_twice = svc.opinion_record_judgment(
        actor=liaison.clerk, opinion=reopened_and_answered("村口道路破损严重三。"), satisfaction="unsatisfied",
        via="visit", comment="还是没修好")
    still_reopened = svc.opinion_evaluate(
        opinion=svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison, content="路灯坏了很久了。"),
                                  text="已报修。"), satisfaction="unsatisfied", comment="没人来")
    never_judged = svc.opinion_reply(actor=liaison.clerk, opinion=register(liaison, content="水渠堵了。"),
                                     text="已疏通。")
    # as the rows were before this change: no table, and the first 不满意 left on the row after the new reply
    OpinionJudgment.objects.all().delete()
    Opinion.objects.filter(pk__in=[answered.pk, closed_by_staff.pk]).update(satisfaction="unsatisfied",
                                                                            satisfaction_comment="太慢")
    versions = dict(Opinion.objects.values_list("pk", "version"))
    backfill(apps, None)
    rows = {o.pk: o for o in Opinion.objects.all()}
    kept = {pk: [(j.satisfaction, j.via, j.comment, j.reopened, j.recorded_by_id) for j in
                 OpinionJudgment.objects.filter(opinion_id=pk)] for pk in rows}
    assert (rows[answered.pk].satisfaction, rows[answered.pk].satisfaction_comment) == ("", "")
    assert rows[answered.pk].version == versions[answered.pk] + 1, "a form opened before is stale"
    assert kept[answered.pk] == [("unsatisfied", "portal", "太慢", True, None)], "the words the row held"
    assert (rows[closed_by_staff.pk].status, rows[closed_by_staff.pk].satisfaction) == (OpinionStatus.CLOSED, "")
    assert kept[closed_by_staff.pk] == [("unsatisfied", "portal", "太慢", True, None)]
    assert (rows[judged_twice.pk].satisfaction, rows[judged_twice.pk].satisfaction_comment) == (
        "unsatisfied", "还是没修好"), "the closing judgment is the last reply's own"
    assert kept[judged_twice.pk] == [("unsatisfied", "portal", "", True, None),
                                     ("unsatisfied", "visit", "还是没修好", False, liaison.clerk.pk)]
    assert rows[still_reopened.pk].satisfaction == "unsatisfied", "reopened, not answered again: kept"
    assert kept[still_reopened.pk] == [("unsatisfied", "portal", "没人来", True, None)]
    assert kept[never_judged.pk] == [] and rows[never_judged.pk].version == versions[never_judged.pk]
