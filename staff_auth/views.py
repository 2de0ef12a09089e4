"""The second-factor step after the password: enrol an authenticator app at first sign-in,
then a code (or a recovery code) at every sign-in. Thin: services and django-otp decide."""

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token

from staff_auth.forms import CodeForm
from staff_auth.selectors import second_factor_enrolled
from staff_auth.services import (
    recovery_codes_regenerate,
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_secret_base32,
)

staff_sign_in = login_required(login_url="admin:login")


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


@never_cache
@staff_sign_in
def verify(request):
    """A code from the authenticator app, or one recovery code (used up)."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not second_factor_enrolled(user=request.user):
        return redirect(_with_next("staff_auth:enrol", request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", _("This code is not valid. Try the next one from your app."))
    return render(request, "staff_auth/verify.html", {"form": form, "next": _next(request)})


@never_cache
@staff_sign_in
def enrol(request):
    """First sign-in: scan the QR code (or type the secret), prove it with a code, and
    receive the recovery codes. Only while no device is confirmed: a password alone never
    adds a second factor to an account that has one."""
    if second_factor_enrolled(user=request.user):
        return redirect(_with_next("staff_auth:verify", request))
    device = totp_enrolment_start(user=request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = totp_enrolment_confirm(device=device, token=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            return _codes_page(request, codes)
        form.add_error(
            "code", _("This code is not valid. Check the time on your phone and try again.")
        )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "staff_auth/enrol.html",
        {
            "form": form,
            "next": _next(request),
            # segno writes the SVG (no script, no external image): trusted markup.
            "qr_svg": mark_safe(qr.svg_inline(scale=5, title=_("QR code to scan"))),  # noqa: S308
            "secret": totp_secret_base32(device=device),
        },
    )


@never_cache
@staff_sign_in
def recovery_codes(request):
    """New recovery codes on request (the old ones stop working), shown once."""
    if not request.user.is_verified():
        raise PermissionDenied
    if request.method == "POST":
        return _codes_page(request, recovery_codes_regenerate(user=request.user))
    return render(request, "staff_auth/recovery_codes_new.html", {"next": _next(request)})


def _codes_page(request, codes: list[str]):
    return render(
        request, "staff_auth/recovery_codes.html", {"codes": codes, "next": _next(request)}
    )


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer: our page, in the visitor's language, 429."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "staff_auth/locked_out.html", context, status=429)
