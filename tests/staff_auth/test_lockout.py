"""Guessing a staff password: after AXES_FAILURE_LIMIT failures the account is locked
from that address for the cool-off, with a page in the staff member's language; the DPO
sees the attempts; the application log names no one."""

import datetime
import logging

import pytest
import time_machine
from django.utils import timezone

from tests.staff_auth.conftest import sign_in_with_password


def _guess(client, times: int, **headers):
    return [sign_in_with_password(client, "alice", "wrong", **headers) for _ in range(times)]


@pytest.mark.policy("Y1")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Trop d’échecs de connexion : après 5 échecs"),
        ("en", "Too many failed sign-ins: after 5 failures"),
    ],
)
def test_five_failures_lock_the_account_with_a_message_in_its_language(
    client, alice, settings, language, message
):
    assert settings.AXES_FAILURE_LIMIT == 5
    *first, fifth = _guess(client, 5, **{"accept-language": language})

    assert all(response.status_code == 200 for response in first)  # "wrong password"
    assert fifth.status_code == 429
    assert message in fifth.content.decode()

    # Even the right password is refused now.
    response = sign_in_with_password(client, "alice", "pw-alice", **{"accept-language": language})
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client, alice):
    _guess(client, 5)

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        response = sign_in_with_password(client, "alice", "pw-alice")

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_stranger_elsewhere_does_not_lock_alice_out(client, alice):
    for _ in range(5):
        sign_in_with_password(client, "alice", "wrong", **{"x-forwarded-for": "ignored"})
    other_place = {"REMOTE_ADDR": "192.0.2.7"}

    response = client.post(
        "/admin/login/", {"username": "alice", "password": "pw-alice"}, **other_place
    )

    assert response.status_code == 302


@pytest.mark.django_db
def test_the_dpo_sees_the_failed_attempts(client, alice, dora):
    _guess(client, 3)
    client.force_login(dora)

    attempts = client.get("/admin/axes/accessattempt/")
    failures = client.get("/admin/axes/accessfailurelog/")

    assert attempts.status_code == 200 and "alice" in attempts.content.decode()
    assert failures.status_code == 200 and "alice" in failures.content.decode()


@pytest.mark.django_db
def test_the_training_staff_does_not_see_them(client, alice, bob):
    _guess(client, 1)
    client.force_login(bob)

    assert client.get("/admin/axes/accessattempt/").status_code == 403


@pytest.mark.django_db
def test_no_username_or_address_reaches_the_application_log(client, alice, caplog):
    with caplog.at_level(logging.DEBUG):  # the root logger: what the app's handler would see
        _guess(client, 6)
        sign_in_with_password(client, "bob-unknown", "wrong")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "alice" not in logged and "bob-unknown" not in logged
    assert "127.0.0.1" not in logged


@pytest.mark.django_db
def test_failures_are_kept_six_months_then_deleted(client, alice, settings):
    from axes.models import AccessAttempt, AccessFailureLog

    from retention.services import retention_run

    assert settings.RETENTION["SIGN_IN_FAILURES_DAYS"] == 180
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(days=181)):
        _guess(client, 2)
    with time_machine.travel(now - datetime.timedelta(days=179)):
        _guess(client, 1)
    assert AccessFailureLog.objects.count() == 3

    results = retention_run(now=now)

    assert results["sign-in-failures"].affected == 2
    assert AccessFailureLog.objects.count() == 1  # the recent one stays
    assert not AccessAttempt.objects.exists()  # past its cool-off
