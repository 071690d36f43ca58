"""Masking phones and ID numbers in text meant for the public or for an exported file (`scrub`): written the ways
constituents write them, and nothing else touched."""

from __future__ import annotations

import pytest

from renda.core.masking import mask_text, pii_found, scrub


@pytest.mark.parametrize("written", [
    "13912345678", "+8613912345678", "8613912345678", "+86 139 1234 5678", "86-139-1234-5678", "139-1234-5678",
    "139 1234 5678", "0731-88888888", "0731 8888 8888", "010-12345678", "0731-1234567", "430101198001010000",
    "43010119800101001X", "430101800101001",  # the old 15-digit ID number
    "ID430101198001010000",  # glued to letters
    "１３９１２３４５６７８", "＋８６ １３９ １２３４ ５６７８",  # full-width, as a Chinese input method types them
    # dots, long dashes and brackets (the twentieth session: a review found them unmasked in hot issues' titles)
    "138.1234.0000", "138—1234—0002", "138–1234–0002", "138·1234·0002", "(0731)88888888", "（0731）8888-8888",
    "(0731) 8888 8888", "0731.8888.8888", "430102 19800101 1234",
    # one long dash or dot (the second review of the session): a landline's, or a long dash in a mobile number
    "0731—88888888", "0731–88888888", "010—12345678", "0731—1234567", "0731.88888888", "(0731)8888.8888",
    "（0731）8888—8888", "0731-8888.8888", "138—12345678", "138 1234—5678",
    # an ID number in four groups, or with dashes; a mobile number in Chinese numerals (the twenty-first session)
    "430102 1980 0101 1234", "430102-1980-0101-123X", "430102-19800101-1234", "一三九一二三四五六七八",
    "幺三九 一二三四 五六七八", "一三九-〇〇〇〇-零零零零", "430102—19800101—1234",
    # a phone in numerals before 元旦 (the third review)
    "一三八一二三四五六七八元旦前",
])
def test_a_phone_or_id_number_is_masked_however_it_is_written(written: str) -> None:
    masked = scrub(f"请回电{written}，谢谢")
    assert masked.startswith("请回电") and masked.endswith("，谢谢")
    number = masked[len("请回电"):-len("，谢谢")]
    assert len(number) == len(written) and sum(ch.isdigit() for ch in number) <= 3, masked
    assert sum(ch in "〇零○一幺二三四五六七八九" for ch in number) <= 3, masked
    assert pii_found(written), written


def test_an_id_number_after_a_lists_number_or_a_dash_is_masked() -> None:
    """The guard that keeps a group of a longer code (HT-2026-430100-…) unmasked is for numbers written in groups:
    an ID number of 18 characters in one piece is masked after "1." or "1-" (the third review)."""
    assert scrub("1.430102199001011234 2.430102199202021234") == "1.430*************** 2.430***************"
    assert scrub("序号1-430102199001011234") == "序号1-430***************"
    assert pii_found("1.430102199001011234") == ["身份证号"]


@pytest.mark.parametrize("text", ["2026-05-03 10:00 反映", "共1390元", "订单号20260503123456789", "编号 2020 0115 1234",
                                  "3号楼12单元", "订单号 2026-0503-1234-5678", "合同编号 2026-0731-2020-0101",
                                  "订单号 2026.0503.1234.5678", "2019.10.12", "版本 1.2.3", "面积1360.5平方米",
                                  "（2020）第0731号", "共13.5万元", "东经133.12345678度", "转账 158.00001234",
                                  "192.168.1.100",
                                  "2019 2020 2021 三年",
                                  # Chinese numerals that are no phone: a year, a count, a list of ten
                                  "二〇二六年一月", "一三五七九二四六八十", "第一三九一二三四五六七八九十条",
                                  "一二三四五六七八九〇", "二十三万四千五百六十七", "一五〇〇〇〇〇〇〇〇〇元",
                                  # groups of a longer code joined by dashes, one of them shaped like an ID number
                                  "合同编号 HT-2026-430100-2025-1231-0001-02", "批次 2026-430100-2025-1231-0001",
                                  "产品条码 6901234-430102-2020-0101-1234", "编号 430100-2025-1231-0001-02",
                                  # 15 or 18 digits that are no ID number (GB 11643: a province's code, then a date
                                  # of birth): a work order, an old company registration number, a credit code, π
                                  "工单号202605031234567", "注册号430100000012345", "12430000006141234X",
                                  "π≈3.141592653589793",
                                  # a sum of money with as many digits as a phone (the nineteenth session)
                                  "总投资15000000000元", "总投资 150 0000 0000 元", "约13912345678美元",
                                  "￥13912345678", "¥07318888888", "¥ 13912345678", "预算07318888888万元",
                                  "投资15000000000元，已到位", "投资15000000000元整", "共15000000000元左右的",
                                  "价格13912345678元/吨", "15000000000元人民币", "15000000000元（含税）",
                                  "15000000000元为专项资金", "15000000000元已到位", "15000000000元至200亿元",
                                  "15000000000元及以上", "“15000000000元”", "《15000000000元》", "15000000000元—"])
def test_dates_amounts_and_codes_are_left_as_they_are(text: str) -> None:
    assert scrub(text) == text
    assert pii_found(text) == [], "nor do they stop a reply's publication"


def test_the_writers_own_name_and_phone_are_masked_however_they_appear_in_their_text() -> None:
    """A letter signed with the writer's own landline without its area code, their mobile with dashes, or typed
    in full width: each is masked like a phone in a list (three characters kept), the name after its first."""
    landline = mask_text("我是李四，家里电话88886666，晚上打", "李四", "0731-88886666")
    assert landline == "我是李*，家里电话888*****，晚上打"
    mobile = mask_text("请联系王五139-1234-5678或１３９１２３４５６７８", "王五", "13912345678")
    assert "1234" not in mobile and "５６７８" not in mobile and "5678" not in mobile and mobile.startswith("请联系王*")
    assert mask_text("联系电话13912345678", None, "13912345678") == "联系电话139********"
    assert mask_text("邻居王五也知道", "李四", "") == "邻居王五也知道"
    # a phone is masked as a number of its own, not inside a longer one (the second review, twenty-first session)
    assert mask_text("门牌号18888666号，订单号20260888866612345", None, "0731-8888666") == (
        "门牌号18888666号，订单号20260888866612345")


def test_a_phone_beside_a_sum_of_money_is_still_masked() -> None:
    masked = scrub("补偿5000元，请联系13912345678，另付200元")
    assert masked == "补偿5000元，请联系139********，另付200元"
    # 元旦, 元月, 元宵 are no sum of money, nor a contact named 元 or a place whose name begins with it
    for written in ("请拨13912345678元旦前回复", "电话0731-88888888 元月办理", "请联系13912345678元老师",
                    "联系人13912345678 元女士", "地址13912345678元和路5号", "热线0731-88888888元氏县"):
        assert "12345678" not in scrub(written) and "88888888" not in scrub(written), written
        assert pii_found(written), written
    assert scrub("请拨13912345678元旦前回复") == "请拨139********元旦前回复"


def test_a_letters_full_width_indentation_is_left_as_written() -> None:
    letter = "尊敬的群众：\n　　您反映的路灯问题已修复，联系电话１３９１２３４５６７８。"
    assert mask_text(letter, "张三", "") == "尊敬的群众：\n　　您反映的路灯问题已修复，联系电话139********。"


@pytest.mark.parametrize("address", ["xingfucun.bianmin2026@example.com.cn", "zhang_san+renda@qq.com",
                                     "13912345678@163.com", "Li.Si@mail.gov.cn"])
def test_an_email_address_is_masked_and_the_words_before_it_are_not(address: str) -> None:
    """A constituent's e-mail address was shown whole in the similar cases and hot issues (only a publication
    refused it)."""
    assert scrub(f"申请表请发邮箱{address}，谢谢") == f"申请表请发邮箱{address[:3]}{'*' * (len(address) - 3)}，谢谢"
    assert pii_found(f"请发邮箱{address}")[0] == "电子邮箱"
    assert scrub("会议在3楼@多功能厅举行，请@所有人") == "会议在3楼@多功能厅举行，请@所有人"
