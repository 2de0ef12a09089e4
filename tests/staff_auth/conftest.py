import pytest
from django.contrib.auth.models import Group, User
from django_otp.oath import totp

from staff_auth.services import recovery_codes_regenerate


def sign_in_with_password(client, username: str, password: str, **headers):
    """The admin's password page, as a browser posts it (django-axes needs the request)."""
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        headers=headers,
    )


def current_code(device) -> str:
    """What the authenticator app shows now for this device."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def dora(db) -> User:
    """Dora, the DPO: answers requests, reads the sign-in failures."""
    user = User.objects.create_user("dora", "dora@example.org", "pw-dora", is_staff=True)
    user.groups.set(Group.objects.filter(name="DPO"))
    return user


@pytest.fixture
def alice_codes(alice) -> list[str]:
    """Alice has enrolled: an authenticator app and her recovery codes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=alice, name="authenticator", confirmed=True)
    return recovery_codes_regenerate(user=alice)
