"""Login with password and, for the three administrators, a TOTP second factor; logout."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from renda.accounts import services
from renda.accounts.middleware import LOGIN_AT_KEY
from renda.core import audit
from renda.core.access import page
from renda.core.errors import DomainError
from renda.core.roles import ADMIN_ROLES, Role


def _next_url(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return "/"


@page(public=True)
def login_view(request: HttpRequest) -> HttpResponse:
    ctx: dict[str, object] = {"next": request.GET.get("next", ""), "expired": "expired" in request.GET}
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        try:
            user = services.check_credentials(request=request, username=username,
                                              password=request.POST.get("password", ""))
        except DomainError as exc:
            ctx.update(error=exc.message, form_username=username)
            return render(request, "accounts/login.html", ctx, status=exc.status if exc.status == 429 else 200)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        import time

        request.session[LOGIN_AT_KEY] = time.time()
        audit.record(actor=user, action="auth.login", obj=user)
        if user.needs_second_factor:
            request.session["otp_next"] = _next_url(request)
            return redirect("accounts:otp")
        return redirect(_next_url(request))
    return render(request, "accounts/login.html", ctx)


@page(*ADMIN_ROLES)
def otp_view(request: HttpRequest) -> HttpResponse:
    """The second step for administrators; an administrator without a device enrols one here first."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="default", confirmed=False)
    error = ""
    if request.method == "POST":
        token = request.POST.get("otp", "").strip()
        if device.verify_token(token):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record(actor=user, action="auth.otp_enrolled", obj=user)
            otp_login(request, device)
            audit.record(actor=user, action="auth.otp_verified", obj=user)
            return redirect(request.session.pop("otp_next", "/"))
        error = "动态口令不正确，请重试"
        audit.record(actor=user, action="auth.otp_failed", obj=user)
    ctx: dict[str, object] = {"error": error, "enrolling": enrolling}
    if enrolling:
        import segno

        ctx["otp_uri"] = device.config_url
        ctx["otp_qr"] = segno.make(device.config_url).svg_inline(scale=4)
        from base64 import b32encode

        ctx["otp_secret"] = b32encode(device.bin_key).decode()
    return render(request, "accounts/otp.html", ctx)


@require_POST
@page(*Role.values)
def logout_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    audit.record(actor=user, action="auth.logout", obj=user)  # type: ignore[arg-type]
    logout(request)
    return redirect("accounts:login")
