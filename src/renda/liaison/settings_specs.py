"""[setting] values of DOMAIN.md §4 (liaison stations and constituents), each with its documented default."""

from __future__ import annotations

from typing import Any

from renda.core.settings_registry import SettingSpec, register

GROUP = "联络站与群众意见"


def _day_offsets(value: Any) -> None:
    try:
        days = [int(v) for v in value]
    except (TypeError, ValueError):
        raise ValueError("提醒天数须为整数列表，如 7,1") from None
    if any(d < 0 or d > 60 for d in days):
        raise ValueError("提醒天数须在 0 到 60 之间")


SIX_HAVES_DEFAULT = ["有固定场所", "有标识牌匾", "有工作制度", "有活动计划", "有工作台账", "有经费保障"]

register(
    SettingSpec("liaison.six_haves", "联络站“六有”标准", SIX_HAVES_DEFAULT, kind="list", group=GROUP,
                source="seed 001：工作站硬件建设实现“六有”", help="每行或以逗号分隔一项"),
    SettingSpec("liaison.publish_days_ahead", "接待安排提前公示天数", 3, group=GROUP, min_value=0, max_value=30,
                source="DOMAIN.md §4：接待代表、时间、地点提前 2–3 天公示（seed 003）"),
    SettingSpec("liaison.min_receptions_per_year", "每名代表每年至少接待次数", 1, group=GROUP, min_value=0,
                max_value=52, source="DOMAIN.md §4：每名代表每年至少接待一次"),
    SettingSpec("liaison.reply_deadline_months", "群众意见答复时限（月）", 1, group=GROUP, min_value=1, max_value=6,
                source="seed 003：有诉必复，责任到人，答复时限为一月"),
    SettingSpec("liaison.reminder_days_before", "到期前提醒（天，可多项）", [7, 1], kind="list", group=GROUP,
                validator=_day_offsets, source="seed 003：由信访办负责提醒"),
    SettingSpec("liaison.reminder_office", "负责提醒的部门", "信访办", kind="str", group=GROUP,
                source="seed 003：由信访办负责提醒"),
    SettingSpec("liaison.supervising_office", "逾期督办的部门", "纪委", kind="str", group=GROUP,
                source="seed 003：纪委负责监督"),
    SettingSpec("liaison.reopen_limit", "不满意可重新办理次数", 1, group=GROUP, min_value=0, max_value=5,
                source="DOMAIN.md §4：群众对答复不满意的重新办理一次"),
    SettingSpec("liaison.require_contact", "网上留言须填写姓名和电话", False, kind="bool", group=GROUP,
                source="通行做法：可匿名留言，由本级人大决定是否要求实名"),
    SettingSpec("liaison.activity_notice_days", "代表议政、见面会提前通知天数", 30, group=GROUP, min_value=1,
                max_value=120, source="seed 002：代表工作部门提前一个月向各代表联络站下达通知"),
    # Anti-abuse policy of the public portal: platform-wide, kept by the security administrator.
    SettingSpec("liaison.throttle_per_ip_hour", "同一网络地址每小时最多留言数", 10, scope="platform",
                group="公众留言防滥用", min_value=1, max_value=1000),
    SettingSpec("liaison.throttle_per_phone_day", "同一手机号每天最多留言数", 5, scope="platform",
                group="公众留言防滥用", min_value=1, max_value=100),
    SettingSpec("liaison.evaluate_tries_day", "同一意见每天最多评价尝试次数（核对联系电话）", 5, scope="platform",
                group="公众留言防滥用", min_value=1, max_value=50),
    SettingSpec("liaison.opinion_max_chars", "留言内容最多字数", 2000, scope="platform", group="公众留言防滥用",
                min_value=100, max_value=10000),
)
