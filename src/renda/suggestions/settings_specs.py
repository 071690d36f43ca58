"""[setting] values of DOMAIN.md §3 (suggestions and bills), each with its documented default and source.

Bill co-signature thresholds are law, not settings: see rules.BILL_MIN_SIGNERS.
"""

from __future__ import annotations

from typing import Any

from renda.core.settings_registry import SettingSpec, register


def _positive_ints(value: Any) -> None:
    try:
        days = [int(v) for v in value]
    except (TypeError, ValueError):
        raise ValueError("提醒天数须为正整数，用逗号分隔") from None
    if not days or any(d <= 0 or d > 90 for d in days):
        raise ValueError("提醒天数须在 1–90 之间")


GROUP = "代表建议"

register(
    SettingSpec("suggestions.reply_months", "答复期限（自交办之日起，月）", 3, group=GROUP, min_value=1,
                max_value=6, source="代表法第十四条及各地代表建议办理办法：交办之日起三个月内答复"),
    SettingSpec("suggestions.extension_max_months", "复杂建议最长答复期限（月）", 6, group=GROUP, min_value=1,
                max_value=12, source="各地办理办法：情况复杂的，经同意可延长，最长不超过六个月，须记录理由"),
    SettingSpec("suggestions.co_unit_opinion_months", "协办单位向主办单位提出意见期限（月）", 1, group=GROUP,
                min_value=1, max_value=3, source="DOMAIN.md §3：协办单位一个月内将意见送主办单位"),
    SettingSpec("suggestions.misroute_return_days", "交办不当退回期限（日，按日计算方式）", 7, group=GROUP,
                min_value=1, max_value=30, source="DOMAIN.md §3：承办单位认为交办不当的，七个工作日内退回"),
    SettingSpec("suggestions.recess_assign_days", "闭会期间建议交办期限（日，按日计算方式）", 5, group=GROUP,
                min_value=1, max_value=30, source="DOMAIN.md §3：闭会期间的建议五个工作日内交办"),
    SettingSpec("suggestions.rehandling_months", "重新办理答复期限（月）", 1, group=GROUP, min_value=1,
                max_value=3, source="seed 002：代表不满意的重新办理，一个月内再次答复"),
    SettingSpec("suggestions.reminder_days", "期限前提醒（天，逗号分隔）", [15, 3], kind="list", group=GROUP,
                validator=_positive_ints, source="常见做法：到期前十五天、三天提醒承办单位"),
    SettingSpec("suggestions.key_share_min", "重点督办建议占比下限（%）", 15, group=GROUP, min_value=0,
                max_value=100, source="seed 003：每年确定总数的15%–20%为重点督办建议（全国做法约2%–3%）"),
    SettingSpec("suggestions.key_share_max", "重点督办建议占比上限（%）", 20, group=GROUP, min_value=0,
                max_value=100, source="seed 003"),
    SettingSpec("suggestions.result_scheme", "办理结果分类", "ABCD", kind="choice", group=GROUP,
                choices=(("ABCD", "A/B/C/D 四类"), ("ABC", "A/B/C 三类")),
                source="DOMAIN.md §3：A 已解决/基本解决，B 正在解决，C 列入计划逐步解决，D 因条件限制留作参考"),
    SettingSpec("suggestions.publication_enabled", "答复可在门户网站公开", True, kind="bool", group=GROUP,
                source="DOMAIN.md §3：答复可公开（去除个人信息）"),
    SettingSpec("suggestions.publication_days", "答复公开期限（答复后，日，按日计算方式）", 20, group=GROUP,
                min_value=1, max_value=90, source="安徽做法：答复后二十个工作日内公开"),
)
