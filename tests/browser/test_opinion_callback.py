"""A township clerk on a phone calls a constituent back (回访) and records the judgment they give: the constituent
does not go online, and the portal's 评价 asks for their phone, which they cannot type."""

from __future__ import annotations

import pytest

from renda.liaison.models import Opinion, OpinionStatus
from renda.liaison.services import opinions as svc
from tests.browser_support import log_in
from tests.factories import PASSWORD, org_tree
from tests.liaison.builders import build_liaison

pytestmark = pytest.mark.django_db(transaction=True)


def test_clerk_records_a_judgment_given_by_phone(live_server, page):
    liaison = build_liaison(org_tree())
    opinion = svc.opinion_register(actor=liaison.clerk, channel="phone", station=liaison.central,
                                   content="村口路灯坏了一个月，晚上出行不便。", name="孙大娘", phone="13900005555")
    opinion = svc.opinion_reply(actor=liaison.clerk, opinion=opinion, text="路灯已于本周修复。")
    log_in(page, live_server.url, liaison.clerk.username, PASSWORD)
    assert page.viewport_size["width"] == 390
    page.goto(f"{live_server.url}/liaison/opinions/{opinion.pk}/")
    form = page.locator("[data-testid=judge-form]")
    form.get_by_label("基本满意").check()
    form.get_by_label("回访方式").select_option(label="电话回访")
    form.get_by_label("群众的说明（选填）").fill("灯修好了，希望以后及时巡查。")
    box = form.get_by_role("button", name="记录评价").bounding_box()
    assert box and box["x"] + box["width"] <= 390 and box["height"] >= 40, box  # in reach of a thumb
    form.get_by_role("button", name="记录评价").click()
    page.wait_for_selector("[data-testid=judgment]")
    assert "基本满意（电话回访）" in page.inner_text("[data-testid=judgment]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    saved = Opinion.objects.get(pk=opinion.pk)
    assert (saved.status, saved.satisfaction, saved.judged_via) == (OpinionStatus.CLOSED, "basically_satisfied",
                                                                     "phone")
    assert saved.satisfaction_comment == "灯修好了，希望以后及时巡查。"
