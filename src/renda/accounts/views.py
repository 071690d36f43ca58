"""Login with password and, for the three administrators, a TOTP second factor; logout; changing one's password;
the security administrator's page (lockout policy, locked accounts, administrators' second factors)."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from renda.accounts import selectors, services
from renda.accounts.forms import PasswordChangeForm
from renda.accounts.security import LOCKOUT_FAILURES, LOCKOUT_MINUTES, OTP_NEXT_KEY, failure_limit
from renda.core.access import page
from renda.core.errors import DomainError, Invalid
from renda.core.roles import ADMIN_ROLES, Role
from renda.core.scope import get_or_404
from renda.core.settings_registry import platform_setting, spec


def _next_url(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return nxt
    return "/"


def _locked_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "accounts/login.html", {"error": exc.message, "form_username": ""}, status=exc.status)


@page(public=True)
def login_view(request: HttpRequest) -> HttpResponse:
    ctx: dict[str, Any] = {"next": request.GET.get("next", ""), "expired": "expired" in request.GET}
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        try:
            user = services.check_credentials(request=request, username=username,
                                              password=request.POST.get("password", ""))
        except DomainError as exc:
            ctx.update(error=exc.message, form_username=username, next=request.POST.get("next", ""))
            return render(request, "accounts/login.html", ctx, status=exc.status if exc.status == 429 else 200)
        services.session_login(request=request, user=user)
        if user.needs_second_factor:
            request.session[OTP_NEXT_KEY] = _next_url(request)
            return redirect("accounts:otp")
        return redirect(_next_url(request))
    return render(request, "accounts/login.html", ctx)


@page(*ADMIN_ROLES)
def otp_view(request: HttpRequest) -> HttpResponse:
    """The second step for administrators; an administrator without a device enrols one here first."""
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(request.session.pop(OTP_NEXT_KEY, "/"))
    error, status = "", 200
    if request.method == "POST":
        try:
            services.second_factor_login(request=request, code=request.POST.get("otp", ""))
        except services.LockedOut as exc:
            return _locked_page(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            return redirect(request.session.pop(OTP_NEXT_KEY, "/"))
    device, enrolling = services.second_factor_device(user=request.user)  # type: ignore[arg-type]
    ctx: dict[str, Any] = {"error": error, "enrolling": enrolling}
    if enrolling:
        ctx.update(otp_uri=device.config_url, otp_qr=segno.make(device.config_url).svg_inline(scale=4),
                   otp_secret=services.device_secret(device))
    return render(request, "accounts/otp.html", ctx, status=status)


@require_POST
@page(*Role.values)
def logout_view(request: HttpRequest) -> HttpResponse:
    services.session_logout(request=request)
    return redirect("accounts:login")


@page(*Role.values)
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(request=request, actor=request.user,  # type: ignore[arg-type]
                                     old_password=form.cleaned_data["old_password"],
                                     new_password=form.cleaned_data["new_password"])
        except services.LockedOut as exc:
            return _locked_page(request, exc)
        except Invalid as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, "密码已修改。其他设备上的登录和接口令牌已失效。")
            return redirect("accounts:password_change")
    return render(request, "accounts/password_change.html",
                  {"form": form, "rules": password_validators_help_texts()},
                  status=422 if form.errors else 200)


@page(Role.SECURITY_ADMIN)
def security_view(request: HttpRequest) -> HttpResponse:
    values = {"failures": platform_setting(LOCKOUT_FAILURES), "minutes": platform_setting(LOCKOUT_MINUTES)}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {"failures": request.POST.get("failures", ""), "minutes": request.POST.get("minutes", "")}
        try:
            services.lockout_policy_set(actor=request.user, **values)  # type: ignore[arg-type]
        except Invalid as exc:
            errors = exc.fields
        else:
            messages.success(request, "登录失败锁定策略已保存。")
            return redirect("accounts:security")
    ctx = {
        "values": values, "errors": errors, "failures_spec": spec(LOCKOUT_FAILURES),
        "minutes_spec": spec(LOCKOUT_MINUTES), "limit": failure_limit(),
        "locked": selectors.locked_accounts(), "administrators": selectors.administrators(),
    }
    return render(request, "accounts/security.html", ctx, status=422 if errors else 200)


@require_POST
@page(Role.SECURITY_ADMIN)
def security_unlock_view(request: HttpRequest) -> HttpResponse:
    username = request.POST.get("username", "")
    services.lockout_reset(actor=request.user, username=username)  # type: ignore[arg-type]
    messages.success(request, f"账户“{username}”已解锁。")
    return redirect("accounts:security")


@require_POST
@page(Role.SECURITY_ADMIN)
def security_second_factor_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    account = get_or_404(selectors.administrators(), pk=user_id)
    services.second_factor_reset(actor=request.user, user=account)  # type: ignore[arg-type]
    messages.success(request, f"已重置“{account}”的动态口令，其下次登录时须重新绑定。")
    return redirect("accounts:security")
