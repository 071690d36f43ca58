"""Lockout policy as platform settings kept by the security administrator, read by django-axes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from renda.core.settings_registry import SettingSpec, platform_setting, register

register(
    SettingSpec("security.lockout_failures", "连续登录失败锁定次数", 5, scope="platform", group="安全策略",
                min_value=3, max_value=20, source="等保 2.0 三级：登录失败处理"),
    SettingSpec("security.lockout_minutes", "锁定时长（分钟）", 30, scope="platform", group="安全策略",
                min_value=1, max_value=24 * 60, source="等保 2.0 三级：登录失败处理"),
)

LOGIN_FAILED_MESSAGE = "用户名或密码错误，或账户已被锁定"
LOCKED_MESSAGE = "登录失败次数过多，账户已被暂时锁定，请稍后再试或联系安全管理员"


def failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    return int(platform_setting("security.lockout_failures"))


def cooloff_time(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=int(platform_setting("security.lockout_minutes")))


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"code": "locked_out", "message": LOCKED_MESSAGE, "fields": {}}, status=429)
    return render(request, "accounts/login.html", {"error": LOCKED_MESSAGE, "form_username": ""}, status=429)
