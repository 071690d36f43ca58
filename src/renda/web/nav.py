"""The navigation of the shell, by role. Each app adds its entries here when it gains pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from renda.core.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]


STAFF = frozenset({Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF})
NAV: list[NavItem] = [
    NavItem("首页", "web:home", frozenset(Role)),
    NavItem("代表", "deputies:list", STAFF),
    NavItem("会议", "meetings:list", STAFF | {Role.DEPUTY}),
    NavItem("人代会合规", "meetings:compliance", STAFF),
    NavItem("联络站", "liaison:stations", STAFF),
    NavItem("群众意见", "liaison:opinions", STAFF | {Role.UNIT_USER}),
    NavItem("我的联络站", "liaison:me", frozenset({Role.DEPUTY})),
    NavItem("组织机构", "organizations:overview", STAFF | {Role.SYSTEM_ADMIN}),
    NavItem("参数设置", "organizations:settings", STAFF),
    NavItem("用户管理", "sysadmin:index", frozenset({Role.SYSTEM_ADMIN})),
    NavItem("安全策略", "accounts:security", frozenset({Role.SECURITY_ADMIN})),
    NavItem("审计日志", "audit:list", frozenset({Role.AUDIT_ADMIN})),
    NavItem("修改密码", "accounts:password_change", frozenset(Role)),
    NavItem("工作日历", "workdays:years", STAFF | {Role.SYSTEM_ADMIN}),
    NavItem("消息", "notifications:inbox", frozenset(Role)),
    NavItem("代表建议", "suggestions:list", STAFF | {Role.UNIT_USER, Role.DEPUTY}),
    NavItem("建议统计", "suggestions:stats", STAFF),
    NavItem("热点问题", "insights:hot", STAFF),
    NavItem("往年案例", "insights:archive", STAFF),
    NavItem("智能辅助", "insights:status", STAFF),
]


def items_for(role: str | None) -> list[dict[str, str]]:
    out = []
    for item in NAV:
        if role in item.roles:
            try:
                out.append({"label": item.label, "url": reverse(item.url_name), "name": item.url_name})
            except NoReverseMatch:
                continue  # the page arrives with its app
    return out
