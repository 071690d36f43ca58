"""Reply checks: advice (never a block) on a reply to an opinion or suggestion before it is sent.

Four checks, each a pass/fail with its evidence and, when it fails, advice in Chinese:
  * relevance — does the reply talk about what was asked? With the congress's category model, how much question
    and reply share with words weighted as its history weighs them (TextFeatures.relatedness: a word every message
    uses counts for little) must reach RELATEDNESS_MIN. Without one (a congress with too little history), or for a
    question in words its history has never used, the share of the question's key words (words of two or more
    characters, without words of asking like 反映/投诉) found in the reply — of the title's and of the first 300
    characters' — and the cosine similarity of the character bigrams of question and reply: the highest of the
    three must reach RELEVANCE_MIN;
  * completeness — does it say what will be (or was) done, by whom, and by when? Patterns for an action, for a
    responsible unit, and for a time; a reply saying the matter is already settled needs no deadline, and the
    answer to an enquiry (咨询, 请问) needs none of the three, only substance;
  * interpretability — when it declines (不予, 无法, 不符合…), does it give reasons or a basis (根据, 规定, 由于…)?
    A reply of a few words only ("留言已收悉") explains nothing;
  * on time — replied within the deadline (the caller passes the congress's [setting]).
Greetings, a letter's "…代表：" and the sentence saying the message was received (which often quotes the question's
title in full) are left out of what is judged (content_of). Patterns cannot understand a reply; they catch the common
omissions. docs/insights.md gives the agreement with third-party (weak) labels.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from renda.insights import text as textlib

RELEVANCE_MIN = 0.05  # low on purpose: a good reply often does not repeat the question's words
# With the history's weights. Set on TipDM 2020 附件4 (docs/insights.md, "Reply checks"): it flags no more of the
# replies as they were sent than RELEVANCE_MIN does, and many more replies sent to another message.
RELATEDNESS_MIN = 0.04
KNOWN_KEY_WORDS_MIN = 2  # the history's weights judge a question of which they know this many key words
SUBSTANTIVE_MIN_CHARS = 40  # fewer content characters than this (after the greeting) is an acknowledgement only

_ASKING_WORDS = """反映 举报 投诉 咨询 建议 请求 请问 关于 问题 希望 要求 强烈 恳请 呼吁
市民 网友 何时 什么 为何 为什么 怎么 是否 能否"""
_ASKING = frozenset(_ASKING_WORDS.split())  # words that say how a message asks, not what it is about


def _any(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts))


# greetings open a reply: looked for in its first 80 characters only (the pattern is costly to try everywhere)
_SALUTATION = re.compile(r"(尊敬的)?(网友|市民|群众|先生|女士|同志)?[“\"「]?[^，。：:！!]{0,20}[”\"」]?(：|:)?"
                         r"\s*(你|您)好[！!，,。]?")
# a letter answering a deputy opens "赵生建代表：" (or "尊敬的…代表：", "各位代表：")
_DEPUTY_SALUTATION = re.compile(r"^\s*(尊敬的)?[^\s，。：:！!]{0,12}代表(们)?[：:]")
_ACKNOWLEDGEMENT = _any(
    # the sentence that says the message was received, with the question's title it often quotes in full:
    # "您提出的《关于完善农村客运站点的建议》（第50号）收悉", "反映“A2区景蓉花苑物业管理有问题”的情况已收悉";
    # a copied title says nothing of the answer, so relevance must not count it. Across commas (a title copied
    # with them, quoted or not) only when the sentence is one acknowledgement: it begins where one begins (the
    # reply's, a sentence's or a clause's start, with 您/你/关于/反映/《/“…), it never passes a comma that opens a
    # new clause to the reader ("，您的来信收悉"), and what is received is named ("…的问题已收悉", "…》收悉",
    # "…”一帖已收悉"). Otherwise only the clause that ends in 收悉, so that "…将于6月30日前完成路灯修复，来信收悉。"
    # and "您反映的问题，镇交通办已安排…，您的来信收悉。" keep their answer (the twentieth session's two reviews)
    r"(?:^|(?<=[。！!？?；;，,：:\s]))(?:您|你|关于|对于|贵|反映|有关|针对|就|现就|平台|《|“|\"|「)"
    r"(?:[^。！!？?：:，,]|[，,](?![您你])){0,160}?"
    r"(?:的(?:问题|建议|情况|留言|来信|诉求|意见|信件|事项|帖子|反映|议案|提案|来电)|》(?:[（(][^）)]{0,12}[）)])?"
    r"|[”\"」](?:的[^。，,]{0,4})?|一帖)(?:已经|已)?收悉[。，,！!；;]?",
    r"[^。！!？?：:，,]{0,40}?收悉[。，,！!；;]?",
    # "感谢您的来信！", "感谢您的留言和对我市工作的关注与支持，" — the thanks alone, not the answer after them
    r"感谢(您|你)的(留言|关注|支持|来信)[^。！!，,；;]{0,40}[。！!，,；;]?",
    r"现将?[^。：:]{0,120}?(答复|回复)如下[：:]?",
)
_ACTION = _any(
    "将|已经|已|正在|立即|马上|尽快|安排|督促|责令|要求|组织|开展|整改|处理|解决|协调|维修",
    "修复|查处|调查|核实|核查|落实|推进|实施|启动|完成|列入|纳入|计划|拟|清理|拆除|取缔",
    "更换|检修|约谈|办理|受理|补发|发放|退还",
)
# the short endings are also the first character of common words: 办理, 所以, 站在, 队伍, 委托, 局面
_UNIT = re.compile(
    r"[\u4e00-\u9fa5A-Za-z0-9]{1,15}?(?:局(?![面势限部])|委员会|委(?![托屈婉])|办公室|办事处|办(?![理法事结好完妥])"
    r"|中心|街道|社区|居委会|村委会|村委|政府|公司|管理处|派出所|所(?![有以在述属需提反说谓得])|站(?![在出起稳])"
    r"|支队|大队|中队|队(?![伍列])|医院|学校|法院|检察院|厅|部门|单位|物业)"
    r"|(?:我|本|该)(?:镇|乡|街道|村|区|县|市)"  # "我镇已安排专人清理": the body that writes is the one that acts
)
# "within N days/weeks/months": a time limit in either kind of reply check below
_WITHIN = (r"(?<!\d)\d+\s*(?:个)?(?:工作)?(?:日|天|周|个月)(?:内|之内)",
           r"[一二三四五六七八九十两]+(?:个)?(?:工作日|日|天|周|个月)(?:内|之内)")
# a festival or season the work is to be done before ("国庆节前", "汛期前", "开学前")
# ("年前": before the new year, not 十年前 or 2000年前)
_BEFORE_SEASON = (r"(?:春节|元旦|国庆|中秋|端午|清明|五一|汛期|雨季|入冬|开学)节?(?:前|之前|以前)"
                  r"|(?<![一二三四五六七八九十两几多百千\d])年(?:前|之前|以前)")
_TIME = _any(
    r"\d{4}年\d{1,2}月|\d{1,2}月\d{1,2}[日号]|\d{1,2}月(?:底|前|中旬|上旬|下旬|份|初|末)",
    r"\d{4}年(?:内|底|上半年|下半年)|(?:将|争取|力争|预计|计划)(?:于|在)?\d{4}年",
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:前|之前|以前)",
    "年底|年内|月底|月内|本周|下周|近期|近日|今年|明年|本月|下个?月|上半年|下半年|明天|明日|后天",
    # "已责令该企业立即停产": done at once; not "请立即拨打12345"
    r"(?<!请)(?:立即|当即|即刻)(?:停|整改|清理|清除|修|拆|关停|封|处理|查处|组织|安排|开展|落实|更换|疏通)|即日起",
    r"(?:本|下)?周[一二三四五六日天](?:前|之前|内)",
    _BEFORE_SEASON,
    r"(?<!\d)\d+\s*(?:个)?(?:工作)?月(?:内|之内)",
    *_WITHIN,
)
# a short reply counts as more than an acknowledgement only with a piece of work and a date for it ("近期将答复" is
# neither: "将", "尽快" and "近期" are what acknowledgements say)
# (the verbs of work, done or to be done: not 查处, which is inside 调查处理)
_WORK_VERBS = ("维修|修复|更换|检修|清理|清运|拆除|取缔|整改|关停|发放|补发|退还|安装|铺设|硬化|疏通|修缮|改造|补种|"
               "封堵|加装|设置|建成|修建|增设|开通")
_WORK = _any(_WORK_VERBS, "处罚|约谈|施工|恢复|新建")
# a date by which it will be done, not the date a reply is signed with ("2019年9月17日" at its end)
_BY_WHEN = _any(
    r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}[日号])?(?:前|之前|以前|底|中旬|上旬|下旬|初|末)",
    r"\d{4}年(?:内|底|上半年|下半年)|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:前|之前|以前)",
    "年底前|月底前|本周[一二三四五六日天]?(?:前|内)|下周[一二三四五六日天]|本月(?:内|底)|下个?月(?:内|底|前)?",
    r"周[一二三四五六日天](?:前|之前)|明天|明日|后天",
    _BEFORE_SEASON,
    *_WITHIN,
)
# work that is done: "已于2026年11月完成…" (the date it was done may stand between 已 and the verb), "已修好",
# "已更换全部损坏的路灯", "已对该路段进行了维修", "于5月10日更换了路灯"
_DONE_WORK = _WORK_VERBS + "|修好"
_EXISTS = r"(?![^，。；;]{0,8}\d+\s*[盏个座台处条根辆块套米])"  # "已安装路灯20盏" says what is there
_SETTLED = re.compile(
    r"已(?:经)?(?:于[^，。；;]{1,16}?)?(?:对[^，。；;]{1,20}?进行了?)?(?:全部|基本)?"
    r"(?:(?:解决|完成|处理完毕|办结|整改到位|整改完毕|清理完毕|恢复|到位|落实|" + _DONE_WORK + ")" + _EXISTS + ")"
    r"|(?:于|在)\d{1,2}月\d{1,2}[日号][^，。；;]{0,10}?(?:" + _DONE_WORK + ")了"
)
# "不得" and "未能" are not a refusal by themselves: "施工期间车辆不得通行", "此前未能及时修补，深表歉意"
_DECLINE = _any(
    "不予|不能|无法|不属于|不符合|暂不|暂无|不具备|难以|不在[^。，]{0,12}范围|不支持|不同意",
    "不存在|与事实不符|不属实|不宜|未能(?!及时)|不可以|不可|不允许",
)
_REASON = _any(
    "根据|依据|按照|依照|《|规定|条例|办法|政策|文件|因为|由于|原因|鉴于|因[^此为]|考虑到|基于|涉及",
    "经核实|经调查|经查|经核查|属于|因此|所以|目前|要求",
    # whose matter it is: "路灯归省公路局管理", "由村委会负责", "需报省厅审批", "属交警部门管辖", "该路段为国道"
    r"归[^，。；;]{1,16}(?:管理|负责|管辖)|由[^，。；;]{1,16}负责|需[^，。；;]{0,16}(?:审批|批准|立项)",
    r"属[^，。；;于]{1,16}(?:管辖|职责|范围|权限)|为(?:国道|省道|县道|私人|私有|个人|集体)",
)
# the clause that restates the problem ("您反映的东湖小区电梯无法正常使用的问题，…", "针对…车辆无法通行的问题，"):
# a refusal word inside it is the constituent's, not the unit's ("我局无法解决该问题" is the unit's own)
_RESTATED = re.compile(r"(?:^|(?<=[。！!？?；;，,\s]))(?:您|你|网友|市民|群众|关于|对于|针对|所?反映)"
                       r"[^。！!？?；;，,]{0,80}?(?:的问题|的情况|问题|一事|的诉求)(?=[，,。：:\s]|$)")
# work the reply promises: a refusal that promises some is no refusal of the work ("目前无法正常照明…已安排…维修")
_PROMISE = re.compile(r"(?<![不能法未])(?:将|拟|计划|安排|正在|尽快|马上|立即|督促|责令)[^。；;！!]{0,16}?(?:"
                      + _DONE_WORK + r"|处理|解决)")


# what a one-line refusal can hold (check_interpretability): a cause of its own ("因资金有限"), or a basis cited
# ("根据规定"). _REASON also counts words that only frame a reason (目前, 要求, 因此, 属于 — also inside 不属于),
# which is enough to pass a letter that explains itself at length, not to tell one line that it gave its cause.
# (办法 and 文件 are not a basis here: "没有办法", "文件还在起草"; nor 因地制宜 a cause)
_CAUSE = re.compile(r"因为|由于|原因|鉴于|考虑到|基于|因(?!此|为|而|地)|受[^。，；;]{0,8}(?:限制|影响)|限于")
_BASIS = re.compile(r"根据|依据|按照|依照|《|规定|条例|政策")


# a message that says it asks for information; "能否/是否/如何" are left out: "能否尽快修路" asks for work
_ENQUIRY = re.compile(r"咨询|请问|询问|问询|打听")


@dataclass(frozen=True)
class Check:
    code: str  # relevance | completeness | interpretability | on_time | result_class
    ok: bool
    advice: str = ""  # Chinese, empty when ok
    evidence: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ReplyReview:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def get(self, code: str) -> Check:
        return next(c for c in self.checks if c.code == code)

    @property
    def advice(self) -> list[str]:
        return [c.advice for c in self.checks if not c.ok]


OPENING_CHARS = 300  # greetings and acknowledgements are looked for at the start of a reply only
# what of a reply (and of its question) is read: a unit's reply is a page or two; a post of megabytes held a worker
REVIEW_CHARS = 20_000


# the date a letter is signed with, at its end, and the body that signs it just before ("甲镇人民政府 2026年11月20日"):
# no time limit of the work, nor the unit that does it
# ("预计完成时间2026年12月31日。", "整改期限至2026年12月31日" are the work's dates, and stay)
_SIGNATURE = re.compile(r"(?:(?<=[。！!？?\s])[^\s。！!？?，,；;：:]{1,30}?"
                        r"(?:政府|人大|局|委员会|委|办公室|办|中心|公司|街道|社区|村委会|居委会|处|所|站|院|厅|部|会|组)\s*"
                        r"|(?<=[。！!？?\s]))"
                        r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[。.]?\s*$")


def content_of(reply: str) -> str:
    """The reply without greetings, acknowledgements and the date it is signed with."""
    norm = textlib.normalise(reply)
    head = _SALUTATION.sub("", _DEPUTY_SALUTATION.sub("", norm[:80])) + norm[80:OPENING_CHARS]
    return _SIGNATURE.sub("", _ACKNOWLEDGEMENT.sub("", head) + norm[OPENING_CHARS:]).strip()


@functools.lru_cache(maxsize=16)  # review() asks three checks about the same reply
def declines(content: str, question: str = "") -> re.Match[str] | None:
    """The first words of the reply that decline, unless they only restate the problem: inside the clause that
    names it ("您反映的电梯无法正常使用的问题，…"), or with the four characters after them, all in one clause, words
    the question itself says ("无法正常使用"; "不予受理。请您…" is the unit's own)."""
    asked = textlib.compact(textlib.normalise(question))
    spans = [(m.start(), m.end()) for m in _RESTATED.finditer(content)]  # in order, not overlapping
    starts = [a for a, _ in spans]
    for m in _DECLINE.finditer(content):
        k = bisect.bisect_right(starts, m.start()) - 1
        if k >= 0 and m.end() <= spans[k][1]:
            continue
        after = _CLAUSE_END.split(content[m.end():m.end() + 8], maxsplit=1)[0][:4]
        if asked and len(after) == 4 and m.group(0) + after in asked:
            continue
        return m
    return None


_CLAUSE_END = re.compile(r"[，,。；;！!？?：:、\s]")


def _bigrams(s: str) -> Counter[str]:
    return Counter(s[i:i + 2] for i in range(len(s) - 1))


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


# the same words for a constituent's message, an opinion and a deputy's suggestion
_OFF_TOPIC = "答复与所提问题关联度低，请针对所反映的具体问题作答"


def _key_words(text: str) -> list[str]:
    return list(dict.fromkeys(w for w in textlib.words(text) if len(w) >= 2 and w not in _ASKING and not w.isascii()))


class Weighing(Protocol):
    """How a congress's history weighs words (classifier.TextFeatures)."""

    def relatedness(self, a: str, b: str) -> float: ...

    def knows(self, word: str) -> bool: ...


def check_relevance(question_title: str, question: str, reply: str, weighing: Weighing | None = None) -> Check:
    """`reply` is the reply's content (see content_of); `weighing` the congress's history's weights, if any. They
    judge when they know at least KNOWN_KEY_WORDS_MIN of the question's key words: a question in words the history
    has never used ("宅基地审批") has no weights to judge by, and the plain word check judges it."""
    content = textlib.compact(reply)
    title_keys, body_keys = _key_words(question_title), _key_words(question[:300])
    shown = title_keys or body_keys[:8]
    known = sum(weighing.knows(w) for w in dict.fromkeys(title_keys + body_keys)) if weighing is not None else 0
    judge = weighing if known >= KNOWN_KEY_WORDS_MIN else None
    if judge is not None:
        score = judge.relatedness(f"{question_title} {question}", reply) if content else 0.0
    else:
        def covered(keys: list[str]) -> float:
            return sum(1 for w in keys if w in content) / len(keys) if keys else 0.0

        cosine = _cosine(_bigrams(textlib.compact(question_title + question)), _bigrams(content))
        score = max(covered(title_keys), covered(body_keys), cosine)
    ok = score >= (RELEVANCE_MIN if judge is None else RELATEDNESS_MIN)
    return Check("relevance", ok, "" if ok else _OFF_TOPIC,
                 {"score": round(score, 3), "key_words": shown, "weighed": judge is not None})


def _concrete(content: str) -> bool:
    """Settled, or a piece of work with a date for it: what makes a short reply more than an acknowledgement."""
    return bool(_SETTLED.search(content)) or bool(_WORK.search(content) and _BY_WHEN.search(content))


def _substantive(content: str) -> bool:
    """More than an acknowledgement: SUBSTANTIVE_MIN_CHARS content characters, or short and concrete."""
    return len(textlib.compact(content)) >= SUBSTANTIVE_MIN_CHARS or _concrete(content)


def is_enquiry(question_title: str, question: str = "") -> bool:
    """The message asks for information ("咨询公积金贷款额度"), not for something to be done: named so in its title,
    or, without a title, in its first sentence."""
    head = question_title or re.split(r"[。！!？?]", question, maxsplit=1)[0]
    return bool(_ENQUIRY.search(head))


def check_completeness(content: str, *, enquiry: bool = False, question: str = "") -> Check:
    """What will be done, by whom and by when. An enquiry is answered by the information it asks for, with no
    work to do: its reply is complete when it says something of substance (a policy, a figure, a date). A refusal
    with its reasons has no work to time: it needs no 时限."""
    if enquiry:
        ok = _substantive(content)
        advice = "" if ok else "所提的是咨询，答复未给出明确的答复内容（政策依据或具体情况），建议补充"
        return Check("completeness", ok, advice, {"enquiry": True})
    action = _ACTION.search(content)
    unit = _UNIT.search(content)
    when = _TIME.search(content)
    settled = _SETTLED.search(content)
    missing = []
    if not action:
        missing.append("办理措施（做什么）")
    if not unit:
        missing.append("责任单位（由谁办）")
    declined = declines(content, question)
    refused = (declined is not None and _REASON.search(content) is not None
               and not _PROMISE.search(content, declined.end()))
    if not (when or settled or refused):
        missing.append("办理时限（何时办结）")
    ok = not missing and (len(content) >= SUBSTANTIVE_MIN_CHARS or _concrete(content))
    if not ok and not missing:
        missing.append("具体内容")
    return Check("completeness", ok, "" if ok else f"答复未写明{'、'.join(missing)}，建议补充",
                 {"action": action.group(0) if action else "", "unit": unit.group(0) if unit else "",
                  "time": when.group(0) if when else "", "settled": bool(settled)})


def check_interpretability(content: str, question: str = "") -> Check:
    """A reply that declines must give reasons. A short reply is an acknowledgement only unless it says what was
    done or will be done and when ("镇城建办已安排电工，将于本周五前修复路灯" is 30 characters and complete).
    `question`: the words of refusal it restates are not the reply's (declines)."""
    declined = declines(content, question)
    reason = _REASON.search(content)
    if not _substantive(content):
        # "因资金有限，暂不能实施" declines in one line: its advice is about the reasons, not about a mere receipt
        # "镇城建办已安排电工修复路灯" names the work, without a date: it is brief, not a receipt
        cause, basis = _CAUSE.search(content), _BASIS.search(content)
        if declined and cause:  # it gives a cause; what one line lacks is the basis and what happens next
            advice = "答复说明了不能办理的原因，但只有一句话，建议补充具体依据（政策、规定或事实）和下一步打算"
        elif declined and basis:
            advice = "答复引用了依据，但只有一句话，请具体说明不能办理的理由及下一步打算"
        elif declined:
            advice = "答复表示不能办理，但只有一句话，请具体说明理由和依据（政策、规定或事实）及下一步打算"
        elif _WORK.search(content):
            advice = "答复较简略，说了要做的事，但未说明完成时间和办理结果，建议补充"
        else:
            advice = "答复仅为受理或转办告知，未说明办理情况和理由，建议补充"
        return Check("interpretability", False, advice,
                     {"declines": bool(declined), "reason": bool(reason), "substantive": False})
    ok = not declined or bool(reason)
    advice = "" if ok else "答复未同意或无法办理，但未说明理由和依据（政策、规定或事实），建议补充"
    return Check("interpretability", ok, advice,
                 {"declines": declined.group(0) if declined else "", "reason": reason.group(0) if reason else "",
                  "substantive": True})


def check_on_time(asked_at: datetime | None, replied_at: datetime | None, deadline_days: int,
                  deadline: date | None = None) -> Check:
    """Replied within deadline_days of being asked. With the item's own `deadline` (a form's draft: the day it is
    due, which a merge or a reopening may have set other than asked + N days), the advice names that day and the
    days past it; "超过 -7 天的办理期限" said nothing to a clerk (a review's finding)."""
    if asked_at is None or replied_at is None:
        return Check("on_time", True, "", {"days": None, "deadline_days": deadline_days})
    days = (replied_at - asked_at).total_seconds() / 86400
    if deadline is not None:
        late = (replied_at.date() - deadline).days
        return Check("on_time", late <= 0, "" if late <= 0 else f"已超过答复期限（{deadline:%Y-%m-%d}）{late} 天",
                     {"days": round(days, 1), "deadline": deadline.isoformat(), "late_days": max(late, 0)})
    ok = days <= deadline_days
    return Check("on_time", ok, "" if ok else f"答复用时 {math.ceil(days)} 天，超过 {deadline_days} 天的办理期限",
                 {"days": round(days, 1), "deadline_days": deadline_days})


# a suggestion's 办理结果 (suggestions.models.ResultClass) the reply's words can contradict
RESULT_SOLVED, RESULT_FOR_REFERENCE = "A", "D"


def check_result_class(content: str, result_class: str, question: str = "") -> Check:
    """The result class the unit chose for a suggestion against what its reply says: A类 (已解决或基本解决) with a
    reply that declines and says nothing is done ("经研究，该建议暂不采纳"), or D类 (留作参考) with a reply that says
    it is done. Either is likely a slip of the select box, which the deputy is asked to judge."""
    declined, settled = declines(content, question), _SETTLED.search(content)
    advice = ""
    if result_class == RESULT_SOLVED and declined and not settled:
        advice = "所选办理结果为A类（已解决或基本解决），答复却表示不能办理，请核对办理结果"
    elif result_class == RESULT_FOR_REFERENCE and settled and not declined:
        advice = "所选办理结果为D类（因条件限制留作参考），答复却写明已经办成，请核对办理结果"
    return Check("result_class", not advice, advice,
                 {"result_class": result_class, "declines": declined.group(0) if declined else "",
                  "settled": settled.group(0) if settled else ""})


def review(*, question_title: str = "", question: str, reply: str, asked_at: datetime | None = None,
           replied_at: datetime | None = None, deadline_days: int, deadline: date | None = None,
           weighing: Weighing | None = None, result_class: str = "") -> ReplyReview:
    """All four checks of one reply, and for a suggestion's reply with its chosen result class a fifth. Advice
    only: the caller shows it, the clerk decides. `weighing`: the congress's category model's features
    (classifier.TextFeatures), when it has one; `deadline`: the item's own (check_on_time)."""
    content = content_of(reply[:REVIEW_CHARS])
    asked = f"{question_title} {question[:REVIEW_CHARS]}"
    checks: tuple[Check, ...] = (
        check_relevance(question_title, question, content, weighing),
        check_completeness(content, enquiry=is_enquiry(question_title, question), question=asked),
        check_interpretability(content, asked),
        check_on_time(asked_at, replied_at, deadline_days, deadline),
    )
    if result_class:
        checks += (check_result_class(content, result_class, asked),)
    return ReplyReview(checks=checks)
