"""`make run`: each demo account passes the second factor with codes printed for the demo,
and never outside DEBUG."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.staff_auth.conftest import sign_in_with_password

DEMO = ["admin", "formation", "logistique", "dpo", "marketing"]


@pytest.mark.django_db
def test_the_demo_prints_codes_that_open_the_admin(client, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    lines = {
        line.split()[0]: line.split() for line in out.getvalue().splitlines() if "codes:" in line
    }
    assert set(lines) == set(DEMO)
    code = lines["dpo"][2]
    sign_in_with_password(client, "dpo", "demo")
    response = client.post("/admin/second-factor/", {"code": code, "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/backoffice/").status_code == 200


@pytest.mark.django_db
def test_a_second_run_keeps_the_authenticator_secret(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    key = TOTPDevice.objects.get(user__username="admin").key

    call_command("seed_demo", stdout=io.StringIO())

    assert TOTPDevice.objects.get(user__username="admin").key == key


@pytest.mark.django_db
def test_no_demo_second_factor_outside_debug():
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)

    assert User.objects.filter(username__in=DEMO).count() == 5
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert "codes:" not in out.getvalue()
