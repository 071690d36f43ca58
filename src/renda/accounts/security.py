"""The security policy of 等保 2.0 level 3: lockout numbers as platform settings kept by the security
administrator and read by django-axes, the messages a person trying to log in sees, and session limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from renda.core.settings_registry import SettingSpec, platform_setting, register

LOCKOUT_FAILURES = "security.lockout_failures"
LOCKOUT_MINUTES = "security.lockout_minutes"

register(
    SettingSpec(LOCKOUT_FAILURES, "连续登录失败锁定次数", 5, scope="platform", group="安全策略",
                min_value=3, max_value=20, source="等保 2.0 三级：登录失败处理"),
    SettingSpec(LOCKOUT_MINUTES, "锁定时长（分钟）", 30, scope="platform", group="安全策略",
                min_value=1, max_value=24 * 60, source="等保 2.0 三级：登录失败处理"),
)

# One message for a wrong username and a wrong password, so the login form does not tell which accounts exist.
LOGIN_FAILED_MESSAGE = "用户名或密码错误，或账户已被锁定"
LOCKED_MESSAGE = "登录失败次数过多，账户已被暂时锁定，请稍后再试或联系安全管理员"

# Session keys: when the password was accepted (the absolute limit counts from there) and where an
# administrator goes once the second factor is passed.
LOGIN_AT_KEY = "renda_login_at"
OTP_NEXT_KEY = "renda_otp_next"


def failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    return int(platform_setting(LOCKOUT_FAILURES))


def cooloff_time(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=int(platform_setting(LOCKOUT_MINUTES)))


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """What django-axes answers once an account is locked: JSON for the API, the login page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": LOCKED_MESSAGE, "fields": {}}, status=429)
    return render(request, "accounts/login.html", {"error": LOCKED_MESSAGE, "form_username": ""}, status=429)
