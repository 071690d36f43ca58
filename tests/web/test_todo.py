"""The home page's 待办: per role what waits for the user, each line's count being what its link's list shows, within
the user's scope only; and the county's 本月热点 fragment."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from renda.liaison.services import opinions as opinion_services
from renda.suggestions import services
from renda.suggestions.models import Assignment, Status, Suggestion
from renda.web.todo import todo
from tests.helpers import logged_in
from tests.suggestions import conftest as suggestion_fixtures

world, calendar_years, media_in_tmp = (suggestion_fixtures.world, suggestion_fixtures.calendar_years,
                                       suggestion_fixtures.media_in_tmp)

pytestmark = pytest.mark.django_db


def lines(user) -> dict[str, object]:
    return {line.key: line for line in todo(user)}


def listed(user, url: str) -> int:
    """How many items the list the line links to shows (its own count, on its first page)."""
    page = logged_in(user).get(url).content.decode()
    if url.startswith("/suggestions/"):
        return int(re.search(r"共 (\d+) 件", page).group(1))
    return len(set(re.findall(r'href="/liaison/opinions/(\d+)/"', page)))


def opinions(world, n: int) -> list:
    from renda.liaison.services.stations import station_create

    station = station_create(actor=world.clerk_a, region=world.tree.town_a, kind="central", name="甲镇中心联络站",
                             address="甲镇政府")
    return [opinion_services.opinion_register(actor=world.clerk_a, channel="reception", station=station,
                                              content=f"第{i}条：村口路灯坏了，电话13800000000。", name="村民",
                                              phone="13800000000") for i in range(n)]


def test_the_clerk_sees_what_waits_in_their_township_each_count_as_its_list_shows(world):
    submitted = world.build(Status.SUBMITTED)
    world.build(Status.ACCEPTED)
    late = world.build(Status.HANDLING)
    Suggestion.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    world.build(Status.EVALUATED)
    world.build(Status.CLOSED)
    letters = opinions(world, 4)
    from renda.liaison.models import Opinion

    Opinion.objects.filter(pk=letters[0].pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))

    seen = lines(world.clerk_a)
    assert {k: seen[k].count for k in ("review", "assign", "late", "close", "opinions")} == {
        "review": 1, "assign": 1, "late": 1, "close": 1, "opinions": 4}
    assert seen["late"].overdue == 1 and seen["opinions"].overdue == 1
    assert seen["review"].items[0].url == f"/suggestions/{submitted.pk}/"
    first = seen["opinions"].items[0]
    assert first.overdue and first.url == f"/liaison/opinions/{letters[0].pk}/", "the overdue one first"
    assert "13800000000" not in first.title and "村口路灯坏了" in first.title, "masked as lists are"
    assert len(seen["opinions"].items) == 3, "three named, the rest behind the link"
    for line in seen.values():
        if line.key not in ("unread", "meetings"):
            assert listed(world.clerk_a, line.url) == line.count, line

    page = logged_in(world.clerk_a).get("/").content.decode()
    assert 'data-testid="todo-review"' in page and "全部 4 条" in page and "超期 1" in page
    assert "13800000000" not in page

    other = lines(world.clerk_b)
    assert not set(other) & {"review", "assign", "late", "close", "opinions"}, "another township's work is not theirs"
    assert "暂无待办事项" in logged_in(world.clerk_b).get("/").content.decode()


def test_the_lead_unit_is_asked_to_sign_then_to_answer_and_a_co_unit_or_another_unit_is_not(world):
    world.build(Status.REPLIED)  # also on the units' lists, waiting for nobody: the lines' filters must leave it out
    assigned = world.build(Status.ASSIGNED)
    sign = lines(world.unit_lead)["sign"]
    assert sign.count == 1 and listed(world.unit_lead, sign.url) == 1 and listed(world.unit_lead, "/suggestions/") == 2
    accept_due = Assignment.objects.get(suggestion=assigned, unit=world.tree.unit_county, active=True).accept_due
    assert sign.items[0].due == accept_due, "signing waits on the assignment's 退回期限"
    page = logged_in(world.unit_lead).get(sign.url).content.decode()
    assert "只显示本单位主办的建议" in page and '<input type="hidden" name="lead_unit"' in page
    assert "sign" not in lines(world.unit_co) and "sign" not in lines(world.unit_third)
    assert listed(world.unit_co, "/suggestions/") == 2, "the co-unit's list also holds the replied one"
    co = lines(world.unit_co)["co_opinion"]
    due = Assignment.objects.get(suggestion=assigned, unit=world.tree.unit_other, active=True).opinion_due
    assert co.count == 1 and co.items[0].due == due and due is not None
    assert listed(world.unit_co, co.url) == 1 and "只显示待提出协办意见的建议" in logged_in(world.unit_co).get(
        co.url).content.decode()
    assert "co_opinion" not in lines(world.unit_lead) and "co_opinion" not in lines(world.unit_third)
    services.suggestion_opinion(actor=world.unit_co, suggestion=assigned, text="我局将配合做好校门口交通安全宣传。")
    assert "co_opinion" not in lines(world.unit_co), "once sent, nothing waits"
    assert listed(world.unit_co, co.url) == 0

    world.step(assigned, "accept")
    seen = lines(world.unit_lead)
    assert "sign" not in seen and seen["answer"].count == 1
    assert seen["answer"].items[0].due == Suggestion.objects.get(pk=assigned.pk).deadline
    assert listed(world.unit_lead, seen["answer"].url) == 1
    several = logged_in(world.unit_lead).get(seen["answer"].url).content.decode()
    assert '<option value="handling,rehandling,follow_up" selected>办理中、重新办理、跟踪办理</option>' in several
    world.step(assigned, "reply_A")
    assert "answer" not in lines(world.unit_lead)


def test_a_deputy_is_asked_to_co_sign_to_revise_and_to_judge_a_reply_and_the_lists_show_only_those(world):
    draft = world.create(title="增设甲村公交站")
    asked = lines(world.cosigner)
    assert asked["cosign"].count == 1 and asked["cosign"].items[0].url == f"/suggestions/{draft.pk}/"
    assert listed(world.cosigner, asked["cosign"].url) == 1
    assert "cosign" not in lines(world.lead), "the lead deputy is not asked to co-sign their own"
    assert lines(world.lead)["drafts"].count == 1

    world.step(draft, "confirm_all")
    assert "cosign" not in lines(world.cosigner), "once co-signed, nothing waits"

    world.build(Status.RETURNED)
    replied = world.build(Status.REPLIED)  # led by world.lead, co-signed by world.cosigner
    seen = lines(world.lead)
    assert seen["returned"].count == 1 and seen["evaluate"].count == 1 and seen["drafts"].count == 1
    for key in ("returned", "evaluate", "drafts"):
        assert listed(world.lead, seen[key].url) == seen[key].count, key
    assert "evaluate" not in lines(world.cosigner), "the co-signer does not judge the reply"
    assert listed(world.cosigner, "/suggestions/?status=replied") == 1
    assert listed(world.cosigner, "/suggestions/?status=replied&mine=1") == 0, "mine=1: only those they lead"
    assert listed(world.cosigner, "/suggestions/?cosign=1") == 0 < listed(world.cosigner, "/suggestions/")
    assert Suggestion.objects.get(pk=replied.pk).status == Status.REPLIED
    page = logged_in(world.lead).get(seen["evaluate"].url).content.decode()
    assert "只显示已答复、我领衔的建议" in page


@pytest.mark.django_db
def test_the_home_page_names_the_months_hot_issues_of_the_clerks_townships(world):
    """Three villagers write about the same broken street lights this month: the county's and the township's home
    page name the group; another township's clerk sees none; a deputy may not load the fragment."""
    from renda.liaison.services.stations import station_create

    station = station_create(actor=world.clerk_a, region=world.tree.town_a, kind="central", name="甲镇联络站",
                             address="甲镇政府")
    for i, who in enumerate(["13800000001", "13800000002", "13800000003"]):
        opinion_services.opinion_register(actor=world.clerk_a, channel="reception", station=station, name=f"村民{i}",
                                          phone=who, content="甲村幸福路路灯坏了一个月，晚上漆黑一片，请尽快修复路灯。")
    for user in (world.county_clerk, world.clerk_a):
        fragment = logged_in(user).get("/insights/hot/home/").content.decode()
        assert 'data-testid="hot-home-list"' in fragment and "路灯" in fragment and "3 人反映" in fragment
        assert f"#hot-township-{world.tree.town_a.pk}" in fragment
    assert 'data-testid="hot-home-none"' in logged_in(world.clerk_b).get("/insights/hot/home/").content.decode()
    assert logged_in(world.lead).get("/insights/hot/home/").status_code in (403, 404)
    assert 'hx-get="/insights/hot/home/"' in logged_in(world.county_clerk).get("/").content.decode()
    assert "/insights/hot/home/" not in logged_in(world.lead).get("/").content.decode()

    # kept under the month's opinions as they stand: a fourth villager writes, and the next visit counts them
    opinion_services.opinion_register(actor=world.clerk_a, channel="reception", station=station, name="村民3",
                                      phone="13800000004",
                                      content="甲村幸福路路灯坏了一个月，晚上漆黑一片，请修复路灯。")
    assert "4 人反映" in logged_in(world.clerk_a).get("/insights/hot/home/").content.decode()

    # a city's account does not group its thousand townships on each visit of its home page
    from renda.core.roles import Role
    from tests.factories import UserFactory

    city = UserFactory(role=Role.COUNTY_STAFF, region=world.tree.county.parent)
    assert "/insights/hot/home/" not in logged_in(city).get("/").content.decode()
    assert 'data-testid="hot-home-level"' in logged_in(city).get("/insights/hot/home/").content.decode()


def test_meetings_of_the_coming_30_days_wait_for_the_clerk_and_the_deputy_and_one_under_way_is_marked(world):
    from renda.meetings.models import Meeting, MeetingKind, MeetingStatus
    from tests.meetings.util import make_session

    now, tree = timezone.now(), world.tree
    session = make_session(tree.term_a, number=3, starts_on=timezone.localdate() - dt.timedelta(days=30),
                           ends_on=timezone.localdate() + dt.timedelta(days=40))

    def meeting(title: str, days: int, status: str = MeetingStatus.PLANNED) -> Meeting:
        return Meeting.objects.create(congress=tree.congress_a, term=tree.term_a, session=session,
                                      kind=MeetingKind.PLENARY, title=title,
                                      starts_at=now + dt.timedelta(days=days), status=status)

    soon, running = meeting("主席团会议（下周）", 7), meeting("全体会议", -1, MeetingStatus.IN_PROGRESS)
    meeting("明年的会议", 40)
    meeting("已取消的会议", 3, MeetingStatus.CANCELLED)
    meeting("上月的会议", -30, MeetingStatus.CLOSED)
    clerk = lines(world.clerk_a)["meetings"]
    assert clerk.count == 2 and [i.url for i in clerk.items] == [f"/meetings/{running.pk}/", f"/meetings/{soon.pk}/"]
    assert [i.tag for i in clerk.items] == ["进行中", ""]
    deputy = lines(world.lead)["meetings"]
    assert [i.url for i in deputy.items] == [f"/meetings/{running.pk}/me/", f"/meetings/{soon.pk}/me/"]
    assert "meetings" not in lines(world.clerk_b), "another township's meetings"
    assert clerk.url == "/meetings/?upcoming=1"
    page = logged_in(world.clerk_a).get(clerk.url).content.decode()
    assert re.findall(r'href="/meetings/(\d+)/"', page) == [str(running.pk), str(soon.pk)]
    everything = logged_in(world.clerk_a).get("/meetings/").content.decode()
    assert len(set(re.findall(r'href="/meetings/(\d+)/"', everything))) == 5


def test_a_unit_is_not_told_a_follow_up_item_is_late_by_its_first_deadline(world):
    """跟踪办理 (a B or C reply, judged): the second reply comes when the matter is solved, so the suggestion list never
    calls it late; the unit's 待答复 line counted it overdue by the deadline of the first reply."""
    following = world.build(Status.FOLLOW_UP)
    handling = world.step(world.build(Status.ASSIGNED), "accept")
    past = timezone.localdate() - dt.timedelta(days=3)
    Suggestion.objects.filter(pk__in=[following.pk, handling.pk]).update(deadline=past)
    answer = lines(world.unit_lead)["answer"]
    assert answer.count == 2 and answer.overdue == 1, "only the one in 办理中 is late"
    assert {item.url: item.overdue for item in answer.items} == {
        f"/suggestions/{following.pk}/": False, f"/suggestions/{handling.pk}/": True}
    assert listed(world.unit_lead, answer.url) == 2
    late_list = logged_in(world.unit_lead).get("/suggestions/", {"overdue": "1"}).content.decode()
    assert f"/suggestions/{handling.pk}/" in late_list and f"/suggestions/{following.pk}/" not in late_list
