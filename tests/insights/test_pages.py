"""The engine in the pages: the assistant beside the opinion and suggestion forms (category, unit, similar cases of
the caller's scope), learning from the clerks' categories and corrections, reply advice, hot issues."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from renda.core.models import AuditEntry
from renda.core.roles import Role
from renda.insights import assistant, history, jobs, monthly, store
from renda.liaison.models import Opinion
from renda.liaison.services import opinions as opinion_services
from renda.organizations.services import congress_setting_set
from tests.factories import UserFactory
from tests.helpers import logged_in
from tests.insights.synthetic import history as synthetic_history
from tests.liaison.builders import build_liaison

ELEVATOR = [f"{place}电梯故障频发，经常困人，物业不管" for place in ("幸福村", "东湖社区", "北关村", "南街社区",
                                                              "石桥村", "新民村")]
SMOKE = "东湖社区油烟扰民，晚上噪音也很大，希望有关部门处理"


def assist(user, **data) -> str:
    response = logged_in(user).post(reverse("insights:assist"), data)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def world(tree):
    history.clear_caches()
    w = build_liaison(tree)
    congress_setting_set(actor=None, congress=tree.congress_a, key="insights.min_history", raw="20")
    for text, category in synthetic_history(per_class=8):
        opinion_services.opinion_register(actor=w.clerk, station=w.central, channel="reception", content=text,
                                          category=category)
    return w


def more_smoke(world) -> None:
    """A word shown with a proposal, and the proposal's confidence, rest on words that three texts of the history
    hold at least (classifier.SHOWN_MIN_TEXTS, two); the synthetic history names 油烟 and 噪音 in one text each, so the
    clerk has registered a few more such complaints."""
    for text in ("河口社区烧烤摊油烟很大，夜里噪音吵得睡不着", "南街社区饭店油烟直排，噪音也大",
                 "新民村养殖场夜间噪音扰民，油烟味重"):
        opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="reception",
                                          content=text, category="环境保护")


def train(congress) -> None:
    assert jobs.retrain_congress.call(congress.pk, "category") is True


@pytest.mark.django_db
def test_the_opinion_form_proposes_the_category_learnt_from_the_clerks_own_opinions(world) -> None:
    more_smoke(world)
    train(world.tree.congress_a)
    html = assist(world.clerk, content=SMOKE, insights_congress=world.tree.congress_a.pk)
    assert re.search(r"建议分类：环境保护</strong>（置信度 \d+%）", html)
    assert "依据词语：" in html and ("油烟" in html or "噪音" in html)
    rows = AuditEntry.objects.filter(action="insights.model_train", object_id=str(world.tree.congress_a.pk))
    assert rows.count() == 1


@pytest.mark.django_db
def test_a_clerks_correction_changes_the_next_suggestion_after_the_retraining_job(world) -> None:
    """Labels are the opinions' categories as clerks set or correct them (opinion_accept), picked up by the job."""
    tree, clerk = world.tree, world.clerk
    congress_setting_set(actor=None, congress=tree.congress_a, key="insights.confidence_threshold", raw="30")
    filed = [opinion_services.opinion_register(actor=clerk, station=world.central, channel="phone", content=t,
                                               category="城建交通") for t in ELEVATOR]
    train(tree.congress_a)
    new = "北关村的电梯故障频发，物业不管，希望解决"
    assert "建议分类：城建交通" in assist(clerk, content=new, insights_congress=tree.congress_a.pk)

    for o in filed:  # the clerks correct the category while accepting
        opinion_services.opinion_accept(actor=clerk, opinion=o, category="社会保障")
    assert Opinion.objects.filter(pk__in=[o.pk for o in filed], category="社会保障").count() == len(filed)
    assert jobs.retrain_models.call() >= 1
    assert "建议分类：社会保障" in assist(clerk, content=new, insights_congress=tree.congress_a.pk)


@pytest.mark.django_db
def test_below_the_threshold_setting_the_form_says_uncertain(world) -> None:
    train(world.tree.congress_a)
    congress_setting_set(actor=None, congress=world.tree.congress_a, key="insights.confidence_threshold", raw="100")
    html = assist(world.clerk, content=SMOKE, insights_congress=world.tree.congress_a.pk)
    assert "分类：不确定" in html and "可能是“环境保护”" in html
    assert "建议分类" not in html


@pytest.mark.django_db
def test_a_congress_with_too_little_history_gets_no_suggestion_but_still_sees_similar_cases(world) -> None:
    congress_setting_set(actor=None, congress=world.tree.congress_a, key="insights.min_history", raw="500")
    assert jobs.retrain_congress.call(world.tree.congress_a.pk, "category") is False
    assert store.load(world.tree.congress_a.pk, "category") is None
    html = assist(world.clerk, content=SMOKE, insights_congress=world.tree.congress_a.pk)
    assert "建议分类" not in html and "不确定" not in html
    assert 'data-testid="insights-no-history"' in html
    assert 'data-testid="insights-similar"' in html
    assert reverse("insights:archive") in html  # the clerk is pointed to the import of past years' ledgers
    assert reverse("insights:status") in html  # … and to how far the congress is from the minimum


@pytest.mark.django_db
def test_similar_cases_flag_the_same_complaint_sent_again_with_its_reply(world) -> None:
    first = opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="phone",
                                              content="甲村村口路灯坏了三个月没人修，晚上走路很不安全")
    opinion_services.opinion_accept(actor=world.clerk, opinion=first, category="城建交通")
    opinion_services.opinion_reply(actor=world.clerk, opinion=first, text="已联系供电所，本周内修复路灯。")
    html = assist(world.clerk, content="甲村村口路灯坏了三个月没人修，晚上走路很不安全！",
                  insights_congress=world.tree.congress_a.pk)
    assert 'data-testid="near-duplicate"' in html
    assert reverse("liaison:opinion_detail", args=[first.pk]) in html
    assert "答复：已联系供电所，本周内修复路灯。" in html
    assert '<details data-testid="insights-similar-box" open>' in html and "其中疑似重复 1 件" in html
    # merely similar cases are folded under their count, so that the form's button stays near on a phone
    other = assist(world.clerk, content="乙村新修的路灯坏了好几盏，请尽快派人修理",
                   insights_congress=world.tree.congress_a.pk)
    assert reverse("liaison:opinion_detail", args=[first.pk]) in other and 'data-testid="near-duplicate"' not in other
    assert '<details data-testid="insights-similar-box"><summary><strong>相似的既往案例' in other
    assert "疑似重复" not in other


@pytest.mark.django_db
def test_the_same_complaint_sent_again_is_one_similar_case_with_each_dated_and_its_status(world) -> None:
    """Three word-for-word copies would fill the panel with one text: they are one case, the others listed
    under it by date and status, and the room left goes to other cases."""
    text = "甲村村口路灯坏了三个月没人修，晚上走路很不安全"
    copies = []
    for day in (3, 4, 5):
        o = opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="phone", content=text)
        Opinion.objects.filter(pk=o.pk).update(received_at=timezone.make_aware(dt.datetime(2026, 5, day, 9)))
        copies.append(o)
    opinion_services.opinion_accept(actor=world.clerk, opinion=copies[0], category="城建交通")
    other = opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="phone",
                                              content="乙村村口路灯不亮，晚上走路看不见")
    html = assist(world.clerk, content=text + "！", insights_congress=world.tree.congress_a.pk)
    rows = html.split('<ul data-testid="insights-similar">', 1)[1].split("</ul>", 1)[0].split("<li>")[1:]
    assert sum(text in row for row in rows) == 1  # one case for the three copies
    first = next(row for row in rows if text in row)
    assert first.count('data-testid="near-duplicate"') == 1 and "另有 2 条内容相同" in first
    assert all(reverse("liaison:opinion_detail", args=[o.pk]) in first for o in copies)
    assert all(f"群众意见 2026-05-0{day}" in first for day in (3, 4, 5))
    assert "已登记" in first and "办理中" in first  # the statuses tell which copy is being handled
    assert any(reverse("liaison:opinion_detail", args=[other.pk]) in row for row in rows)
    from tests.helpers import api_client  # the API answers as the panel shows: one case, its copies under it

    similar = api_client(world.clerk).post("/api/v1/insights/propose", {
        "congress": world.tree.congress_a.pk, "text": text + "！"}, content_type="application/json").json()["similar"]
    [case] = [c for c in similar if c["text"].startswith("甲村村口路灯")]
    statuses = {c["id"]: c["status"] for c in [case, *case["same"]]}
    assert statuses == {copies[0].pk: "accepted", copies[1].pk: "received", copies[2].pk: "received"}
    assert any(c["id"] == other.pk for c in similar)


@pytest.mark.django_db
def test_a_township_clerk_never_sees_another_townships_cases(world) -> None:
    """Scope: the county's form finds both townships' cases for county staff, only the own township's for a clerk;
    a congress of another township is not found at all."""
    tree = world.tree
    other_station = __import__("renda.liaison.services.stations", fromlist=["x"]).station_create(
        actor=world.clerk_b, region=tree.town_b, kind="central", name="乙镇中心联络站", address="乙镇")
    secret = "乙镇河道发臭多年，沿河居民苦不堪言"
    opinion_services.opinion_register(actor=world.clerk_b, station=other_station, channel="phone", content=secret)
    county = tree.county_congress.pk
    assert "乙镇河道发臭" in assist(world.county_staff, content=secret, insights_congress=county)
    assert "乙镇河道发臭" in assist(world.clerk_b, content=secret, insights_congress=tree.congress_b.pk)
    assert "乙镇河道发臭" not in assist(world.clerk, content=secret, insights_congress=tree.congress_a.pk)
    for congress in (tree.congress_b.pk, county):  # another township's; the county's, which governs a township
        # that has its own congress, so that no form of the clerk's is about it (the status page's rule too)
        response = logged_in(world.clerk).post(reverse("insights:assist"),
                                                {"content": secret, "insights_congress": congress})
        assert response.status_code == 404


@pytest.mark.django_db
def test_a_street_clerk_asks_about_the_county_congress_that_governs_the_street(world) -> None:
    """A street has no congress of its own: its stations register the county congress's opinions."""
    from tests.factories import make_region

    street = make_region("城关街道", "street", world.tree.county)
    clerk = UserFactory(role=Role.TOWNSHIP_STAFF, region=street)
    assert assist(clerk, content=SMOKE, insights_congress=world.tree.county_congress.pk)
    response = logged_in(clerk).post(reverse("insights:assist"),
                                     {"content": SMOKE, "insights_congress": world.tree.congress_a.pk})
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_deputys_suggestion_form_uses_the_chosen_congress_and_only_their_congresses(world) -> None:
    more_smoke(world)
    train(world.tree.congress_a)
    deputy = UserFactory(role=Role.DEPUTY, region=world.tree.town_a, person=world.deputies[0])
    html = assist(deputy, title="油烟扰民", content=SMOKE, congress=world.tree.congress_a.pk)
    assert "建议分类：环境保护" in html
    # a deputy sees the suggestions they lead or co-signed, not opinions
    assert 'data-testid="insights-similar"' not in html and 'data-testid="insights-no-similar"' in html
    response = logged_in(deputy).post(reverse("insights:assist"),
                                       {"content": SMOKE, "congress": world.tree.congress_b.pk})
    assert response.status_code == 404
    # a new term: the old term's mandate stays active but is no longer in office, and the form offers no congress
    world.tree.term_a.is_current = False
    world.tree.term_a.save(update_fields=["is_current"])
    response = logged_in(deputy).post(reverse("insights:assist"),
                                       {"content": SMOKE, "congress": world.tree.congress_a.pk})
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_forms_carry_the_assistant(world) -> None:
    page = logged_in(world.clerk).get(reverse("liaison:opinion_new", args=[world.central.pk])).content.decode()
    assert 'data-testid="insights-assist"' in page and reverse("insights:assist") in page
    assert f'"insights_congress": "{world.tree.congress_a.pk}"' in page
    deputy = UserFactory(role=Role.DEPUTY, region=world.tree.town_a, person=world.deputies[0])
    form = logged_in(deputy).get(reverse("suggestions:new")).content.decode()
    assert 'data-testid="insights-assist"' in form and "hx-vals" not in form  # the form's own congress field


@pytest.mark.django_db
def test_a_short_text_gets_the_hint_not_a_guess(world) -> None:
    train(world.tree.congress_a)
    html = assist(world.clerk, content="油烟", insights_congress=world.tree.congress_a.pk)
    assert "建议分类" not in html and "输入内容后" in html


# --- hot issues ---------------------------------------------------------------------------------------------------


def _complaints(world, n: int, when: dt.datetime) -> list[Opinion]:
    out = []
    for i in range(n):
        o = opinion_services.opinion_register(
            actor=world.clerk, station=world.central, channel="phone", phone=f"1380000{i:04d}",
            content=f"幸福花园小区门口烧烤摊油烟噪音扰民，深夜还在营业，第{i}次反映")
        Opinion.objects.filter(pk=o.pk).update(received_at=when + dt.timedelta(hours=i))
        out.append(o)
    return out


@pytest.mark.django_db
def test_hot_issues_show_per_township_and_month_and_a_group_becomes_one_suggestion(world) -> None:
    from renda.suggestions.models import Status, Suggestion
    from tests.factories import PersonFactory

    when = timezone.make_aware(dt.datetime(2026, 5, 3, 10))
    group = _complaints(world, 4, when)
    page = logged_in(world.county_staff).get(reverse("insights:hot"), {"month": "2026-05"}).content.decode()
    assert f'data-testid="hot-township-{world.tree.town_a.pk}"' in page
    assert f'data-testid="hot-township-{world.tree.town_b.pk}"' in page
    assert "幸福花园小区门口烧烤摊油烟噪音扰民" in page and "4 人反映" in page
    own = logged_in(world.clerk_b).get(reverse("insights:hot"), {"month": "2026-05"}).content.decode()
    assert "幸福花园" not in own and f'data-testid="hot-township-{world.tree.town_a.pk}"' not in own

    suggestion = Suggestion.objects.create(
        congress=world.tree.congress_a, region_path=world.tree.town_a.path, title="整治烧烤摊油烟", content="……",
        lead_deputy=world.deputies[0] if world.deputies else PersonFactory(), year=2026, channel="recess",
        status=Status.SUBMITTED)
    for o in group:
        opinion_services.opinion_accept(actor=world.clerk, opinion=o, category="环境保护")
    response = logged_in(world.clerk).post(reverse("insights:hot_to_suggestion"), {
        "opinions": [o.pk for o in group], "suggestion": suggestion.pk, "month": "2026-05"})
    assert response.status_code == 302
    assert Opinion.objects.filter(pk__in=[o.pk for o in group], suggestion=suggestion).count() == 4
    assert AuditEntry.objects.filter(action="opinion.to_suggestion").count() == 4


@pytest.mark.django_db
def test_a_hot_issue_offers_the_suggestions_most_like_it_first_and_asks_for_a_choice(world) -> None:
    """Of the many open suggestions, the ones about the same problem come first with their similarity; nothing is
    chosen in advance, and a form sent without a choice links nothing and says why."""
    from renda.suggestions.models import Status, Suggestion

    group = _complaints(world, 4, timezone.make_aware(dt.datetime(2026, 5, 3, 10)))

    def filed(title: str, content: str) -> Suggestion:
        return Suggestion.objects.create(
            congress=world.tree.congress_a, region_path=world.tree.town_a.path, title=title, content=content,
            lead_deputy=world.deputies[0], year=2026, channel="recess", status=Status.SUBMITTED)

    barbecue = filed("关于整治幸福花园小区烧烤摊油烟噪音的建议", "小区门口烧烤摊深夜营业，油烟噪音扰民。")
    others = [filed(f"关于甲镇{topic}的建议", f"建议甲镇{topic}。") for topic in
              ("修复村道", "增设公交站点", "建设养老服务中心", "改善学校食堂", "整治河道")]
    for o in group:  # only accepted opinions can become a suggestion: the page offers the choice for those
        opinion_services.opinion_accept(actor=world.clerk, opinion=o, category="环境保护")
    page = logged_in(world.clerk).get(reverse("insights:hot"), {"month": "2026-05"}).content.decode()
    select = re.search(r'<select name="suggestion" required data-testid="hot-target">(.*?)</select>', page, re.S)
    assert select, page
    options = re.findall(r'<option value="(\d*)"', select.group(1))
    assert options[0] == "" and options[1] == str(barbecue.pk)  # "请选择…", then the barbecue suggestion
    likely = re.search(r'<optgroup label="内容相近的建议">(.*?)</optgroup>', select.group(1), re.S)
    assert likely and "相似度" in likely.group(1)
    assert all(f'value="{o.pk}"' not in likely.group(1) for o in others)  # the village, the township: no subject
    assert sorted(options[1:]) == sorted(str(x.pk) for x in [barbecue, *others])  # each offered once
    from tests.helpers import api_client

    api = api_client(world.clerk).get("/api/v1/insights/hot?month=2026-05").json()
    offered = api["townships"][0]["issues"][0]["likely_suggestions"]
    assert offered[0]["id"] == barbecue.pk and offered[0]["title"] == barbecue.title
    assert 0 < offered[0]["similarity"] <= 1 and all(o["id"] != x.pk for o in offered for x in others)

    response = logged_in(world.clerk).post(reverse("insights:hot_to_suggestion"), {
        "opinions": [o.pk for o in group], "suggestion": "", "month": "2026-05"}, follow=True)
    assert "请选择要并入的代表建议" in response.content.decode()
    assert not Opinion.objects.filter(pk__in=[o.pk for o in group], suggestion__isnull=False).exists()


@pytest.mark.django_db
def test_a_hot_issue_can_be_taken_up_by_a_deputy_as_a_new_suggestion(world) -> None:
    """The other way to turn a group into one suggestion: the group's opinions arrive ticked on the liaison app's
    形成代表建议 page, with a title and content drafted from them, and a deputy of the congress takes them up."""
    from renda.suggestions.models import Suggestion

    group = _complaints(world, 3, timezone.make_aware(dt.datetime(2026, 5, 3, 10)))
    for o in group:
        opinion_services.opinion_accept(actor=world.clerk, opinion=o, category="环境保护")
    clerk = logged_in(world.clerk)
    page = clerk.get(reverse("insights:hot"), {"month": "2026-05"}).content.decode()
    link = re.search(r'data-testid="hot-new-suggestion" href="([^"]+)"', page)
    assert link, page
    draft = clerk.get(link.group(1).replace("&amp;", "&")).content.decode()
    for o in group:
        assert f'value="{o.pk}" checked' in draft
    assert "3 条群众意见反映" in draft
    # the title drafted names the issue, as the page titled it (not "关于环境保护方面群众反映问题的建议")
    issue_title = re.search(r'<h3>1\. ([^<]+) <span class="tag">热度', page)
    assert issue_title, page
    assert issue_title.group(1).startswith("幸福花园小区门口烧烤摊油烟噪音扰民，")
    assert 'value="关于幸福花园小区门口烧烤摊油烟噪音扰民问题的建议"' in draft, draft
    mandate = re.search(r'name="mandate" value="(\d+)"', draft) or re.search(r'<option value="(\d+)"', draft)
    assert mandate, draft
    response = clerk.post(reverse("liaison:opinions_to_suggestion"), {
        "opinions": [o.pk for o in group], "mandate": mandate.group(1), "title": "关于整治幸福花园烧烤摊油烟的建议",
        "content": "3 条群众意见反映烧烤摊油烟噪音扰民。建议：依法整治。"})
    assert response.status_code == 302
    made = Suggestion.objects.get(title="关于整治幸福花园烧烤摊油烟的建议")
    assert set(Opinion.objects.filter(suggestion=made).values_list("pk", flat=True)) == {o.pk for o in group}


@pytest.mark.django_db
def test_a_clerk_cannot_convert_another_townships_opinions(world) -> None:
    group = _complaints(world, 3, timezone.now())
    response = logged_in(world.clerk_b).post(reverse("insights:hot_to_suggestion"), {
        "opinions": [o.pk for o in group], "suggestion": 1})
    assert response.status_code == 302
    assert not Opinion.objects.filter(pk__in=[o.pk for o in group], suggestion__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="opinion.to_suggestion").exists()


@pytest.mark.django_db
def test_a_deputy_sees_their_own_earlier_suggestion_but_not_the_one_being_edited(world) -> None:
    from renda.suggestions import services as suggestion_services

    deputy = UserFactory(role=Role.DEPUTY, region=world.tree.town_a, person=world.deputies[0])
    text = "甲村小学门口车速过快，建议增设减速带和人行横道"
    s = suggestion_services.suggestion_create(actor=deputy, congress=world.tree.congress_a, kind="suggestion",
                                              channel="recess", title="增设减速带", content=text,
                                              category="城建交通", co_signers=[])
    link = reverse("suggestions:detail", args=[s.pk])
    again = assist(deputy, title="增设减速带", content=text, congress=world.tree.congress_a.pk)
    assert link in again and 'data-testid="near-duplicate"' in again
    editing = assist(deputy, title="增设减速带", content=text, insights_congress=world.tree.congress_a.pk,
                     insights_exclude=s.pk)
    assert link not in editing


@pytest.mark.django_db
def test_the_handling_unit_is_proposed_from_the_units_opinions_were_assigned_to(world) -> None:
    tree = world.tree
    Opinion.objects.filter(category="城建交通").update(unit=tree.unit_county)  # 县交通运输局
    Opinion.objects.exclude(category="城建交通").update(unit=tree.unit_other)  # 县教育局
    assert jobs.retrain_congress.call(tree.congress_a.pk, "unit") is True
    html = assist(world.clerk, content="石桥村道路坑洼，路灯不亮，晚上出行很危险", insights_congress=tree.congress_a.pk)
    assert "建议承办单位：县交通运输局" in html
    # a unit since closed: the other one is a hint, and the panel says why it is uncertain (not "no word says it")
    tree.unit_county.active = False
    tree.unit_county.save(update_fields=["active"])
    html = assist(world.clerk, content="石桥村道路坑洼，路灯不亮，晚上出行很危险", insights_congress=tree.congress_a.pk)
    assert "承办单位：不确定" in html and "县教育局" in html and "最可能的单位已不再承办" in html, html
    assert "文中没有能说明它的词语" not in html.split('data-testid="insights-unit"', 1)[1].split("</p>")[0]


# --- reply advice on an opinion ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_reply_to_an_opinion_gets_advice_in_its_form_and_late_replies_are_told(world) -> None:
    opinion = opinion_services.opinion_register(
        actor=world.clerk, station=world.central, channel="phone",
        content="东湖社区门口的路灯坏了半个月，晚上老人出门很危险，请尽快修好。")
    opinion_services.opinion_accept(actor=world.clerk, opinion=opinion, category="城建交通")
    clerk = logged_in(world.clerk)
    page = clerk.get(reverse("liaison:opinion_detail", args=[opinion.pk])).content.decode()
    url = reverse("insights:opinion_reply_advice", args=[opinion.pk])
    assert 'data-testid="insights-reply-advice"' in page and url in page
    vague = clerk.post(url, {"text": "您好，您反映的问题已收到，我们会认真研究。"}).content.decode()
    assert 'data-testid="reply-advice"' in vague and "仅供参考，不影响提交" in vague
    done = clerk.post(url, {"text": "关于东湖社区门口路灯损坏的问题，经核实，镇城建办已安排电工，"
                                   "将于本周五前修复路灯。"}).content.decode()
    assert 'data-testid="reply-ok"' in done
    Opinion.objects.filter(pk=opinion.pk).update(received_at=timezone.now() - dt.timedelta(days=60),
                                                 deadline=timezone.localdate() - dt.timedelta(days=30))
    late = clerk.post(url, {"text": "关于东湖社区门口路灯损坏的问题，经核实，镇城建办已安排电工，"
                                   "将于本周五前修复路灯。"}).content.decode()
    due = timezone.localdate() - dt.timedelta(days=30)
    assert f"已超过答复期限（{due:%Y-%m-%d}）30 天" in late  # the opinion's own deadline, and the days past it
    assert logged_in(world.clerk_b).post(url, {"text": "已安排电工，本周五前修好。"}).status_code == 404
    from tests.helpers import api_client

    api = api_client(world.clerk).post("/api/v1/insights/reply-check", {"opinion": opinion.pk, "text": (
        "关于东湖社区门口路灯损坏的问题，经核实，镇城建办已安排电工，将于本周五前修复路灯。")},
        content_type="application/json").json()  # the API gives the same checks
    on_time = next(c for c in api["checks"] if c["code"] == "on_time")
    assert api["ok"] is False and on_time["ok"] is False
    assert on_time["advice"] == f"已超过答复期限（{due:%Y-%m-%d}）30 天"


# --- proposals on the opinion's own page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_accepting_and_transferring_an_opinion_preselect_the_proposed_category_and_unit(world) -> None:
    """An opinion registered without a category (the constituent did not know) is accepted later and transferred:
    both forms on its page start at the engine's proposal when it is confident, with the confidence shown."""
    tree = world.tree
    Opinion.objects.filter(category="城建交通").update(unit=tree.unit_county)  # 县交通运输局
    Opinion.objects.exclude(category="城建交通").update(unit=tree.unit_other)  # 县教育局
    assert jobs.retrain_congress.call(tree.congress_a.pk, "category") is True
    assert jobs.retrain_congress.call(tree.congress_a.pk, "unit") is True
    opinion = opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="phone",
                                                content="石桥村道路坑洼，路灯不亮，晚上出行很危险")
    clerk = logged_in(world.clerk)
    page = clerk.get(reverse("liaison:opinion_detail", args=[opinion.pk])).content.decode()
    assert re.search(r'<option selected>城建交通</option>', page), page
    assert "智能建议分类：城建交通" in page and "已预选" in page
    opinion_services.opinion_accept(actor=world.clerk, opinion=opinion, category="城建交通")
    page = clerk.get(reverse("liaison:opinion_detail", args=[opinion.pk])).content.decode()
    assert f'<option value="{tree.unit_county.pk}" selected>' in page
    assert 'data-testid="assign-unit-proposal"' in page and "智能建议承办单位：" in page

    without = opinion_services.opinion_register(actor=world.clerk_b, region=tree.town_b, channel="phone",
                                                content="石桥村道路坑洼，路灯不亮，晚上出行很危险")
    page = logged_in(world.clerk_b).get(reverse("liaison:opinion_detail", args=[without.pk])).content.decode()
    assert "智能建议" not in page and " selected>" not in page.split('id="acc-cat"', 1)[1].split("</select>")[0]
    # no category chosen for the clerk: an empty first choice, not the taxonomy's first category (工业经济)
    assert page.split('id="acc-cat"', 1)[1].startswith(' name="category" required><option value="">（请选择）</option>')


@pytest.mark.django_db
def test_the_months_hot_issues_export_as_a_workbook_with_personal_data_masked_and_audited(world) -> None:
    import io

    from openpyxl import load_workbook

    from renda.core.models import AuditEntry

    when = timezone.make_aware(dt.datetime(2026, 5, 3, 10))
    group = _complaints(world, 4, when)
    Opinion.objects.filter(pk=group[0].pk).update(content=group[0].content + "，电话13812345678")
    page = logged_in(world.county_staff).get(reverse("insights:hot"), {"month": "2026-05"}).content.decode()
    assert f'{reverse("insights:hot_export")}?month=2026-05' in page
    response = logged_in(world.county_staff).get(reverse("insights:hot_export"), {"month": "2026-05"})
    assert response.status_code == 200 and "2026-05-hot-issues.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    issues = list(book["热点问题"].iter_rows(values_only=True))
    assert issues[0][0].startswith("2026年5月热点问题")
    town_a = [row for row in issues[2:] if row[0] == world.tree.town_a.name]
    assert len(town_a) == 1 and town_a[0][2] == 1 and town_a[0][3].startswith("幸福花园小区门口烧烤摊油烟噪音扰民")
    assert f"1. {town_a[0][3]}" in page  # the page's title of the group
    assert town_a[0][5:7] == (4, 4) and town_a[0][7] == "2026-05-03"
    town_b = [row for row in issues[2:] if row[0] == world.tree.town_b.name]
    assert town_b[0][3] == "当月没有三人以上反映的同一问题"  # the workbook is of May, whenever it is opened
    detail = list(book["意见"].iter_rows(values_only=True))[1:]
    assert sorted(row[3] for row in detail) == sorted(o.pk for o in group)  # not the tracking codes
    assert not {o.tracking_code for o in group} & {str(c) for row in detail for c in row}
    texts = " ".join(row[6] for row in detail)
    assert "13812345678" not in texts and "138********" in texts
    entry = AuditEntry.objects.get(action="insights.hot_export")
    assert entry.actor_id == world.county_staff.pk and '"issues":1' in entry.after
    own = logged_in(world.clerk_b).get(reverse("insights:hot_export"), {"month": "2026-05"})
    assert "幸福花园" not in " ".join(str(c) for row in load_workbook(io.BytesIO(own.content))["意见"].iter_rows(
        values_only=True) for c in row)
    deputy = UserFactory(role=Role.DEPUTY, region=world.tree.town_a, person=world.deputies[0])
    assert logged_in(deputy).get(reverse("insights:hot_export")).status_code == 403


@pytest.mark.django_db
def test_opinions_taken_at_the_countys_own_workroom_are_the_countys_hot_issues(world) -> None:
    """A county's 代表工作室 sits in the county itself: its opinions are in no township, and three people's complaint
    there was on no hot page."""
    from renda.liaison.services.stations import station_create

    room = station_create(actor=world.county_staff, region=world.tree.county, kind="workroom", name="县代表工作室",
                          address="县城")
    for i, text in enumerate(["县城南门菜市场污水横流，气味难闻", "县城南门菜市场污水横流，夏天气味很大",
                              "县城南门菜市场污水横流，排水沟堵了"]):
        o = opinion_services.opinion_register(actor=world.county_staff, station=room, channel="phone",
                                              phone=f"1390000{i:04d}", content=text)
        Opinion.objects.filter(pk=o.pk).update(received_at=timezone.make_aware(dt.datetime(2026, 5, 3, 10 + i)))
    _complaints(world, 3, timezone.make_aware(dt.datetime(2026, 5, 3, 10)))

    rows = {r.name: r for r in monthly.hot_month(world.county_staff, dt.date(2026, 5, 1))}
    county = rows[f"{world.tree.county.name}（本级）"]
    assert county.count == 3 and len(county.issues) == 1 and "菜市场" in county.issues[0].title
    assert rows[world.tree.town_a.name].count == 3, "a township's opinions are not the county's own"
    page = logged_in(world.county_staff).get(reverse("insights:hot"), {"month": "2026-05"}).content.decode()
    assert f"{world.tree.county.name}（本级）" in page and "县城南门菜市场污水横流" in page
    assert [r.name for r in monthly.hot_month(world.clerk, dt.date(2026, 5, 1))] == [world.tree.town_a.name]


@pytest.mark.django_db
def test_the_api_gives_the_months_hot_issues_per_township_the_caller_sees(world) -> None:
    from tests.helpers import api_client

    group = _complaints(world, 4, timezone.make_aware(dt.datetime(2026, 5, 3, 10)))
    body = api_client(world.county_staff).get("/api/v1/insights/hot?month=2026-05").json()
    assert body["month"] == "2026-05"
    by_name = {t["name"]: t for t in body["townships"]}
    county = f"{world.tree.county.name}（本级）"  # the opinions taken at the county's own stations
    assert set(by_name) == {county, world.tree.town_a.name, world.tree.town_b.name}
    assert (by_name[county]["opinions"], by_name[county]["issues"]) == (0, [])
    town_a = by_name[world.tree.town_a.name]
    assert town_a["opinions"] == 4 and len(town_a["issues"]) == 1
    issue = town_a["issues"][0]
    assert (issue["rank"], issue["people"], sorted(issue["opinions"])) == (1, 4, sorted(o.pk for o in group))
    assert issue["title"].startswith("幸福花园小区门口烧烤摊油烟噪音扰民") and issue["heat"] > 0
    assert by_name[world.tree.town_b.name]["issues"] == []
    assert issue["likely_suggestions"] == []  # no suggestion to link to yet
    own = api_client(world.clerk_b).get("/api/v1/insights/hot?month=2026-05").json()
    assert [t["name"] for t in own["townships"]] == [world.tree.town_b.name]
    assert api_client(world.county_staff).get("/api/v1/insights/hot?month=2026-5x").status_code == 422
    deputy = UserFactory(role=Role.DEPUTY, region=world.tree.town_a, person=world.deputies[0])
    assert api_client(deputy).get("/api/v1/insights/hot").status_code == 403


@pytest.mark.django_db
def test_a_text_sharing_only_the_place_and_boilerplate_is_told_there_is_no_similar_case(world) -> None:
    first = opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="phone",
                                              content="甲镇甲村村口路灯坏了三个月没人修，晚上走路很不安全")
    text = "建议甲镇增开到甲村的公交班次，希望有关部门尽快解决"  # the township, the village and boilerplate
    html = assist(world.clerk, content=text, insights_congress=world.tree.congress_a.pk)
    assert reverse("liaison:opinion_detail", args=[first.pk]) not in html
    assert 'data-testid="insights-no-similar"' in html and 'data-testid="insights-similar"' not in html
    html = assist(world.clerk, content="甲村村口路灯坏了三个月", insights_congress=world.tree.congress_a.pk)
    assert reverse("liaison:opinion_detail", args=[first.pk]) in html
    assert 'data-testid="insights-no-similar"' not in html


@pytest.mark.django_db
def test_a_case_sharing_a_few_common_words_is_not_shown_as_similar(world, monkeypatch) -> None:
    """A 野猪 complaint once listed 茶叶合作社 and 河道污染 among its similar cases, at 4–12 %."""
    import re

    opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="phone",
                                      content="甲村村口路灯坏了三个月没人修，晚上走路很不安全")
    text = "甲村常有野猪下山糟蹋庄稼，损失很大"

    def scores() -> list[int]:
        html = assist(world.clerk, content=text, insights_congress=world.tree.congress_a.pk)
        return [int(v) for v in re.findall(r"相似度 (\d+)%", html)]

    shown = scores()
    assert all(v >= 100 * assistant.SIMILAR_MIN for v in shown), shown
    monkeypatch.setattr(assistant, "SIMILAR_MIN", 0.0)
    assert any(v < 15 for v in scores())  # such cases are there, and were shown


@pytest.mark.django_db
def test_the_export_masks_a_phone_in_the_line_that_titles_the_group(world) -> None:
    """A group's title is the first line of one of its opinions: it is masked like the opinions' text."""
    import io

    from openpyxl import load_workbook

    when = timezone.make_aware(dt.datetime(2026, 5, 3, 10))
    for i, written in enumerate(["13812340000", "+86 138 1234 0001", "138-1234-0002", "430101198001010003"]):
        o = opinion_services.opinion_register(
            actor=world.clerk, station=world.central, channel="phone", phone=f"1380000{i:04d}",
            content=f"幸福花园小区门口烧烤摊油烟噪音扰民 电话{written}\n深夜还在营业，请尽快处理")
        Opinion.objects.filter(pk=o.pk).update(received_at=when + dt.timedelta(hours=i))
    response = logged_in(world.county_staff).get(reverse("insights:hot_export"), {"month": "2026-05"})
    book = load_workbook(io.BytesIO(response.content))
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    titles = [c for c in cells if c.startswith("幸福花园小区门口烧烤摊油烟噪音扰民")]
    assert len(titles) >= 1 + 4 + 4  # the issue's row, and each opinion's row with its title and its text
    assert not [c for c in cells if "1234000" in c or "12340001" in c or "1234-0002" in c or "19800101" in c]


@pytest.mark.django_db
def test_a_hot_issue_offers_only_its_accepted_opinions_and_shows_where_the_others_went(world) -> None:
    """A group whose opinions are not yet accepted says so instead of offering a choice that can only fail; once
    some went to a suggestion, the group names it and offers only the rest, asking before it links them."""
    from renda.suggestions.models import Status, Suggestion

    group = _complaints(world, 4, timezone.make_aware(dt.datetime(2026, 5, 3, 10)))
    clerk = logged_in(world.clerk)

    def card() -> str:
        page = clerk.get(reverse("insights:hot"), {"month": "2026-05"}).content.decode()
        return page.split('data-testid="hot-issue"', 1)[1].split("</article>", 1)[0]

    waiting = card()
    assert "本组有 4 条意见尚待受理" in waiting
    assert 'data-testid="hot-to-suggestion"' not in waiting and 'data-testid="hot-new-suggestion"' not in waiting

    for o in group:
        opinion_services.opinion_accept(actor=world.clerk, opinion=o, category="环境保护")
    suggestion = Suggestion.objects.create(
        congress=world.tree.congress_a, region_path=world.tree.town_a.path, title="整治烧烤摊油烟", content="……",
        lead_deputy=world.deputies[0], year=2026, channel="recess", status=Status.SUBMITTED)
    clerk.post(reverse("insights:hot_to_suggestion"), {
        "opinions": [o.pk for o in group[:3]], "suggestion": suggestion.pk, "month": "2026-05"})
    part = card()
    town = world.tree.town_a.name  # the suggestion's congress: a county and a township number theirs alike
    assert re.search(rf'已转为代表建议：<a href="/suggestions/{suggestion.pk}/">[^<]+</a>（{town}，3 条）', part), part
    assert re.findall(r'name="opinions" value="(\d+)"', part) == [str(group[3].pk)]
    assert f"opinions={group[3].pk}" in part and f"opinions={group[0].pk}" not in part
    assert 'data-confirm="将本组 1 条已受理的意见并入所选代表建议？' in part
    assert f"（{world.tree.town_a.name}）" in part  # a suggestion's number says which congress it is of

    clerk.post(reverse("insights:hot_to_suggestion"), {
        "opinions": [group[3].pk], "suggestion": suggestion.pk, "month": "2026-05"})
    done = card()
    assert f"（{town}，4 条）" in done and 'data-testid="hot-nothing-to-link"' in done
    assert 'data-testid="hot-to-suggestion"' not in done and 'data-testid="hot-new-suggestion"' not in done


def _form_fields(html: str, testid: str) -> dict[str, list[str]]:
    """The hidden inputs of the form `testid`, as the browser would send them."""
    form = html.split(f'data-testid="{testid}"', 1)[1].split("</form>", 1)[0]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form):
        fields.setdefault(name, []).append(value)
    return fields


@pytest.mark.django_db
def test_a_hot_issue_form_shown_before_its_opinions_changed_is_refused_whole(world) -> None:
    """The group was shown with four accepted opinions; in another tab a deputy was then asked to follow one of
    them (跟进代表: its status stays 已受理, so the status check alone would have let it through). The form links
    nothing and says which opinion changed; the page shown again links the group as it now is."""
    from renda.liaison.services.deputies import opinion_set_deputy
    from renda.suggestions.models import Status, Suggestion

    group = _complaints(world, 4, timezone.make_aware(dt.datetime(2026, 5, 3, 10)))
    for o in group:
        opinion_services.opinion_accept(actor=world.clerk, opinion=o, category="环境保护")
    suggestion = Suggestion.objects.create(
        congress=world.tree.congress_a, region_path=world.tree.town_a.path, title="整治烧烤摊油烟", content="……",
        lead_deputy=world.deputies[0], year=2026, channel="recess", status=Status.SUBMITTED)
    clerk = logged_in(world.clerk)
    shown = _form_fields(clerk.get(reverse("insights:hot"), {"month": "2026-05"}).content.decode(), "hot-to-suggestion")
    assert sorted(shown["opinions"]) == sorted(str(o.pk) for o in group)
    assert all(shown[f"version_{o.pk}"] == [str(Opinion.objects.get(pk=o.pk).version)] for o in group)

    changed = opinion_set_deputy(actor=world.clerk, opinion=Opinion.objects.get(pk=group[1].pk),
                                 person=world.deputies[0])
    assert changed.status == Opinion.objects.get(pk=group[0].pk).status  # still 已受理
    refused = clerk.post(reverse("insights:hot_to_suggestion"), {**shown, "suggestion": suggestion.pk}, follow=True)
    assert f"意见 {changed.code} 在您打开页面后已有变动" in refused.content.decode()
    assert not Opinion.objects.filter(suggestion=suggestion).exists()
    assert not AuditEntry.objects.filter(action="opinion.to_suggestion").exists()

    again = _form_fields(clerk.get(reverse("insights:hot"), {"month": "2026-05"}).content.decode(), "hot-to-suggestion")
    assert again[f"version_{changed.pk}"] == [str(changed.version)]
    clerk.post(reverse("insights:hot_to_suggestion"), {**again, "suggestion": suggestion.pk})
    assert set(Opinion.objects.filter(suggestion=suggestion).values_list("pk", flat=True)) == {o.pk for o in group}


@pytest.mark.django_db
def test_a_hot_issue_names_a_suggestion_the_clerk_may_not_open_without_a_link(world) -> None:
    """The county took the township's opinions into a county suggestion: the township clerk sees where they went,
    but the county's suggestion is not theirs to open (it would answer 404), so it is named, not linked."""
    from renda.liaison.services.conversion import opinions_to_suggestion
    from renda.suggestions.models import Status, Suggestion

    group = _complaints(world, 4, timezone.make_aware(dt.datetime(2026, 5, 3, 10)))
    for o in group:
        opinion_services.opinion_accept(actor=world.clerk, opinion=o, category="环境保护")
    county = Suggestion.objects.create(
        congress=world.tree.county_congress, region_path=world.tree.county.path, title="全县烧烤摊油烟整治",
        content="……", lead_deputy=world.county_deputy, year=2026, channel="recess", status=Status.SUBMITTED,
        number="县2026-001")
    opinions_to_suggestion(actor=world.county_staff, opinions=group[:2], suggestion=county)

    def linked_line(user) -> str:
        page = logged_in(user).get(reverse("insights:hot"), {"month": "2026-05"}).content.decode()
        found = re.search(r'<p data-testid="hot-linked">(.*?)</p>', page, re.S)
        assert found, page
        return found.group(1)

    clerk_sees = linked_line(world.clerk)
    assert "县2026-001（测试县，2 条）" in clerk_sees and f"/suggestions/{county.pk}/" not in clerk_sees
    assert logged_in(world.clerk).get(f"/suggestions/{county.pk}/").status_code == 404
    assert f'<a href="/suggestions/{county.pk}/">县2026-001</a>' in linked_line(world.county_staff)


@pytest.mark.django_db
def test_the_hot_page_puts_townships_with_hot_issues_first_and_never_offers_a_month_to_come(world) -> None:
    _complaints(world, 4, timezone.make_aware(dt.datetime(2026, 5, 3, 10)))
    page = logged_in(world.county_staff).get(reverse("insights:hot"), {"month": "2026-05"}).content.decode()
    busy = f'data-testid="hot-township-{world.tree.town_a.pk}"'
    quiet = f'data-testid="hot-township-{world.tree.town_b.pk}"'
    assert page.index(busy) < page.index('data-testid="hot-quiet"') < page.index(quiet)
    assert f"{world.tree.town_b.name}（意见 0 条）" in page
    assert "5 月没有三人以上反映的同一问题" in page and "（5 月群众意见 4 条）" in page  # not 本月: May is past
    assert "本月" not in page.split("<main", 1)[1]
    assert "?month=2026-06" in page
    this_month = monthly.this_month()
    now = logged_in(world.county_staff).get(reverse("insights:hot"), {"month": this_month.strftime("%Y-%m")})
    following = (this_month + dt.timedelta(days=32)).replace(day=1).strftime("%Y-%m")
    assert f"?month={following}" not in now.content.decode() and "下月" not in now.content.decode()
    ahead = logged_in(world.county_staff).get(reverse("insights:hot"), {"month": following}).content.decode()
    assert f"{this_month.year} 年 {this_month.month} 月" in ahead  # a month to come shows this month


@pytest.mark.django_db
def test_the_hot_page_groups_a_month_once_while_its_opinions_stay_as_they_are(world, monkeypatch) -> None:
    """The grouping is kept under the opinions' ids and versions: a repeated visit reads it, and a new opinion or a
    changed one (here: refused, so it no longer counts) is grouped again at once, never shown stale."""
    from renda.insights import hot

    calls = []
    grouping = hot.hot_issues
    monkeypatch.setattr(hot, "hot_issues", lambda *a, **k: calls.append(1) or grouping(*a, **k))
    when = timezone.make_aware(dt.datetime(2026, 5, 3, 10))
    group = _complaints(world, 3, when)

    def page() -> str:  # without the per-response CSRF tokens
        html = logged_in(world.clerk).get(reverse("insights:hot"), {"month": "2026-05"}).content.decode()
        return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", html)

    first = page()
    assert "3 人反映" in first and len(calls) == 1
    assert page() == first and len(calls) == 1  # read from the cache, the same page
    _complaints(world, 4, when)  # the three again and a fourth person
    assert "4 人反映" in page() and len(calls) == 2
    opinion_services.opinion_reject(actor=world.clerk, opinion=group[0], reason="litigation")
    assert "3 人反映" in page() and len(calls) == 3
    assert "3 人反映" in page() and len(calls) == 3


@pytest.mark.django_db
def test_transferring_without_a_confident_proposal_chooses_no_unit_and_asks_for_one(world) -> None:
    """转办 starts at 「（请选择）」 unless the engine is sure: before, the list started at its first unit, and one tap
    sent a street-light complaint to 县人民法院. Sent without a unit, it is refused with the note kept."""
    tree = world.tree
    opinion = opinion_services.opinion_register(actor=world.clerk_b, region=tree.town_b, channel="phone",
                                                content="石桥村道路坑洼，路灯不亮，晚上出行很危险")
    opinion = opinion_services.opinion_accept(actor=world.clerk_b, opinion=opinion, category="城建交通")
    clerk = logged_in(world.clerk_b)
    page = clerk.get(reverse("liaison:opinion_detail", args=[opinion.pk])).content.decode()
    form = page.split('id="as-unit"', 1)[1].split("</select>")[0]
    assert form.startswith(' name="unit" required><option value="">（请选择）</option>') and " selected>" not in form
    response = clerk.post(reverse("liaison:opinion_act", args=[opinion.pk, "assign"]),
                          {"version": opinion.version, "unit": "", "note": "请尽快核实路灯"})
    assert response.status_code == 422 and "请选择承办单位" in response.content.decode()
    assert 'value="请尽快核实路灯"' in response.content.decode()
    assert Opinion.objects.get(pk=opinion.pk).status == "accepted"


@pytest.mark.django_db
def test_a_hot_issue_offers_as_like_it_only_suggestions_at_the_similar_case_minimum(world, monkeypatch) -> None:
    """A township clerk was offered "关于硬化河口村通组道路的建议（相似度 7%）" first for a school-traffic issue:
    the list of suggestions like the issue keeps to the similar-case panel's minimum (similar.SIMILAR_MIN)."""
    from renda.suggestions.models import Status, Suggestion
    from tests.helpers import api_client

    _complaints(world, 4, timezone.make_aware(dt.datetime(2026, 5, 3, 10)))
    Suggestion.objects.create(
        congress=world.tree.congress_a, region_path=world.tree.town_a.path, title="关于整治烧烤摊油烟噪音的建议",
        content="小区门口烧烤摊深夜营业，油烟噪音扰民。", lead_deputy=world.deputies[0], year=2026, channel="recess",
        status=Status.SUBMITTED)

    def offered() -> list[float]:
        api = api_client(world.clerk).get("/api/v1/insights/hot?month=2026-05").json()
        return [o["similarity"] for o in api["townships"][0]["issues"][0]["likely_suggestions"]]

    found = offered()
    assert found and all(s >= monthly.SIMILAR_MIN for s in found)
    monkeypatch.setattr(monthly, "SIMILAR_MIN", max(found) + 0.01)
    assert offered() == []


@pytest.mark.django_db
def test_the_merge_box_offers_the_other_opinions_of_the_same_hot_issue(world, monkeypatch) -> None:
    """Different people write the same problem in different words: the hot page had four opinions about 石门村's
    rubbish as one issue while each one's 合并办理 box said "未发现疑似重复" (a reviewer's finding). The box now
    offers the issue's other open opinions to merge into, and merging one works as any merge does."""
    texts = ["幸福花园小区门口烧烤摊油烟太大，家里窗户都不敢开，希望管一管",
             "幸福花园门口的烧烤摊每晚营业到凌晨两点，油烟噪音吵得孩子睡不着",
             "幸福花园小区外烧烤摊占道经营，油烟噪音扰民严重",
             "幸福花园小区门口烧烤摊噪音油烟扰民，多次反映没人管"]
    when = timezone.make_aware(dt.datetime(2026, 5, 3, 10))
    opinions = []
    for i, text in enumerate(texts):
        o = opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="phone",
                                              phone=f"1390000{i:04d}", content=text)
        Opinion.objects.filter(pk=o.pk).update(received_at=when + dt.timedelta(days=i))
        opinions.append(opinion_services.opinion_accept(actor=world.clerk, opinion=Opinion.objects.get(pk=o.pk),
                                                        category="环境保护"))
    clerk = logged_in(world.clerk)
    page = clerk.get(reverse("insights:hot"), {"month": "2026-05"}).content.decode()
    assert "4 人反映" in page, re.findall(r"\d+ 人反映[^<]*|<h3>[^<]*", page)
    box = clerk.get(reverse("liaison:opinion_near_duplicates", args=[opinions[3].pk])).content.decode()
    assert 'data-testid="same-issue"' in box and "4 人反映" in box
    offered = re.findall(r'name="into" value="([^"]+)" data-testid="merge-into-same-issue"', box)
    near = re.findall(r'name="into" value="([^"]+)" data-testid="merge-into"', box)
    assert set(offered) | set(near) == {o.code for o in opinions[:3]} and not set(offered) & set(near)
    assert "13900000" not in box  # masked as lists show them
    monkeypatch.setattr(monthly, "TOP", 0)  # an issue the page does not show (not among its township's top five)
    assert 'data-testid="same-issue"' in clerk.get(reverse("liaison:opinion_near_duplicates",
                                                          args=[opinions[3].pk])).content.decode()
    monkeypatch.undo()
    response = clerk.post(reverse("liaison:opinion_act", args=[opinions[3].pk, "merge"]),
                          {"version": Opinion.objects.get(pk=opinions[3].pk).version, "into": offered[0]})
    assert response.status_code == 302
    assert Opinion.objects.get(pk=opinions[3].pk).status == "merged"
    other_township = logged_in(world.clerk_b).get(reverse("liaison:opinion_near_duplicates",
                                                          args=[opinions[0].pk]))
    assert other_township.status_code == 404


@pytest.mark.django_db
def test_a_reply_to_an_opinion_whose_clock_has_stopped_is_not_told_it_is_late(world) -> None:
    """An opinion turned into a deputy suggestion is answered on the suggestion's clock (liaison AWAITING_REPLY):
    the advice must not call its reply late by the opinion's old deadline (a review of the twentieth session)."""
    opinion = opinion_services.opinion_register(
        actor=world.clerk, station=world.central, channel="phone",
        content="东湖社区门口的路灯坏了半个月，晚上老人出门很危险，请尽快修好。")
    text = "关于东湖社区门口路灯损坏的问题，经核实，镇城建办已安排电工，将于本周五前修复路灯。"
    url = reverse("insights:opinion_reply_advice", args=[opinion.pk])
    Opinion.objects.filter(pk=opinion.pk).update(received_at=timezone.now() - dt.timedelta(days=60),
                                                 deadline=timezone.localdate() - dt.timedelta(days=30))
    clerk = logged_in(world.clerk)
    assert "已超过答复期限" in clerk.post(url, {"text": text}).content.decode()  # still awaiting its reply: late
    from renda.suggestions.services import suggestion_create

    deputy = UserFactory(role=Role.DEPUTY, region=world.tree.town_a, person=world.deputies[0])
    s = suggestion_create(actor=deputy, congress=world.tree.congress_a, kind="suggestion", channel="recess",
                          title="修复路灯", content=opinion.content, category="城建交通", co_signers=[])
    Opinion.objects.filter(pk=opinion.pk).update(status="to_suggestion", suggestion=s)
    assert "答复期限" not in clerk.post(url, {"text": text}).content.decode()


@pytest.mark.django_db
def test_a_follow_up_suggestions_second_reply_is_never_late(world) -> None:
    from renda.suggestions.models import Status, Suggestion
    from renda.suggestions.services import suggestion_create

    deputy = UserFactory(role=Role.DEPUTY, region=world.tree.town_a, person=world.deputies[0])
    s = suggestion_create(actor=deputy, congress=world.tree.congress_a, kind="suggestion", channel="recess",
                          title="修复路灯", content="东湖社区门口的路灯坏了半个月，请尽快修好。", category="城建交通",
                          co_signers=[])
    Suggestion.objects.filter(pk=s.pk).update(status=Status.FOLLOW_UP,
                                              deadline=timezone.localdate() - dt.timedelta(days=10))
    question = assistant.suggestion_question(Suggestion.objects.get(pk=s.pk))
    assert question["deadline"] is None
    review = assistant.check_draft("镇城建办已安排电工，将于本周五前修复路灯。", **question)
    assert review.get("on_time").ok
    Suggestion.objects.filter(pk=s.pk).update(status=Status.HANDLING)
    assert assistant.suggestion_question(Suggestion.objects.get(pk=s.pk))["deadline"] is not None


@pytest.mark.django_db
def test_a_digit_that_is_no_number_in_a_form_field_is_ignored_not_a_server_error(world) -> None:
    """"²" passes str.isdigit() but not int(): the forms read numbers with core.params.is_number (twentieth session)."""
    page = assist(world.clerk, content=SMOKE, insights_congress=world.tree.congress_a.pk, insights_exclude="²")
    assert 'data-testid="insights-proposal"' in page
    opinion = Opinion.objects.filter(congress=world.tree.congress_a, status="received").first()
    response = logged_in(world.clerk).post(reverse("liaison:opinion_act", args=[opinion.pk, "accept"]),
                                           {"category": "城建交通", "responsible": "²", "version": opinion.version})
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert (opinion.status, opinion.responsible) == ("accepted", world.clerk), "no one named: the clerk is"
