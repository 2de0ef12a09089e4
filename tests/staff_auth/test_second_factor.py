"""Staff prove who they are twice: a password alone opens no staff page; the first sign-in
enrols an authenticator app and hands out recovery codes once."""

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dpo_requests import backoffice_urls
from tests.staff_auth.conftest import current_code, sign_in_with_password

VERIFY = "/admin/second-factor/"
ENROL = "/admin/second-factor/enrol/"


def _backoffice_paths() -> list[str]:
    return [
        reverse(f"backoffice:{p.name}", kwargs={"pk": 1} if "<int:pk>" in str(p.pattern) else {})
        for p in backoffice_urls.urlpatterns
    ]


def _admin_paths() -> list[str]:
    changelists = [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m in admin.site._registry
    ]
    return ["/admin/", "/admin/password_change/", *changelists]


@pytest.mark.policy("Y1")
@pytest.mark.django_db
def test_a_password_alone_opens_no_admin_and_no_backoffice_page(client, dora):
    response = sign_in_with_password(client, "dora", "pw-dora")
    assert response.status_code == 302  # the password was right

    paths = _admin_paths() + _backoffice_paths()
    assert len(paths) > 20 and "/backoffice/" in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{VERIFY}?next="), path


@pytest.mark.policy("Y1")
@pytest.mark.django_db
def test_the_first_sign_in_enrols_an_app_then_shows_the_recovery_codes_once(client, alice):
    sign_in_with_password(client, "alice", "pw-alice")

    # No device yet: the second-factor step sends her to enrol.
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(ENROL)
    page = response.content.decode()
    assert "<svg" in page and "Set up your second factor" not in page  # French by default
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    assert response.context["secret"] in page

    # A wrong code confirms nothing.
    response = client.post(ENROL, {"code": "000000", "next": "/admin/"})
    assert "Ce code n’est pas valide" in response.content.decode()
    assert client.get("/admin/").status_code == 302

    # A failure slows the next try down (django-otp's throttling): a minute later.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        response = client.post(ENROL, {"code": current_code(device), "next": "/admin/"})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=alice).count() == 10

    assert client.get("/admin/").status_code == 200
    # Shown once: the enrol page is gone for an account that has a device.
    assert client.get(ENROL).status_code == 302


@pytest.mark.django_db
def test_a_password_alone_cannot_add_a_second_device(client, alice, alice_codes):
    sign_in_with_password(client, "alice", "pw-alice")

    response = client.get(ENROL)

    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=alice, confirmed=False).exists()


@pytest.mark.django_db
def test_the_app_code_opens_the_admin(client, alice, alice_codes):
    sign_in_with_password(client, "alice", "pw-alice")
    device = TOTPDevice.objects.get(user=alice)

    response = client.post(VERIFY, {"code": current_code(device), "next": "/admin/"})

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/backoffice/").status_code == 403  # verified, but not the DPO


@pytest.mark.django_db
def test_a_recovery_code_works_once(client, alice, alice_codes):
    sign_in_with_password(client, "alice", "pw-alice")
    response = client.post(VERIFY, {"code": alice_codes[0].upper(), "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(device__user=alice).count() == 9

    client.post(reverse("admin:logout"))
    sign_in_with_password(client, "alice", "pw-alice")
    response = client.post(VERIFY, {"code": alice_codes[0], "next": "/admin/"})

    assert response.status_code == 200
    assert "Saisissez le code" in response.content.decode()
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones(client, alice, alice_codes):
    client.force_login(alice)

    response = client.post(reverse("staff_auth:recovery_codes"), {"next": "/admin/"})

    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(alice_codes)
    tokens = set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))
    assert tokens == set(new)


@pytest.mark.django_db
def test_only_a_verified_session_makes_new_recovery_codes(client, alice, alice_codes):
    sign_in_with_password(client, "alice", "pw-alice")

    response = client.post(reverse("staff_auth:recovery_codes"))

    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    tokens = set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))
    assert tokens == set(alice_codes)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "title"), [("fr", "Second facteur"), ("en", "Second factor")])
def test_the_second_factor_page_speaks_the_staff_language(
    client, alice, alice_codes, language, title
):
    sign_in_with_password(client, "alice", "pw-alice")

    response = client.get(VERIFY, headers={"accept-language": language})

    assert f"<h1>{title}</h1>" in response.content.decode()


@pytest.mark.django_db
def test_an_outside_next_address_is_ignored(client, alice, alice_codes):
    sign_in_with_password(client, "alice", "pw-alice")
    device = TOTPDevice.objects.get(user=alice)

    response = client.post(VERIFY, {"code": current_code(device), "next": "https://evil.example/"})

    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_the_admin_links_to_new_recovery_codes(client, alice):
    client.force_login(alice)

    html = client.get("/admin/", headers={"accept-language": "en"}).content.decode()

    assert reverse("staff_auth:recovery_codes") in html


@pytest.mark.django_db
def test_in_tests_login_checks_the_password_then_counts_as_fully_signed_in(client, alice):
    assert not client.login(username="alice", password="wrong")
    assert client.login(username="alice", password="pw-alice")

    assert client.get("/admin/").status_code == 200
