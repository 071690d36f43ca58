"""Reply checks: advice on what a reply leaves out."""

from __future__ import annotations

from datetime import datetime

import pytest

from renda.insights import reply_check

TITLE = "幸福村道路坑洼积水"
QUESTION = "幸福村主干道坑洼很多，下雨天积水严重，村民出行困难，希望尽快修补。"
GOOD = ("您好！您反映的幸福村主干道坑洼积水问题，经镇交通办现场核实情况属实。镇交通办已安排施工队，"
        "将于2026年6月30日前完成路面修补和排水沟疏通。")


def review(reply: str, **kw) -> reply_check.ReplyReview:
    return reply_check.review(question_title=TITLE, question=QUESTION, reply=reply, deadline_days=30, **kw)


def test_a_reply_with_action_unit_and_deadline_passes_every_check() -> None:
    r = review(GOOD, asked_at=datetime(2026, 5, 1), replied_at=datetime(2026, 5, 20))
    assert r.ok, r.advice
    assert r.get("completeness").evidence["unit"].endswith("交通办")


def test_a_reply_without_deadline_or_responsible_unit_is_flagged_incomplete() -> None:
    r = review("您好！您反映的幸福村道路坑洼积水问题我们高度重视，会尽快研究处理，请耐心等待，感谢您的监督和支持。")
    check = r.get("completeness")
    assert not check.ok
    assert "责任单位" in check.advice and "办理时限" in check.advice
    assert r.get("relevance").ok  # it does talk about the road


def test_a_reply_that_declines_without_reasons_is_flagged() -> None:
    r = review("您好！您反映的幸福村道路坑洼积水问题，镇交通办经研究，暂不安排修补，请您谅解，感谢您对我们工作的支持。")
    assert not r.get("interpretability").ok
    assert "理由" in r.get("interpretability").advice


def test_a_reply_that_declines_with_its_reasons_passes() -> None:
    r = review("您好！您反映的幸福村道路坑洼积水问题，经核实，该路段已列入明年县道改造计划，根据《农村公路养护办法》"
               "规定，计划内路段暂不单独修补，镇交通办将于2027年3月前随改造一并完成。")
    assert r.get("interpretability").ok
    assert r.get("completeness").ok


def test_an_acknowledgement_only_explains_nothing_and_answers_nothing() -> None:
    r = review("网友：您好！留言已收悉。")
    assert not r.get("interpretability").ok
    assert not r.get("relevance").ok


def test_a_reply_about_something_else_is_flagged_irrelevant() -> None:
    r = review("您好！关于学校食堂收费的问题，县教育局已责成学校于下学期起公示收费标准，接受家长监督。")
    assert not r.get("relevance").ok


def test_a_late_reply_is_flagged_with_its_delay() -> None:
    r = review(GOOD, asked_at=datetime(2026, 5, 1), replied_at=datetime(2026, 6, 15))
    check = r.get("on_time")
    assert not check.ok and "45 天" in check.advice and "30 天" in check.advice


def test_a_short_reply_with_the_work_and_its_date_is_more_than_an_acknowledgement() -> None:
    """A township's replies are short. 30 characters that say what will be done and by when explain the handling;
    the same length saying it was passed on, with the date the reply was signed, does not."""
    short = "经核实，镇城建办已安排电工，将于本周五前修复路灯。"
    done = reply_check.check_interpretability(reply_check.content_of(short))
    assert done.ok, done
    # and it is complete: what (修复路灯), who (镇城建办), by when (本周五前) — short is not "no content"
    complete = reply_check.check_completeness(reply_check.content_of("您好，您反映的问题已收到，" + short))
    assert complete.ok, complete
    vague = reply_check.check_completeness(reply_check.content_of("您好，已转镇城建办，将尽快处理。"))
    assert not vague.ok, vague
    for ack in ("帖文中反映的问题已转交有关单位进行调查处理。敬请留意近期回复。2018年11月30日",
                "您所反映的问题已交办到相关部门调查处理。2019年9月17日"):
        check = reply_check.check_interpretability(reply_check.content_of(ack))
        assert not check.ok and "受理或转办告知" in check.advice, ack


SUGGESTION_TITLE = "关于完善农村客运站点和候车设施的建议"
SUGGESTION = ("我县部分乡镇客运站年久失修，村级招呼站缺少遮阳避雨设施，群众候车条件差。建议统筹建设乡镇综合运输服务站，"
              "完善村级候车亭，推动客运、物流、邮政“多站合一”。")
LETTER_OPENING = "赵生建代表：\n您提出的《关于完善农村客运站点和候车设施的建议》（第50号）收悉，现答复如下：\n"


def review_letter(body: str) -> reply_check.ReplyReview:
    return reply_check.review(question_title=SUGGESTION_TITLE, question=SUGGESTION, reply=LETTER_OPENING + body,
                              deadline_days=90)


def test_a_letter_to_a_deputy_is_judged_by_its_answer_not_by_the_title_it_quotes() -> None:
    """A unit's letter opens by quoting the suggestion's title in full: that sentence alone once made any letter
    relevant, and long enough to count as more than a receipt."""
    off_topic = review_letter("关于学校食堂收费的问题，县教育局已责成学校于下学期起公示收费标准，接受家长监督。")
    assert not off_topic.get("relevance").ok
    assert off_topic.get("relevance").evidence["score"] < reply_check.RELEVANCE_MIN
    answer = review_letter("县交通运输局已将乡镇综合运输服务站建设列入2027年计划，将于2027年6月底前在青山镇、柳河镇建成"
                           "两个服务站，并新建村级候车亭20个，推动客运、物流、邮政多站合一。")
    assert answer.ok, answer.advice
    # the opening is gone from what is judged; the answer is all there
    content = reply_check.content_of(LETTER_OPENING + "县交通运输局已将服务站建设列入计划。")
    assert content.strip() == "县交通运输局已将服务站建设列入计划。"


def test_a_one_line_refusal_is_asked_for_its_reasons_not_called_a_receipt() -> None:
    check = review_letter("经研究，暂不能实施。").get("interpretability")
    assert not check.ok
    assert "理由和依据" in check.advice and "受理或转办告知" not in check.advice
    assert check.evidence["declines"] is True
    # one that gives its cause in the line is told so, and asked for the basis and what comes next
    given = review_letter("因资金有限，暂不能实施。").get("interpretability")
    assert not given.ok and given.evidence["reason"] is True
    assert "说明了不能办理的原因" in given.advice and "依据" in given.advice and "下一步打算" in given.advice
    assert "理由" not in given.advice
    # words that only frame a reason are not a cause; a basis cited is told so and asked for the reasons
    for framed in ("目前暂不能实施。", "按照要求，暂不能实施。", "该建议暂不予采纳，因此不再答复。",
                   "不属于本单位职责，无法办理。", "目前没有办法解决，暂不能实施。", "将因地制宜，暂不统一实施。"):
        check = review_letter(framed).get("interpretability")
        assert not check.ok and "说明了不能办理的原因" not in check.advice and "理由" in check.advice, framed
    for plain in ("目前没有办法解决，暂不能实施。", "将因地制宜，暂不统一实施。", "目前暂不能实施。"):
        advice = review_letter(plain).get("interpretability").advice
        assert "引用了依据" not in advice and "说明了不能办理的原因" not in advice, plain
    cited = review_letter("根据规定，不予办理。").get("interpretability")
    assert not cited.ok and "引用了依据" in cited.advice and "理由" in cited.advice
    receipt = review_letter("我局将认真研究。").get("interpretability")
    assert not receipt.ok and "受理或转办告知" in receipt.advice


def test_a_short_reply_naming_the_work_without_a_date_is_called_brief_not_a_receipt() -> None:
    check = review("镇城建办已安排电工修复路灯。").get("interpretability")
    assert not check.ok
    assert "较简略" in check.advice and "完成时间" in check.advice
    assert "受理或转办告知" not in check.advice


def test_an_enquiry_answered_with_the_information_is_complete() -> None:
    """"咨询公积金贷款额度" asks for information: no unit has work to do by a date; the answer completes it."""
    answer = ("您好！根据《县住房公积金管理办法》，连续足额缴存满6个月即可申请贷款，可贷额度为账户余额的15倍，"
              "最高不超过40万元，具体以贷款审核为准。")
    enquiry = reply_check.review(question_title="咨询首套房公积金贷款额度", question="我缴存公积金一年，能贷多少？",
                                 reply=answer, deadline_days=30)
    assert enquiry.get("completeness").ok, enquiry.advice
    assert enquiry.get("completeness").evidence == {"enquiry": True}
    # the same reply to a request for work still lacks who does what by when
    request = reply_check.review(question_title="请求降低公积金贷款门槛", question="希望放宽公积金贷款条件。",
                                 reply=answer, deadline_days=30)
    assert not request.get("completeness").ok
    # an enquiry answered with a receipt is not complete
    receipt = reply_check.review(question_title="咨询首套房公积金贷款额度", question="我缴存公积金一年，能贷多少？",
                                 reply="您好！留言已收悉。", deadline_days=30)
    assert not receipt.get("completeness").ok and "咨询" in receipt.get("completeness").advice


def test_an_enquiry_is_told_by_its_title_or_else_by_its_first_sentence() -> None:
    assert reply_check.is_enquiry("咨询居住证办理事宜")
    assert reply_check.is_enquiry("", "请问青山镇的城乡居民医保报销比例是多少？我母亲下月住院。")
    assert not reply_check.is_enquiry("", "河口村的路灯坏了。请问什么时候能修？")  # asks for work first
    assert not reply_check.is_enquiry("能否尽快修复幸福村道路", "请问什么时候修？")  # the title decides


def test_a_reason_given_with_yin_counts_as_a_reason() -> None:
    """"因您未留下联系方式，…无法核实" explains the refusal as plainly as "由于" would."""
    reply = ("您好！您反映的幸福村道路积水问题，因您未说明具体路段，也未留下联系方式，镇交通办无法现场核实，"
             "请补充具体位置后再次反映，我们将及时处理。")
    check = review(reply).get("interpretability")
    assert check.ok, check
    assert check.evidence["declines"] == "无法" and check.evidence["reason"].startswith("因")
    # a refusal of the same length without any reason is still flagged
    bare = review("您好！您反映的幸福村道路积水问题，镇交通办经研究，无法安排修补，"
                  "请您谅解，感谢您对我们工作的监督和支持。").get("interpretability")
    assert not bare.ok and bare.evidence["substantive"] and "未说明理由" in bare.advice


def _boilerplate_history() -> list[tuple[str, str]]:
    """Every message wrapped in the same words, as constituents write them: those words say nothing of the topic."""
    from tests.insights.synthetic import VOCAB

    return [(f"我是县城居民，{place}{problem}，请有关部门尽快处理解决。", category)
            for category, problems in VOCAB.items() for problem in problems
            for place in ("东湖社区", "幸福村", "石桥村")]


def test_with_the_congress_model_words_every_message_uses_do_not_make_a_reply_relevant() -> None:
    from renda.insights.classifier import train

    items = _boilerplate_history()
    features = train([t for t, _ in items], [c for _, c in items], min_history=10, min_per_class=3).features
    title, question = "", "我是县城居民，东湖社区油烟扰民，请有关部门尽快处理解决。"
    elsewhere = reply_check.content_of("您好！有关部门已尽快处理解决县城学校食堂卫生差的问题。")
    plain = reply_check.check_relevance(title, question, elsewhere)
    weighed = reply_check.check_relevance(title, question, elsewhere, features)
    assert plain.ok and not plain.evidence["weighed"]  # the shared boilerplate fools the plain word check
    assert not weighed.ok and weighed.evidence["weighed"]
    assert weighed.evidence["score"] < reply_check.RELATEDNESS_MIN
    answer = reply_check.content_of("您好！经核实，东湖社区烧烤店油烟扰民属实，镇环保办已责令其安装油烟净化器。")
    assert reply_check.check_relevance(title, question, answer, features).ok
    assert features.relatedness(question, question) == pytest.approx(1.0)
    assert features.relatedness(question, "") == 0.0


def test_a_question_in_words_the_history_never_used_is_judged_by_the_plain_word_check() -> None:
    """No weights to judge by: "宅基地审批" is not in a history of roads and noise, so a reply that answers it in its
    own words must not be flagged for sharing nothing the model knows."""
    from renda.insights.classifier import train

    items = _boilerplate_history()
    features = train([t for t, _ in items], [c for _, c in items], min_history=10, min_per_class=3).features
    assert not features.knows("宅基地") and not features.knows("审批") and features.knows("油烟")
    answer = reply_check.content_of("您好！您的宅基地审批材料已齐全，镇自然资源所将于5个工作日内办结审批。")
    check = reply_check.check_relevance("宅基地审批慢", "我家的宅基地审批拖了半年还没批下来。", answer, features)
    assert check.ok and not check.evidence["weighed"]



def test_a_reply_saying_when_the_work_was_done_is_settled_and_complete() -> None:
    """"已于2026年11月完成…维修": the date between 已 and the verb once hid that the work is done, and the reply was
    told it was a mere receipt."""
    done = review("我局已于2026年11月完成青山镇客运站维修，新建村级候车亭12个，由运输科负责日常管护。")
    assert done.get("completeness").ok and done.get("interpretability").ok, done.advice


def test_words_that_begin_with_a_units_ending_do_not_name_a_unit() -> None:
    """办理, 所以, 您所反映: the short endings 办 / 所 once made "我们将尽快办" and "您所" a responsible unit."""
    for reply in ("您好！我们将尽快办理此事，预计本月底前完成维修。",
                  "您所反映的问题已知悉，我们将于本月底前研究答复。"):
        check = reply_check.check_completeness(reply_check.content_of(reply))
        assert not check.ok and "责任单位" in check.advice, (reply, check.evidence)
    for reply, unit in (("镇城建办已安排电工，将于本周五前修复路灯。", "镇城建办"),
                        ("我镇已安排专人清理，将于本月底前清理完毕。", "我镇"),
                        ("青山派出所已立案调查，将于三日内告知结果。", "青山派出所")):
        assert reply_check.check_completeness(reply_check.content_of(reply)).evidence["unit"] == unit, reply


ANSWER = "镇交通办已安排施工队，将于2026年6月30日前完成幸福村主干道路面修补和排水沟疏通。"


@pytest.mark.parametrize("reply", [
    "感谢您的留言，" + ANSWER, "感谢您的来信！" + ANSWER, ANSWER[:-1] + "，您的来信收悉。",
    "感谢您的来信和对我镇工作的关注与支持。" + ANSWER,
    "您在“问政，西地省”上的留言收悉。" + ANSWER,  # a comma inside the quoted title stays in the acknowledgement
    # an answer inside a sentence that opens with 您 and closes with a receipt (the second review of the session)
    "您反映的幸福村主干道坑洼问题，" + ANSWER[:-1] + "，您的来信收悉。",
])
def test_thanks_or_a_receipt_around_the_answer_leave_the_answer_to_be_judged(reply: str) -> None:
    """A review of the twentieth session found "感谢您的留言，" swallowing the whole next sentence, and "…，您的来信
    收悉" the answer before it: a full answer was then told it said nothing."""
    assert "施工队" in reply_check.content_of(reply)
    r = review(reply)
    assert r.ok, r.advice


@pytest.mark.parametrize("reply", [
    "您提出的《关于修补幸福村道路，疏通排水沟的建议》收悉。",
    "您好！您反映的关于幸福村主干道坑洼很多，下雨天积水严重的问题已收悉。",  # a title copied without quotes
    '您在“问政西地省”上反映的"幸福村道路坑洼积水，村民出行难"的问题收悉。',
    "您在“问政西地省”上反映的「幸福村道路坑洼积水，村民出行难」的问题收悉。",
    "反映“幸福村主干道坑洼很多，下雨天积水严重”的问题已收悉。",
    "《关于修补幸福村主干道坑洼，解决下雨天积水的建议》收悉。",
    "平台“幸福村主干道坑洼很多，下雨天积水严重”一帖已收悉。",
])
def test_a_title_copied_before_收悉_commas_and_all_is_still_no_answer(reply: str) -> None:
    """The review of the first narrowing found these passing relevance again on the title's own words."""
    assert reply_check.content_of(reply) == ""
    r = review(reply)
    assert not r.ok and not r.get("relevance").ok


@pytest.mark.parametrize("opening", ["赵代表：您提出的关于修补幸福村主干道坑洼，解决下雨天积水的建议收悉，现答复如下：",
                                     "赵生建代表\n您提出的关于修补幸福村主干道坑洼，解决下雨天积水的建议收悉。"])
def test_a_letter_that_copies_the_title_and_answers_another_question_is_still_told(opening: str) -> None:
    r = review(opening + "关于学校食堂收费的问题，县教育局已责成学校于2026年6月30日前退还多收的费用。")
    assert not r.get("relevance").ok


# --- the twenty-second session's review: ordinary replies judged wrongly -----------------------------------------

LAMP_Q = "幸福村的路灯坏了一个多月，晚上出行不便，希望尽快维修。"


def test_a_reply_restating_the_problem_in_the_constituents_words_is_no_refusal() -> None:
    question = "东湖小区3号楼电梯经常无法正常使用，希望尽快维修"
    for reply in ("您好！您反映的东湖小区3号楼电梯无法正常使用的问题，县市场监管局已责成物业公司更换控制主板，"
                  "电梯于5月20日起恢复运行，并将每月开展一次安全检查。",
                  "针对东湖小区电梯经常无法正常使用的问题，县市场监管局已责成物业公司于2026年6月30日前更换控制主板。"
                  "施工期间电梯不得使用，请走楼梯。此前未能及时处理，我们深表歉意。"):
        r = reply_check.review(question=question, reply=reply, deadline_days=30, result_class="A")
        assert r.ok, (reply, r.advice)
    refusal = reply_check.review(question=question, reply="您好！经研究，我局无法解决该问题，请您理解，县市场监管局"
                                 "将与物业公司协调，感谢您对我们工作的支持和监督。", deadline_days=30)
    assert not refusal.get("interpretability").ok, "the unit's own 无法 is still a refusal"


@pytest.mark.parametrize("done", ["镇城建办已修好全部路灯", "镇城建办已更换全部损坏的路灯",
                                  "镇城建办已对全部路灯进行了维修", "镇城建办于11月10日更换了全部路灯"])
def test_work_already_done_is_settled(done: str) -> None:
    r = reply_check.review(question=LAMP_Q, deadline_days=30,
                           reply=f"您好！您反映的幸福村路灯问题，{done}，现照明正常。")
    assert r.ok, (done, r.advice)


@pytest.mark.parametrize("when", ["2027年上半年", "2027年底前", "下个月", "12月31号前", "周五前", "明天",
                                  "2026-12-31前", "2026.12.31前", "国庆节前", "元旦前", "汛期前"])
def test_common_ways_of_writing_a_date_are_a_time_limit(when: str) -> None:
    r = reply_check.review(question=LAMP_Q, deadline_days=30,
                           reply=f"您好！您反映的幸福村路灯问题，镇城建办将于{when}完成全部损坏路灯的更换和线路检修，届时请您监督。")
    assert r.ok, (when, r.advice)


def test_the_date_a_letter_is_signed_with_is_no_time_limit() -> None:
    note = ("您反映的幸福村路灯问题已转交镇城建办调查处理，请您耐心等待，感谢您对我们工作的理解和支持，"
            "如有疑问可致电镇政府办公室。")
    for signed in ("", "\n甲镇人民政府\n2026年11月20日", "甲镇人民政府 2026年11月20日。"):
        r = reply_check.review(question=LAMP_Q, reply=note + signed, deadline_days=30)
        assert not r.ok and "办理时限" in r.get("completeness").advice, signed


@pytest.mark.parametrize("reason", ["经核实，该路段为国道，路灯归省公路局管理，县城管局无法安装",
                                    "考虑到该路段车流量小、安装成本高，县城管局今年不能安排安装",
                                    "基于安全考虑，县城管局不同意在该处安装"])
def test_a_refusal_that_gives_its_reasons_passes_and_needs_no_deadline(reason: str) -> None:
    r = reply_check.review(question=LAMP_Q, deadline_days=30,
                           reply=f"您好！您反映的幸福村路灯问题，{reason}，建议由村委会协调解决。"
                                 "感谢您对我县城市管理工作的关心和支持，如有疑问请致电县城管局。")
    assert r.get("interpretability").ok, (reason, r.get("interpretability").advice)
    assert "办理时限" not in r.get("completeness").advice, reason


def test_a_late_draft_names_its_own_deadline_and_the_days_past_it() -> None:
    """A merge or a reopening sets a deadline other than asked + N days: "超过 -7 天的办理期限" said nothing."""
    from datetime import date

    r = reply_check.review(question=LAMP_Q, reply=GOOD, deadline_days=-7, deadline=date(2026, 11, 16),
                           asked_at=datetime(2026, 11, 23), replied_at=datetime(2026, 11, 25))
    assert r.get("on_time").advice == "已超过答复期限（2026-11-16）9 天"
    on_day = reply_check.review(question=LAMP_Q, reply=GOOD, deadline_days=30, deadline=date(2026, 11, 25),
                                asked_at=datetime(2026, 10, 1), replied_at=datetime(2026, 11, 25))
    assert on_day.get("on_time").ok


# the second review of the session: what the first changes let through
LAMP_T = "路灯损坏请求维修"
LAMP_Q2 = "小区门口的路灯坏了一个多月，晚上出行很不方便，请求尽快维修。"


def review2(reply: str, question: str = LAMP_Q2, **kw) -> reply_check.ReplyReview:
    return reply_check.review(question_title=LAMP_T, question=question, reply=reply, deadline_days=15, **kw)


@pytest.mark.parametrize("reply", [
    "您好！经协调，有关部门表示暂无法维修路灯这一问题。请您耐心等待，谢谢您对我们工作的关心和理解。",
    "您好！经研究，就现有条件而言暂时无法解决该问题。请您谅解，感谢您对我们工作的关心和支持，谢谢！"])
def test_the_units_own_refusal_is_one_whatever_its_sentence_opens_with(reply: str) -> None:
    r = review2(reply, result_class="A")
    assert not r.get("interpretability").ok and not r.get("result_class").ok


def test_a_refusal_the_question_also_quotes_is_still_the_units() -> None:
    r = review2("您好！经我局工作人员认真研究，您的低保申请仍然不予受理。请您理解，感谢您对民政工作的关心和支持，"
                "如有疑问可来电咨询，谢谢！", question="去年申请低保，民政局说不予受理，请问为什么？")
    assert not r.get("interpretability").ok


@pytest.mark.parametrize("reply", [
    "您好！我局已安排城管执法大队负责处理该路段路灯维修事宜。如有其他问题，请立即拨打12345热线联系我们。",
    "您好！根据我县于2019年出台的《城市照明管理办法》，该路段路灯由城管局负责维修，我局将督促其安排人员处理。",
    "您好！按照政策，2000年前建成的老旧小区可纳入改造，城建局将组织对小区门口的路灯进行维修，请您耐心等待。",
    "您好！我局将督促城管局安排人员处理，详见 http://www.gov.cn/zhengce/2019-10-12/content.htm 的有关规定。",
    "您好！经核实，该路段已安装路灯20盏，其中3盏损坏。我局将安排城管执法大队负责维修，恢复照明。",
    "您好！经核实，该路段路灯因线路老化目前无法正常照明。我局已安排城管执法大队负责维修，将尽快恢复照明。",
])
def test_a_past_date_a_call_to_phone_or_a_fault_described_is_no_time_limit(reply: str) -> None:
    assert "办理时限" in review2(reply).get("completeness").advice


@pytest.mark.parametrize("reply", [
    "您好！我局已责令物业公司对小区门口损坏的路灯进行维修，并安排专人督促落实。整改期限至2026年12月31日。",
    "您好！经现场核实，小区门口共有路灯12盏，其中3盏因线路老化损坏。我局已责令物业公司对损坏路灯进行维修。"
    "预计完成时间2026年12月31日。"])
def test_a_deadline_written_as_the_last_sentence_is_no_signing_date(reply: str) -> None:
    assert review2(reply).get("completeness").ok


def test_a_short_reply_naming_a_lamp_put_up_years_ago_is_no_work_with_a_date() -> None:
    r = review2("收到，路灯是十年前安装的，我们会转给有关部门。")
    assert not r.get("interpretability").ok and "办理时限" in r.get("completeness").advice
