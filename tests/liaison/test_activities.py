"""Deliberation activities and voter meetings (seed 002): notice a month ahead [setting], publication on the
portal, the meeting whose matters become opinions, the suggestions handed over — each step audited, in order."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from renda.core.errors import Invalid, InvalidTransition
from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.liaison.models import ActivityStatus, Opinion
from renda.liaison.services import activities as svc
from renda.notifications.models import Notification
from renda.organizations.services import congress_setting_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def plan(liaison, days_ahead: int = 40):
    day = timezone.localdate() + timedelta(days=days_ahead)
    return svc.activity_create(actor=liaison.clerk, congress=liaison.tree.congress_a, kind="voter_meeting",
                               topic="十四五规划与民生实事", meeting_date=day, place="甲村文化礼堂",
                               stations=[liaison.central], deputies=liaison.deputies[:2])


def test_notice_must_go_out_a_month_ahead_by_default(liaison):
    activity = plan(liaison, days_ahead=20)
    with pytest.raises(Invalid) as err:
        svc.activity_notify(actor=liaison.clerk, activity=activity)
    assert "30 天" in err.value.message
    congress_setting_set(actor=liaison.clerk, congress=liaison.tree.congress_a, key="liaison.activity_notice_days",
                         raw="14")
    assert svc.activity_notify(actor=liaison.clerk, activity=activity).status == ActivityStatus.NOTIFIED


def test_the_whole_activity_is_linked_from_notice_to_handed_over_suggestions(liaison):
    UserFactory(role=Role.DEPUTY, region=liaison.tree.town_a, person=liaison.deputies[0])
    activity = plan(liaison)
    with pytest.raises(InvalidTransition):
        svc.activity_publish(actor=liaison.clerk, activity=activity)
    activity = svc.activity_notify(actor=liaison.clerk, activity=activity, version=1)
    assert Notification.objects.filter(kind="activity.notice").count() == 1, "the deputy with an account is told"
    activity = svc.activity_publish(actor=liaison.clerk, activity=activity)
    page = Client().get(f"/portal/stations/{liaison.central.pk}/").content.decode()
    assert "十四五规划与民生实事" in page and "代表与选民见面会" in page
    activity = svc.activity_hold(actor=liaison.clerk, activity=activity, participants=86, summary="选民踊跃发言",
                                 matters=["希望增设公交站点", "村卫生室缺少药品"])
    assert activity.status == ActivityStatus.HELD
    assert set(Opinion.objects.filter(activity=activity).values_list("content", flat=True)) == {
        "希望增设公交站点", "村卫生室缺少药品"}
    activity = svc.activity_hand_over(actor=liaison.clerk, activity=activity, suggestions=[])
    assert activity.status == ActivityStatus.HANDED_OVER
    assert list(AuditEntry.objects.filter(object_type="liaison.activity", object_id=str(activity.pk))
                .values_list("action", flat=True)) == [
        "activity.create", "activity.notify", "activity.publish", "activity.hold", "activity.hand_over"]


def test_an_unpublished_activity_is_not_on_the_portal(liaison):
    plan(liaison)
    assert "十四五规划" not in Client().get(f"/portal/stations/{liaison.central.pk}/").content.decode()


def test_activity_needs_a_topic_and_stations_of_its_congress(liaison):
    with pytest.raises(Invalid):
        svc.activity_create(actor=liaison.clerk, congress=liaison.tree.congress_b, kind="deliberation",
                            topic="议题", meeting_date=date(2030, 1, 1), stations=[liaison.central])
    with pytest.raises(Invalid):
        svc.activity_create(actor=liaison.clerk, congress=liaison.tree.congress_a, kind="deliberation",
                            topic=" ", meeting_date=date(2030, 1, 1))
