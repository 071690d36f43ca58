"""In a real browser on a phone-sized screen: the deputy writes and submits a suggestion, the unit signs for it
and replies with a letter, the deputy evaluates the reply."""

from __future__ import annotations

import pytest

from renda.suggestions import services
from renda.suggestions.models import Status, Suggestion
from tests.browser_support import CHROMIUM
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="browser test skipped: Debian's chromium is not installed")]


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")


@pytest.mark.django_db(transaction=True)
def test_deputy_submits_unit_replies_deputy_evaluates(live_server, page, world, tmp_path):
    base = live_server.url
    _login(page, base, "lead")
    page.goto(f"{base}/suggestions/")
    page.click("[data-testid=new-suggestion]")
    page.fill("#id_title", "甲村小学门口增设减速带")
    page.fill("#id_content", "上下学时段车速过快，存在安全隐患。")
    page.select_option("#id_category", "城建交通")
    everyone = page.locator("#co-signers label").count()
    page.fill("[data-testid=co-signers-filter]", "王附")  # a long list of deputies, filtered by name
    assert [t.strip() for t in page.locator("#co-signers label:visible").all_inner_texts()] == ["王附议"]
    assert everyone > 1
    page.press("[data-testid=co-signers-filter]", "Enter")  # filters only: it must not send the form
    assert "/suggestions/new/" in page.url and not Suggestion.objects.filter(title="甲村小学门口增设减速带").exists()
    page.get_by_label("王附议").check()
    page.fill("[data-testid=co-signers-filter]", "")
    assert page.locator("#co-signers label:visible").count() == everyone
    assert page.inner_text("#co-signers-count") == "已选 1 人"
    page.click("[data-testid=submit-suggestion]")
    page.wait_for_selector("[data-testid=status]")
    assert page.inner_text("[data-testid=status]") == "已提交"
    s = Suggestion.objects.get(title="甲村小学门口增设减速带")
    assert s.status == Status.SUBMITTED and s.cosigners.count() == 1

    # the clerk's part, through the same services
    services.suggestion_review(actor=world.clerk_a, suggestion=s, decision="accept")
    services.suggestion_assign(actor=world.clerk_a, suggestion=s, lead_unit=world.tree.unit_county)
    _logout(page)

    _login(page, base, "unit_lead")
    page.goto(f"{base}/suggestions/")
    page.get_by_role("link", name="甲村小学门口增设减速带").click()
    page.click("[data-testid=do-accept]")
    page.wait_for_selector("[data-testid=form-reply]")
    assert page.inner_text("[data-testid=status]") == "办理中"
    page.check("[data-testid=form-contact] input[value=meeting]")
    page.click("[data-testid=do-contact]")
    page.wait_for_selector("text=沟通情况已记录")
    letter = tmp_path / "答复函.pdf"
    letter.write_bytes(b"%PDF-1.4\n% reply letter\n")
    page.select_option("[data-testid=form-reply] select[name=result_class]", "A")
    page.fill("[data-testid=form-reply] textarea[name=text]", "已于校门口两侧设置减速带和警示标志。")
    page.set_input_files("[data-testid=form-reply] input[name=letter]", str(letter))
    page.click("[data-testid=do-reply]")
    page.wait_for_selector("[data-testid=replies]")
    assert page.inner_text("[data-testid=status]") == "已答复"
    _logout(page)

    _login(page, base, "lead")
    page.goto(f"{base}/suggestions/{s.pk}/")
    assert "已于校门口两侧设置减速带" in page.inner_text("[data-testid=replies]")
    assert page.get_by_role("link", name="下载答复函").count() == 1
    page.check("[data-testid=form-evaluate] input[value=satisfied]")
    page.click("[data-testid=do-evaluate]")
    page.wait_for_selector("[data-testid=evaluation-1]")
    assert page.inner_text("[data-testid=evaluation-1]") == "满意"
    s.refresh_from_db()
    assert (s.status, s.satisfaction, s.result_class, s.met_in_person) == (Status.EVALUATED, "satisfied", "A", True)
    assert s.replies.get().letter.name.endswith(".pdf")


@pytest.mark.django_db(transaction=True)
def test_the_clerk_reviews_and_assigns_with_the_engines_proposals_preselected(live_server, page, world, settings,
                                                                              tmp_path):
    """立案 with the proposed category (the deputy gave none), then 交办 to the proposed unit, by tapping only the
    buttons: the proposals were preselected and are what is saved."""
    from tests.suggestions.test_proposals import train_models

    settings.DATA_DIR = tmp_path
    train_models(world)
    t = world.tree
    s = services.suggestion_create(actor=world.lead, congress=t.congress_a, kind="suggestion", channel="recess",
                                   title="修缮甲村道路", content="甲村至镇道路坑洼，路灯不亮，桥梁破损，请予修缮。",
                                   category="", co_signers=[])
    services.suggestion_submit(actor=world.lead, suggestion=s)

    _login(page, live_server.url, "clerk_a")
    page.goto(f"{live_server.url}/suggestions/{s.pk}/")
    assert "已预选" in page.inner_text("[data-testid=review-category-proposal]")
    assert page.input_value("[data-testid=form-review] select[name=category]") == "城建交通"
    page.check("[data-testid=form-review] input[value=accept]")
    page.click("[data-testid=do-review]")
    page.wait_for_selector("[data-testid=form-assign]")
    assert page.input_value("[data-testid=form-assign] select[name=lead_unit]") == str(t.unit_county.pk)
    page.click("[data-testid=do-assign]")
    page.wait_for_selector("text=已交办")
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED and s.category == "城建交通" and s.lead_unit_id == t.unit_county.pk
