"""The public portal in a real browser (Debian's Chromium, phone-sized): find a station from a village, leave an
opinion, follow it by its code — and axe-core (run offline from axe-playwright-python's bundled axe.min.js) finds
no serious or critical WCAG 2.1 A/AA violation on any portal page, in normal and in large-text mode."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from renda.liaison.models import Opinion
from renda.liaison.services.opinions import format_code
from tests.factories import org_tree
from tests.liaison.builders import build_liaison
from tests.liaison.portal_data import PLANTED_PHONE, build_portal_data

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG)
    assert "testEngine" in results.response, "axe-core did not run"
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture
def portal(db):
    cache.clear()
    liaison = build_liaison(org_tree())
    return liaison, build_portal_data(liaison)


@pytest.mark.django_db(transaction=True)
def test_find_a_station_leave_an_opinion_and_follow_it_by_code(live_server, page, portal):
    liaison, data = portal
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/portal/")
    page.get_by_label("村（社区）或乡镇名称").fill("甲村")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="甲村", exact=True).click()
    assert "您的人大代表" in page.inner_text("main")
    assert "王一" in page.inner_text("[data-testid=deputies]")
    page.get_by_role("link", name="甲镇人大代表中心联络站").first.click()
    near = page.inner_text(f"[data-testid=day-{data.near_day:%Y-%m-%d}]")
    assert "值班代表：李二、王一" in near

    page.get_by_role("link", name="在这个联络站留言").click()
    page.get_by_label("您的意见或建议").fill("村里的健身器材坏了，老人没有地方锻炼，希望尽快修理。")
    page.get_by_label("您所在的村（社区）").select_option(label="甲村")
    page.get_by_label("问题类别").select_option("民生事业")
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_selector("[data-testid=submitted]")
    code = page.inner_text("[data-testid=tracking-code]").strip()
    opinion = Opinion.objects.get(tracking_code=code.replace("-", ""))
    assert opinion.channel == "online" and opinion.category == "民生事业" and opinion.region == liaison.tree.village_a

    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name="查询办理进度").first.click()
    page.get_by_label("查询码").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="查询").click()
    assert page.inner_text("[data-testid=status]").strip() == "当前状态：已登记"

    # the answer arrives; the constituent judges it
    page.goto(f"{live_server.url}/portal/track/{format_code(data.replied.tracking_code)}/")
    assert "路灯已修复" in page.inner_text("[data-testid=reply]")
    page.get_by_label("满意", exact=True).check()
    # the code alone is not enough: the constituent left a phone, and a number not theirs is refused
    page.get_by_label("您留言时登记的联系电话").fill(PLANTED_PHONE[:3] + "****" + PLANTED_PHONE[-4:])
    page.get_by_role("button", name="提交评价").click()
    assert "与您留言时登记的联系电话不一致" in page.inner_text("main")
    assert Opinion.objects.get(pk=data.replied.pk).satisfaction == ""
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("您留言时登记的联系电话").fill(PLANTED_PHONE)
    page.get_by_role("button", name="提交评价").click()
    assert "感谢您的评价" in page.inner_text("main")
    assert Opinion.objects.get(pk=data.replied.pk).satisfaction == "satisfied"


@pytest.mark.django_db(transaction=True)
def test_axe_finds_no_serious_or_critical_violation_on_the_portal(live_server, page, portal):
    liaison, data = portal
    base = live_server.url
    urls = [
        "/portal/", "/portal/?q=甲", f"/portal/place/{liaison.tree.village_a.pk}/",
        f"/portal/place/{liaison.tree.town_a.pk}/", f"/portal/stations/{liaison.central.pk}/",
        "/portal/opinions/new/", f"/portal/opinions/new/?station={liaison.central.pk}", "/portal/track/",
        f"/portal/track/{format_code(data.replied.tracking_code)}/",
        f"/portal/track/{format_code(data.rejected.tracking_code)}/", "/portal/track/ABCD-EFGH-JKMN/",
        "/portal/replies/",
    ]
    found = {}
    for mode in ("normal", "large"):
        page.goto(f"{base}/portal/text-size/?size={mode}&next=/portal/")
        for url in urls:
            page.goto(base + url)
            if mode == "large":
                assert page.evaluate("document.documentElement.classList.contains('large-text')")
            problems = serious_violations(page)
            if problems:
                found[f"{mode} {url}"] = problems
        # a form sent back with errors, too
        page.goto(f"{base}/portal/opinions/new/?station={liaison.central.pk}")
        page.get_by_role("button", name="提交留言").click()
        page.wait_for_selector("[data-testid=form-errors]")
        problems = serious_violations(page)
        if problems:
            found[f"{mode} form with errors"] = problems
    assert not found, "\n".join(f"{url}: {p}" for url, ps in found.items() for p in ps)
    # the harness does see violations: an image without a text alternative is reported as critical
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    assert any(p.startswith("image-alt (critical)") for p in serious_violations(page))


@pytest.mark.django_db(transaction=True)
def test_large_text_mode_really_enlarges_the_text(live_server, page, portal):
    page.context.clear_cookies()  # the browser is shared by the session's tests
    page.goto(f"{live_server.url}/portal/")
    normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    with page.expect_navigation():  # waits for the next page's load event: its stylesheet applied
        page.get_by_role("link", name="大字模式").click()
    large = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert large >= normal * 1.2 and large >= 24
    with page.expect_navigation():
        page.get_by_role("link", name="标准字号").click()
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)") == normal
