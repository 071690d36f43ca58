"""Hot issues: a planted cluster is found whole and ranked first; the heat index behaves as documented."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from renda.insights import hot

T0 = datetime(2026, 5, 1, 9, 0)


def msg(i: int, title: str, body: str, author: str, days: float, likes: int = 0) -> hot.Message:
    return hot.Message(id=str(i), title=title, body=body, author=author, at=T0 + timedelta(days=days), likes=likes)


PLANTED = [
    msg(1, "幸福花园小区底层餐馆油烟扰民", "幸福花园小区楼下餐馆油烟直排，窗户都不敢开。", "u1", 0),
    msg(2, "幸福花园小区烧烤店油烟噪音扰民", "每天晚上烧烤到凌晨，油烟和噪音让人无法休息。", "u2", 3),
    msg(3, "幸福花园楼下餐饮店油烟直排扰民", "餐饮店没有油烟净化，油烟直排进小区。", "u3", 5),
    msg(4, "投诉幸福花园小区门面油烟扰民", "临街门面开餐馆，油烟扰民严重。", "u4", 9),
    msg(5, "幸福花园小区油烟扰民问题何时解决", "多次反映油烟扰民，至今没有处理。", "u5", 12),
    msg(6, "幸福花园小区餐馆油烟扰民，请尽快处理", "油烟太大，老人孩子都受影响。", "u6", 15, likes=12),
]
SAME_PLACE_OTHER_TOPIC = [
    msg(20 + k, "幸福花园小区电梯故障频发", "电梯经常困人，物业维修不及时。", f"e{k}", 2 + k) for k in range(3)
]
SAME_TOPIC_OTHER_PLACE = [
    msg(30 + k, "石桥村饭店油烟扰民", "石桥村饭店油烟直排，影响村民休息。", f"s{k}", 4 + k) for k in range(2)
]
NOISE = [
    msg(40, "咨询新农合报销比例", "想了解今年新农合的报销比例。", "n1", 1),
    msg(41, "北关村道路坑洼需要修补", "北关村主干道坑洼很多，下雨积水。", "n2", 6),
    msg(42, "希望增加公交班次", "早晚高峰公交太挤，希望增加班次。", "n3", 8),
]
ALL = PLANTED + SAME_PLACE_OTHER_TOPIC + SAME_TOPIC_OTHER_PLACE + NOISE


def test_a_planted_cluster_is_grouped_whole_and_ranked_hottest() -> None:
    issues = hot.hot_issues(ALL, now=T0 + timedelta(days=20))
    assert {m.id for m in issues[0].messages} == {m.id for m in PLANTED}
    assert issues[0].people == 6 and issues[0].support == 12
    assert "幸福花园" in "".join(issues[0].places)


def test_the_same_place_with_another_problem_is_another_issue() -> None:
    groups = [{ALL[i].id for i in g} for g in hot.group(ALL)]
    assert {m.id for m in SAME_PLACE_OTHER_TOPIC} in groups


def test_the_same_problem_at_another_place_is_not_merged() -> None:
    groups = [{ALL[i].id for i in g} for g in hot.group(ALL)]
    planted_group = next(g for g in groups if "1" in g)
    assert not planted_group & {m.id for m in SAME_TOPIC_OTHER_PLACE}


def test_messages_far_apart_in_time_are_not_linked() -> None:
    late = msg(99, "幸福花园小区餐馆油烟扰民", "油烟扰民。", "late", 15 + hot.Params.window_days + 1)
    messages = [*ALL, late]
    groups = [{messages[i].id for i in g} for g in hot.group(messages)]
    assert {"99"} in groups


def test_an_issue_raised_by_fewer_than_three_people_is_not_hot() -> None:
    issues = hot.hot_issues(ALL, now=T0 + timedelta(days=20))
    assert all(i.people >= 3 for i in issues)
    assert all("石桥村" not in i.title for i in issues)  # two people only


def test_heat_counts_people_first_repeats_little_support_on_a_log_scale_and_halves_with_age() -> None:
    now = T0
    p = hot.Params(half_life_days=180, repeat_weight=0.1)
    three_people = [msg(k, "t", "b", f"p{k}", 0) for k in range(3)]
    one_person_thrice = [msg(k, "t", "b", "same", 0) for k in range(3)]
    assert hot.heat(three_people, now=now, p=p)[0] == 3
    assert hot.heat(one_person_thrice, now=now, p=p)[0] == 1 + 0.1 * 2
    liked = [msg(1, "t", "b", "p1", 0, likes=99)]
    assert math.isclose(hot.heat(liked, now=now, p=p)[0], 1 + math.log(100))
    old = [msg(k, "t", "b", f"p{k}", -180) for k in range(3)]
    assert math.isclose(hot.heat(old, now=now, p=p)[0], 1.5)


def test_place_names_are_found_without_their_address_or_generic_suffix() -> None:
    assert hot.places("A5区劳动东路魅力之城小区油烟扰民") == {"劳动东", "魅力之城"}
    assert hot.places("A市经济学院强制学生实习") == {"经济学院"}
    assert hot.places("投诉配套幼儿园收费") == set()  # describes, does not name


def test_messages_with_nothing_in_common_give_no_issue_instead_of_an_error() -> None:
    # The demo county's month held such opinions: no pair was similar enough to compare places, and the page failed.
    messages = [msg(0, "幸福村自来水停水三天", "村里停水三天了，没有通知。", "a", 0),
                msg(1, "中学门口校车超载", "早上接学生的校车坐了二十多人。", "b", 1),
                msg(2, "菜市场物价太高", "猪肉价格比邻镇贵一倍。", "c", 2)]
    assert hot.hot_issues(messages, now=T0 + timedelta(days=3)) == []


def test_the_similar_pairs_computed_block_by_block_are_those_of_the_whole_product(monkeypatch) -> None:
    """The product is cut into blocks of rows to bound memory; blocks that end mid-matrix must lose no pair and
    add none (each pair once, i < j, within the window and above the threshold)."""
    import numpy as np
    from scipy import sparse
    from sklearn.preprocessing import normalize

    x = normalize(sparse.random(23, 40, density=0.15, random_state=3, format="csr"))
    days = np.arange(23, dtype=float) * 10
    whole = (x @ x.T).tocoo()
    keep = (whole.row < whole.col) & (whole.data >= 0.1) & (np.abs(days[whole.row] - days[whole.col]) <= 60)
    expected = sorted(zip(whole.row[keep].tolist(), whole.col[keep].tolist(), strict=True))
    assert expected and len(expected) < keep.size  # the threshold and the window both remove pairs
    for block in (1, 4, 7, 100):
        monkeypatch.setattr(hot, "PAIR_BLOCK", block)
        rows, cols, sims = hot._candidate_pairs(x, days, 0.1, 60)
        assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == expected, block
        assert np.all(sims >= 0.1)


def test_a_townships_own_school_is_a_place_and_crossing_a_road_is_not() -> None:
    """"青山镇中学" is named by its township (the prefix cut for "A市经济学院" must not leave nothing);
    "过马路" is no road called 马."""
    assert hot.places("青山镇中学门口放学时车辆乱停") == {"青山镇中学"}
    assert hot.places("反映柳河乡卫生院看病排队太久") == {"柳河乡卫生院"}
    assert hot.places("A市经济学院强制实习") == {"经济学院"}
    assert hot.places("学生过马路很危险，希望修路") == set()


def test_a_kind_of_company_is_no_place_and_names_are_not_alike_by_their_suffix() -> None:
    """"物业公司" is what every estate has, not a place: complaints about different estates' property companies
    must not be chained through it. Two names are not the same place for sharing one character and the suffix:
    南托岭社区 and 杉仙岭社区, 鑫天鑫城物业 and 泉塘长城物业 are different places."""
    assert hot.places("小区物业公司乱收费") == set()
    assert hot.places("投诉房地产开发公司延期交房") == set()
    assert hot.places("投诉A市金科物业公司无故辞退员工") == {"金科物业"}
    assert hot.Place("南托岭社区", 2).grams().isdisjoint(hot.Place("杉仙岭社区", 2).grams())
    assert hot.Place("鑫天鑫城物业", 2).grams().isdisjoint(hot.Place("泉塘长城物业", 2).grams())
    assert hot.Place("经济学院", 2).grams() <= hot.Place("涉外经济学院", 2).grams()
    companies = [msg(50 + k, f"{estate}小区物业公司乱收费", "物业公司乱收停车费，不给发票。", f"c{k}", k)
                 for k, estate in enumerate(("枫林", "桂花", "金桥", "湘江"))]
    groups = [{companies[i].id for i in g} for g in hot.group(companies)]
    assert all(len(g) == 1 for g in groups), groups


def test_the_gazetteer_finds_the_same_place_whatever_order_it_learnt_the_names_in() -> None:
    """One name may be known with its suffix (from a title) and without (from the congress): the form that knows
    its suffix is found, whichever came first. Before, the order of a set decided, so two processes grouped 附件3
    differently."""
    with_suffix, bare = hot.Place("经济学院", 2), hot.Place("经济学院")
    for known in ([with_suffix, bare], [bare, with_suffix]):
        assert hot.Gazetteer(known).find("A市经济学院强制实习") == {with_suffix}


def test_hot_issues_are_described_alike_in_every_process() -> None:
    """Places and key words that are named equally often are listed by name, not in the order of a set, which
    changes with the process's hash seed: two workers must show the county the same page."""
    import subprocess
    import sys

    script = (
        "from datetime import datetime, timedelta\n"
        "from renda.insights import hot\n"
        "ms = [hot.Message(id=str(k), title='东湖村西湖村南湖村北湖村中湖村上湖村 垃圾清运 污水直排 噪音扰民',"
        " body='', author=f'u{k}', at=datetime(2026, 5, 1) + timedelta(days=k)) for k in range(4)]\n"
        "issue = hot.hot_issues(ms)[0]\n"
        "print(issue.places, issue.keywords)\n")
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": str(seed), "PYTHONPATH": ":".join(sys.path)}).stdout
               for seed in (1, 2, 3, 4)}
    assert len(outputs) == 1, outputs
    assert outputs.pop().startswith("['上湖村', '东湖村', '中湖村']")  # by code point


def test_a_message_naming_no_place_does_not_join_complaints_about_different_places() -> None:
    """"麻将馆扰民" with no place is like each estate's 麻将馆 complaint; it must not make the four estates one issue
    (on 附件3 such a message gathered eight 麻将馆 complaints of eight places into the 5th hottest issue). It joins
    the one it is closest to."""
    estates = [msg(60 + k, f"{estate}小区麻将馆扰民", "楼下麻将馆通宵营业，噪音很大。", f"m{k}", k)
               for k, estate in enumerate(("枫林", "桂花", "金桥", "湘江"))]
    hub = msg(70, "麻将馆扰民严重", "楼下麻将馆通宵营业，噪音很大，严重扰民。", "h", 2)
    messages = [*estates, hub]
    groups = [{messages[i].id for i in g} for g in hot.group(messages)]
    assert all(len(g) <= 2 for g in groups), groups
    assert any(g == {"70", e.id} for g in groups for e in estates)


def test_a_county_towns_estate_phase_is_no_place() -> None:
    """"M9县城三期小区" is the third phase of an estate in M9's county town: "城三期" is no place's name, and would
    be found inside "珠江花城三期" of another district."""
    assert hot.places("A7县M9县城三期小区麻将馆扰民") == set()
    assert hot.places("A市丽发新城三期违建") == {"丽发"}



def test_a_writers_masked_contact_is_no_keyword_while_a_problem_about_id_cards_keeps_its_words() -> None:
    """Letters signed "我的电话138********" made 电话 one of a group's keywords (a reviewer's finding): the phrase
    that gave the masked contact is left out of the title the grouping reads (monthly.message), while a problem
    about ID cards or phones keeps those words."""
    from types import SimpleNamespace

    from renda.insights import monthly

    def opinion(i: int, text: str) -> SimpleNamespace:
        return SimpleNamespace(pk=i, listed_content=text, phone_hash=f"p{i}", received_at=T0 + timedelta(days=i))

    rubbish = [monthly.message(opinion(i, f"石门村桥头垃圾堆积没人清运，我的电话13{i}********，手机号：13{i}********\n"
                                          "垃圾堆积很久了，臭气熏天，请尽快清运。")) for i in range(4)]
    assert "电话" not in rubbish[0].title and "垃圾堆积" in rubbish[0].title
    assert "我的电话130********" in rubbish[0].body  # the opinion as listed under the group: masked, as before
    issues = hot.hot_issues(rubbish)
    assert len(issues) == 1 and "垃圾" in issues[0].keywords and "电话" not in issues[0].keywords, issues
    cards = [monthly.message(opinion(i, "石门村老人补办身份证要跑县城，身份证办理点能不能设到镇上"))
             for i in range(10, 14)]
    assert cards[0].body == "石门村老人补办身份证要跑县城，身份证办理点能不能设到镇上"  # no contact in it: kept whole
