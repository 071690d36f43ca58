"""In Chromium: a township clerk registers an opinion; as the text is typed, the proposed category and the similar
past cases appear beside the form."""

from __future__ import annotations

import pytest

from renda.insights import history, jobs
from renda.liaison.services import opinions as opinion_services
from renda.organizations.services import congress_setting_set
from tests.browser_support import CHROMIUM, log_in
from tests.factories import PASSWORD, org_tree
from tests.insights.synthetic import history as synthetic_history
from tests.liaison.builders import build_liaison

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(CHROMIUM is None, reason="browser test skipped: Debian's chromium is not installed")]


# true once the assistant has had no request in flight (htmx's class on the asking element) for 300 ms
QUIET = """() => {
  const box = document.querySelector("[data-testid=insights-assist]");
  if (box.classList.contains("htmx-request")) { window.quietSince = 0; return false; }
  window.quietSince = window.quietSince || Date.now();
  return Date.now() - window.quietSince > 300;
}"""


def _township_with_a_model():  # type: ignore[no-untyped-def]
    """Town A's liaison world whose clerk registered a labelled history, and its category model trained on it."""
    history.clear_caches()
    w = build_liaison(org_tree())
    congress = w.tree.congress_a
    congress_setting_set(actor=None, congress=congress, key="insights.min_history", raw="20")
    for text, category in synthetic_history(per_class=8):
        opinion_services.opinion_register(actor=w.clerk, station=w.central, channel="reception", content=text,
                                          category=category)
    assert jobs.retrain_congress.call(congress.pk, "category") is True
    return w


def test_typing_an_opinion_shows_the_proposed_category_and_the_same_complaint_before(live_server, page):
    w = _township_with_a_model()

    log_in(page, live_server.url, w.clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/liaison/stations/{w.central.pk}/opinions/new/")
    page.get_by_label("意见内容").press_sequentially("东湖社区油烟扰民，晚上噪音也很大，希望处理", delay=5)
    page.wait_for_selector("[data-testid=insights-category]", timeout=20_000)
    # the answers to the last keystrokes may still be on their way (queued, one at a time): tap once they are in,
    # not while a panel is being replaced under the pointer (a loaded CI machine lost the tap that way)
    page.wait_for_function(QUIET, polling=50)
    assert "建议分类：环境保护" in page.inner_text("[data-testid=insights-category]")
    assert page.locator("[data-testid=insights-similar] li").count() >= 1
    category = page.locator("form select[name=category]")
    assert category.input_value() == ""
    page.click("[data-testid=insights-apply-category]")  # one tap takes the proposal into the form
    assert category.input_value() == "环境保护"
    assert page.inner_text("[data-testid=insights-apply-category]") == "已采用"
    # typing on asks again; the new answer still shows the proposal as taken, and the field keeps it
    taken = page.query_selector("[data-testid=insights-apply-category]")
    page.get_by_label("意见内容").press_sequentially("，谢谢")
    page.wait_for_function("b => !b.isConnected", arg=taken)  # the panel was answered anew
    page.wait_for_selector("[data-testid=insights-apply-category]")
    assert page.inner_text("[data-testid=insights-apply-category]") == "已采用"
    assert category.input_value() == "环境保护"


def test_the_proposal_is_asked_for_at_once_when_a_word_is_committed_and_not_while_composing(live_server, page):
    """No pause to wait for: the form asks as soon as the input method commits a word, and never with the pinyin
    still being composed (CDP's IME commands drive Chromium's composition events as an input method does), nor
    for a keystroke in a field that is not the text."""
    w = _township_with_a_model()

    log_in(page, live_server.url, w.clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/liaison/stations/{w.central.pk}/opinions/new/")
    page.evaluate("""() => { window.__sent = [];
      document.querySelector('[data-testid=insights-assist]').addEventListener('htmx:beforeRequest', (e) => {
        window.__sent.push(new URLSearchParams(e.detail.requestConfig.parameters).get('content')
                           ?? e.detail.requestConfig.formData.get('content')); }); }""")
    box = page.get_by_label("意见内容")
    box.fill("东湖社区油烟扰民，晚上噪音也很大")
    page.wait_for_selector("[data-testid=insights-category]", timeout=20_000)
    page.wait_for_function("() => window.__sent.length === 1")
    page.get_by_label("联系电话").press_sequentially("13800001234")  # not the text: nothing to ask about
    box.focus()
    box.press("End")
    cdp = page.context.new_cdp_session(page)
    for pinyin in ("x", "xi", "xiwang", "xiwangchuli"):
        cdp.send("Input.imeSetComposition", {"text": pinyin, "selectionStart": len(pinyin),
                                             "selectionEnd": len(pinyin)})
    page.wait_for_timeout(600)  # longer than any pause a form might wait for
    assert page.evaluate("window.__sent") == ["东湖社区油烟扰民，晚上噪音也很大"]  # nothing asked while composing
    cdp.send("Input.insertText", {"text": "，希望处理"})  # the input method commits the words
    # asked while the commit was handled, with no timer in between: already sent when the command returns
    assert page.evaluate("window.__sent")[1:] == ["东湖社区油烟扰民，晚上噪音也很大，希望处理"]


def test_a_deputy_writing_a_suggestion_sees_the_proposal_for_the_congress_chosen(live_server, page):
    """The deputy's form (title, text, the congress chosen in its own field): the proposal appears as they type."""
    from renda.core.roles import Role
    from tests.factories import UserFactory

    w = _township_with_a_model()
    deputy = UserFactory(role=Role.DEPUTY, region=w.tree.town_a, person=w.deputies[0])

    log_in(page, live_server.url, deputy.username, PASSWORD)
    page.goto(f"{live_server.url}/suggestions/new/")
    page.get_by_label("标题").press_sequentially("油烟扰民")
    page.get_by_label("内容", exact=True).press_sequentially("东湖社区油烟扰民，晚上噪音也很大，希望处理", delay=5)
    page.wait_for_selector("[data-testid=insights-category]", timeout=20_000)
    assert "建议分类：环境保护" in page.inner_text("[data-testid=insights-category]")


def _an_opinion_to_reply_to(live_server, page):  # type: ignore[no-untyped-def]
    """An accepted opinion of town A, its page open in the browser for its clerk."""
    w = build_liaison(org_tree())
    opinion = opinion_services.opinion_register(
        actor=w.clerk, station=w.central, channel="phone",
        content="东湖社区门口的路灯坏了半个月，晚上老人出门很危险，请尽快修好。")
    opinion_services.opinion_accept(actor=w.clerk, opinion=opinion, category="城建交通")
    log_in(page, live_server.url, w.clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/liaison/opinions/{opinion.pk}/")
    return opinion


def test_the_reply_advice_comes_after_a_pause_in_the_reply_and_never_with_pinyin_in_it(live_server, page):
    """The advice on a reply waits for a pause (it is advice on a finished thought, not a running proposal), and
    a pause in the middle of composing pinyin asks nothing."""
    _an_opinion_to_reply_to(live_server, page)
    page.evaluate("""() => { window.__sent = [];
      document.querySelector('[data-testid=insights-reply-advice]').addEventListener('htmx:beforeRequest', (e) => {
        window.__sent.push(e.detail.requestConfig.formData.get('text')); }); }""")
    box = page.locator("#rep-text")
    box.fill("您好，您反映的问题已收到")
    page.wait_for_selector("[data-testid=reply-advice]", timeout=20_000)
    assert "仅供参考，不影响提交" in page.inner_text("[data-testid=insights-reply-advice]")
    box.press("End")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.imeSetComposition", {"text": "womenhui", "selectionStart": 8, "selectionEnd": 8})
    page.wait_for_timeout(1_000)  # longer than the pause
    assert page.evaluate("window.__sent") == ["您好，您反映的问题已收到"]
    cdp.send("Input.insertText", {"text": "，镇城建办已安排电工，将于本周五前修复路灯。"})
    page.wait_for_selector("[data-testid=reply-ok]", timeout=20_000)
    assert page.evaluate("window.__sent")[-1] == "您好，您反映的问题已收到，镇城建办已安排电工，将于本周五前修复路灯。"


def test_fast_typing_keeps_one_request_in_flight_and_asks_the_latest_text_last(live_server, page):
    """One request at a time, the latest change queued (`hx-sync="this:queue last"`): twelve keys typed while a
    request is in flight send one more request, not twelve the server would all have to answer, and it asks the
    text as it finally stands."""
    w = _township_with_a_model()
    log_in(page, live_server.url, w.clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/liaison/stations/{w.central.pk}/opinions/new/")
    page.evaluate("""() => { window.__sent = []; window.__open = 0; window.__most = 0;
      const box = document.querySelector('[data-testid=insights-assist]');
      box.addEventListener('htmx:beforeRequest', (e) => {
        window.__sent.push(e.detail.requestConfig.formData.get('content'));
        window.__open += 1; window.__most = Math.max(window.__most, window.__open); });
      box.addEventListener('htmx:afterRequest', () => { window.__open -= 1; }); }""")
    page.get_by_label("意见内容").fill("东湖社区油烟扰民")
    page.wait_for_function("() => window.__sent.length === 1 && window.__open === 0")
    # twelve keys in one go: every input event is handled before any answer can come back
    page.evaluate("""(keys) => { const box = document.querySelector('textarea[name=content]');
      for (const key of keys) { box.value += key;
        box.dispatchEvent(new InputEvent('input', {bubbles: true, data: key, inputType: 'insertText'})); } }""",
                  "，晚上噪音也很大希望处理")
    final = "东湖社区油烟扰民，晚上噪音也很大希望处理"
    page.wait_for_function("t => window.__sent.at(-1) === t && window.__open === 0", arg=final)
    # the first key's request, then only the text as it finally stands (with "replace", twelve requests)
    assert page.evaluate("window.__sent")[1:] == ["东湖社区油烟扰民，", final]
    assert page.evaluate("window.__most") == 1


def test_a_clerk_imports_last_years_ledger_and_the_form_then_proposes_units_and_shows_past_cases(live_server, page):
    """往年案例 in Chromium: the township clerk uploads the ledger on the page, sees the refused line with its
    reason, and the opinion form then proposes the handling unit learnt from it and shows a past case with what was
    done."""
    from tests.insights.test_archive import ROAD, ledger, xlsx

    history.clear_caches()
    w = build_liaison(org_tree())
    rows = [*ledger(), [ROAD[1] + ROAD[2], "县交通运输局", 2023], ["关于修建便民桥的建议", "县水务局", 2023]]
    log_in(page, live_server.url, w.clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/insights/archive/")
    page.set_input_files("input[type=file]", files=[{
        "name": "2023年台账.xlsx", "buffer": xlsx(rows),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    # an impatient second click while the first upload is on its way does not send it again
    page.evaluate("""() => { const b = document.querySelector("[data-testid=archive-form] button[type=submit]");
                             b.click(); setTimeout(() => b.click(), 150); }""")
    result = page.inner_text("[data-testid=archive-result]", timeout=60_000)
    assert "导入 60 条" in result and "2 行未导入" in result  # the synthetic history repeats one message
    assert len(posts) == 1, posts
    refused = page.inner_text("[data-testid=archive-errors] tbody").splitlines()
    assert refused[-1].startswith(f"{len(rows)}\t主办单位“县水务局”不是本级人大的承办单位")  # the sheet's last line
    assert refused[0].split("\t")[1].startswith("与第")
    from tests.browser.test_portal import serious_violations

    assert serious_violations(page) == []  # the result page, by axe-core
    page.goto(f"{live_server.url}/insights/archive/")
    delete = page.locator("[data-testid=archive-imports] button", has_text="删除").first.bounding_box()
    assert delete and delete["x"] + delete["width"] <= 390, delete  # on a phone's screen, not behind a scroll
    page.goto(f"{live_server.url}/liaison/stations/{w.central.pk}/opinions/new/")
    page.get_by_label("意见内容").press_sequentially("幸福村村道坑洼严重，雨天积水，出行不便", delay=5)
    page.wait_for_selector("[data-testid=insights-unit]", timeout=20_000)
    assert "建议承办单位：县交通运输局" in page.inner_text("[data-testid=insights-unit]")
    page.wait_for_load_state("networkidle")  # the answer to the text as it finally stands is on the page
    box = page.locator("[data-testid=insights-similar-box]")
    if not box.evaluate("details => details.open"):  # merely similar cases are folded under their count
        box.locator("summary").click()
    past = page.inner_text("[data-testid=insights-similar]")
    assert "2023 年代表建议" in past and "（县交通运输局主办）" in past
    assert serious_violations(page) == []  # the opinion form with the assistant's answer
    # on a desktop's screen the panel stands beside the text being typed, not a screen below it
    page.set_viewport_size({"width": 1280, "height": 800})
    text = page.get_by_label("意见内容").bounding_box()
    panel = page.locator("[data-testid=insights-assist]").bounding_box()
    assert text and panel and panel["x"] >= text["x"] + text["width"], (text, panel)
    assert panel["y"] < text["y"] + text["height"] and panel["y"] + panel["height"] > text["y"], (text, panel)


def test_the_status_page_shows_a_township_its_models_and_has_them_learn_again_on_request(live_server, page):
    """智能辅助 on a phone: before enough history neither model is on; once the clerk has labelled enough opinions
    the page says the next training will start it, and 立即重新学习 does so at once."""
    history.clear_caches()
    w = build_liaison(org_tree())
    congress = w.tree.congress_a
    congress_setting_set(actor=None, congress=congress, key="insights.min_history", raw="20")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, w.clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/insights/")
    card = page.locator("[data-testid=model-status]", has_text=congress.name)
    assert card.locator("[data-testid=model-category]").inner_text().count("未启用") == 1
    assert "已标注 0 条" in card.locator("[data-testid=model-category]").inner_text()
    for text, category in synthetic_history(per_class=8):
        opinion_services.opinion_register(actor=w.clerk, station=w.central, channel="reception", content=text,
                                          category=category)
    page.reload()
    assert "够开始学习了（需要 20 条）" in card.locator("[data-testid=model-category]").inner_text()
    card.locator("[data-testid=model-retrain]").click()
    page.wait_for_selector("text=已安排重新学习")
    category = card.locator("[data-testid=model-category]").inner_text()
    assert "已启用" in category and "学习了 32 条已标注的条目" in category
    assert "建议与工作人员的选择一致的约占" in category
    assert "未启用" in card.locator("[data-testid=model-unit]").inner_text()  # no opinion went to a unit yet
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # fits the phone
    # the model's tables, opened, fit the card too: none of them scrolls sideways inside it
    for summary in card.locator("[data-testid=model-category] summary").all():
        summary.click()
    assert card.locator("[data-testid=model-thresholds] table").is_visible()
    overflow = page.evaluate("""() => [...document.querySelectorAll('[data-testid=model-category] .table-wrap')]
        .map(w => w.scrollWidth - w.clientWidth)""")
    assert len(overflow) == 2 and overflow == [0, 0], overflow  # thresholds, then the classes
    from tests.browser.test_portal import serious_violations

    found = {}
    for path in ("/insights/", "/insights/archive/", "/insights/hot/"):  # axe-core, serious and critical rules
        page.goto(f"{live_server.url}{path}")
        found[path] = serious_violations(page)
    assert found == {path: [] for path in found}, found


def test_a_past_case_with_a_long_address_in_it_fits_a_phone(live_server, page):
    """An e-mail address or a long code in a similar case or a hot issue's title widened the page past a phone's
    390 px (the page scrolled sideways)."""
    w = _township_with_a_model()
    long_token = "xingfucun.bianminfuwuzhongxin2026@example.com.cn"
    opinion_services.opinion_register(actor=w.clerk, station=w.central, channel="phone",
                                      content=f"幸福村便民服务网站打不开，申请表请发{long_token}，谢谢")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, w.clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/liaison/stations/{w.central.pk}/opinions/new/")
    page.get_by_label("意见内容").press_sequentially("幸福村便民服务网站打不开，申请表下载不了", delay=5)
    page.wait_for_selector("[data-testid=insights-similar-box]", timeout=20_000)
    page.wait_for_function(QUIET, polling=50)
    box = page.locator("[data-testid=insights-similar-box]")
    if not box.evaluate("d => d.open"):
        box.locator("summary").click()
    assert "便民服务网站" in page.inner_text("[data-testid=insights-similar]")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_a_lapsed_login_leaves_the_typed_opinion_and_the_keyboard_where_they_were(live_server, page):
    """The login page was swapped into the assistant's panel: its user-name box took the focus, and the clerk's
    next words went into it."""
    w = _township_with_a_model()
    log_in(page, live_server.url, w.clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/liaison/stations/{w.central.pk}/opinions/new/")
    text = page.get_by_label("意见内容")
    text.press_sequentially("东湖社区油烟扰民，晚上噪音也很大", delay=5)
    page.wait_for_selector("[data-testid=insights-category]", timeout=20_000)
    page.wait_for_function(QUIET, polling=50)
    kept = [c for c in page.context.cookies() if c["name"] != "sessionid"]  # as after 30 idle minutes
    page.context.clear_cookies()
    page.context.add_cookies(kept)

    text.press_sequentially("，希望处理")
    page.wait_for_selector("[data-testid=insights-assist] [data-testid=login-expired]", timeout=20_000)
    page.keyboard.type("谢谢")
    assert text.input_value() == "东湖社区油烟扰民，晚上噪音也很大，希望处理谢谢"
    assert page.evaluate("() => document.querySelectorAll('form form, #id_username').length") == 0
    assert page.url.endswith("/opinions/new/")


def test_a_hot_issue_with_a_pasted_link_in_its_title_fits_a_phone(live_server, page):
    history.clear_caches()
    w = build_liaison(org_tree())
    link = "https://mp.weixin.qq.com/s/AbCdEfGhIjKlMnOpQrStUv"
    rests = ["坏了一个月，晚上出行很不方便", "坏了一个多月，晚上出行很危险", "坏了一个月没人修，晚上出行不便"]
    for i, rest in enumerate(rests):
        opinion_services.opinion_register(actor=w.clerk, station=w.central, channel="phone",
                                          phone=f"1380000{i:04d}", content=f"{link} 北关村的路灯{rest}")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, w.clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/insights/hot/")
    assert page.locator("[data-testid=hot-issue]").count() == 1
    assert "mp.weixin.qq.com" in page.inner_text("[data-testid=hot-issue] h3")
    page.locator("[data-testid=hot-issue] details summary").click()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_a_refused_reply_shown_again_as_typed_gets_its_advice_without_a_keystroke(live_server, page):
    """A reply refused (the opinion changed meanwhile: 422) comes back as typed; its advice box showed the
    placeholder until the next keystroke."""
    from django.db.models import F

    from renda.liaison.models import Opinion

    opinion = _an_opinion_to_reply_to(live_server, page)
    draft = "您好，您反映的东湖社区路灯问题，镇城建办已安排电工，将于本周五前修复路灯。"
    page.locator("#rep-text").fill(draft)
    Opinion.objects.filter(pk=opinion.pk).update(version=F("version") + 1)  # another tab's change
    page.locator("#rep-text").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#rep-text").input_value() == draft
    page.wait_for_selector("[data-testid=reply-ok]", timeout=20_000)  # judged at once, nothing typed
