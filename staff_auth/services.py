"""Staff second factor: enrolling an authenticator app, recovery codes, demo devices.

Devices are django-otp's own models (otp_totp, otp_static); these services are the only
place that creates or changes them.
"""

import base64
import secrets

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def totp_enrolment_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator device being enrolled (the same one on reload, so the
    QR code the person already scanned stays valid)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device if ``token`` is a valid code from it; then the recovery codes,
    new, to show once. None if the code is wrong (nothing changes)."""
    if device.confirmed or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return recovery_codes_regenerate(user=device.user)


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """Replace the user's recovery codes with new ones (each usable once); the old ones
    stop working at once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [_recovery_code() for _ in range(settings.STAFF_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _recovery_code() -> str:
    # 10 base32 characters: 50 bits, enough for a code that also goes through the
    # device's throttling; no 0/O or 1/I to misread on paper.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


@transaction.atomic
def demo_second_factor_ensure(*, user, recovery_codes: int = 5) -> tuple[str, list[str]]:
    """Give a demo account an authenticator secret (kept from one run to the next, so an
    app that scanned it keeps working) and fresh recovery codes; return the secret in
    base32, as apps take it, and the codes. Demo only: never with DEBUG off."""
    if not settings.DEBUG:
        raise RuntimeError("Demo second factors are never made with DEBUG off.")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True)
    codes = recovery_codes_regenerate(user=user)[:recovery_codes]
    StaticToken.objects.filter(device__user=user).exclude(token__in=codes).delete()
    return totp_secret_base32(device=device), codes


def totp_secret_base32(*, device: TOTPDevice) -> str:
    """The device's secret as authenticator apps take it when typed in."""
    return base64.b32encode(device.bin_key).decode()


def sign_in_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """What django-axes writes in its log lines: the page only, never who or from where."""
    return f"{{path_info: {path_info!r}}}"
