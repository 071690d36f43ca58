"""Reply advice on the unit's reply form: the draft is checked (relevance, completeness, reasons when refusing, on
time) and the gaps are shown as advice; the reply itself is never blocked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from renda.suggestions.models import Reply, Status
from tests.suggestions.conftest import calendar_years, world  # noqa: F401  (the suggestions app's fixtures)


def post_advice(user, suggestion, text: str):
    c = Client()
    c.force_login(user)
    return c.post(reverse("insights:reply_advice", args=[suggestion.pk]), {"text": text})


@pytest.mark.django_db
def test_a_vague_reply_gets_advice_and_a_complete_one_none(world) -> None:  # noqa: F811
    s = world.build(Status.HANDLING)
    vague = post_advice(world.unit_lead, s, "您好，您的建议已收到，我们会认真研究。").content.decode()
    assert 'data-testid="reply-advice"' in vague and "仅供参考，不影响提交" in vague
    assert "办理措施" in vague or "受理或转办告知" in vague
    complete = post_advice(world.unit_lead, s, "关于甲村至镇道路破损的问题，经核实，县交通运输局已安排施工队，"
                                               "将于2026年6月30日前完成道路修缮。").content.decode()
    assert 'data-testid="reply-ok"' in complete


@pytest.mark.django_db
def test_a_bare_receipt_of_three_characters_gets_advice(world) -> None:  # noqa: F811
    """"已收到" is the reply most in need of advice; it once got none (the check waited for eight characters)."""
    s = world.build(Status.HANDLING)
    bare = post_advice(world.unit_lead, s, "已收到").content.decode()
    assert 'data-testid="reply-advice"' in bare and "受理或转办告知" in bare
    assert 'data-testid="reply-advice"' not in post_advice(world.unit_lead, s, "  ").content.decode()


@pytest.mark.django_db
def test_the_advice_never_blocks_the_reply(world) -> None:  # noqa: F811
    s = world.build(Status.HANDLING)
    page = Client()
    page.force_login(world.unit_lead)
    html = page.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert 'data-testid="insights-reply-advice"' in html  # the check sits in the reply form
    assert "责任单位" in post_advice(world.unit_lead, s, "已收到，谢谢您的建议。").content.decode()
    from renda.suggestions import services

    services.suggestion_reply(actor=world.unit_lead, suggestion=s, result_class="A", text="已收到，谢谢您的建议。")
    assert Reply.objects.filter(suggestion=s, text="已收到，谢谢您的建议。").exists()


@pytest.mark.django_db
def test_only_those_who_see_the_suggestion_get_advice(world) -> None:  # noqa: F811
    s = world.build(Status.HANDLING)
    assert post_advice(world.unit_third, s, "已安排施工队，月底前修好。").status_code == 404
    assert post_advice(world.clerk_b, s, "已安排施工队，月底前修好。").status_code == 404


@pytest.mark.django_db
def test_the_api_checks_a_draft_reply_as_the_form_does_for_those_who_see_the_item(world) -> None:  # noqa: F811
    from tests.helpers import api_client

    s = world.build(Status.HANDLING)

    def check(user, **body):
        return api_client(user).post("/api/v1/insights/reply-check", body, content_type="application/json")

    vague = check(world.unit_lead, suggestion=s.pk, text="您好，您的建议已收到，我们会认真研究。").json()
    assert vague["ok"] is False and [c["code"] for c in vague["checks"]] == [
        "relevance", "completeness", "interpretability", "on_time"]
    completeness = next(c for c in vague["checks"] if c["code"] == "completeness")
    assert completeness["ok"] is False and completeness["advice"]
    complete = check(world.unit_lead, suggestion=s.pk, text="关于甲村至镇道路破损的问题，经核实，县交通运输局已安排"
                                                           "施工队，将于2026年6月30日前完成道路修缮。").json()
    assert complete["ok"] is True and all(c["advice"] == "" for c in complete["checks"])
    assert check(world.unit_third, suggestion=s.pk, text="已安排施工队，月底前修好。").status_code == 404
    assert check(world.unit_lead, text="已安排施工队，月底前修好。").status_code == 422
    assert check(world.unit_lead, suggestion=s.pk, opinion=1, text="已安排施工队").status_code == 422
    assert check(world.unit_lead, suggestion=s.pk, text="  ").status_code == 422
    assert check(world.lead, suggestion=s.pk, text="已安排施工队，月底前修好。").status_code == 403  # a deputy


@pytest.mark.django_db
def test_with_a_category_model_relevance_weighs_words_as_the_congress_history_does(world) -> None:  # noqa: F811
    """A reply about another matter that shares only the words every message uses (the village's name here) passes
    the plain word check, and is flagged once the congress has a model that knows how common those words are."""
    from renda.insights import store
    from renda.insights.classifier import train
    from tests.insights.synthetic import VOCAB

    s = world.build(Status.HANDLING)
    elsewhere = "甲村学校食堂卫生差的问题，县教育局已责成学校整改，将于2026年6月30日前完成，并公示整改情况。"
    answer = "甲村至镇道路破损的问题，经核实，县交通运输局已安排施工队，将于2026年6月30日前完成道路修缮。"
    relevance_advice = "答复与所提问题关联度低"
    assert relevance_advice not in post_advice(world.unit_lead, s, elsewhere).content.decode()

    items = [(f"甲村村民反映：{problem}，请予解决。", category) for category, problems in VOCAB.items()
             for problem in problems for _ in range(2)]
    store.save(s.congress_id, "category", train([t for t, _ in items], [c for _, c in items], min_history=10,
                                                min_per_class=3))
    assert relevance_advice in post_advice(world.unit_lead, s, elsewhere).content.decode()
    assert 'data-testid="reply-ok"' in post_advice(world.unit_lead, s, answer).content.decode()


@pytest.mark.django_db
def test_the_result_class_chosen_is_checked_against_what_the_reply_says(world) -> None:  # noqa: F811
    """A类 (solved) chosen for "暂不采纳" is most likely a slip of the select box; the unit is asked to check it."""
    s = world.build(Status.HANDLING)
    c = Client()
    c.force_login(world.unit_lead)
    url = reverse("insights:reply_advice", args=[s.pk])
    declined = "经研究，因资金有限，该建议暂不采纳，留作今后工作参考。"
    slip = c.post(url, {"text": declined, "result_class": "A"}).content.decode()
    assert "所选办理结果为A类" in slip
    assert "所选办理结果" not in c.post(url, {"text": declined, "result_class": "D"}).content.decode()
    done = "县交通运输局已于2026年5月完成甲村至镇道路修缮，路面已全部恢复通行。"
    assert "所选办理结果为D类" in c.post(url, {"text": done, "result_class": "D"}).content.decode()
    assert "所选办理结果" not in c.post(url, {"text": done, "result_class": "A"}).content.decode()
    assert "所选办理结果" not in c.post(url, {"text": declined}).content.decode()  # no class chosen yet
    from tests.helpers import api_client

    body = api_client(world.unit_lead).post("/api/v1/insights/reply-check", {
        "text": declined, "suggestion": s.pk, "result_class": "A"}, content_type="application/json").json()
    assert [c["advice"] for c in body["checks"] if c["code"] == "result_class"] == [
        "所选办理结果为A类（已解决或基本解决），答复却表示不能办理，请核对办理结果"]
