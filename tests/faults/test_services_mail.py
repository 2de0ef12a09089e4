"""The mail server refusing connections for an hour (issue 14), in simulated time: the
public forms store their emails, every attempt is refused, the outbox waits longer and
longer between attempts (1, 2, 4… minutes) without giving up; once a real SMTP server
listens, each email arrives exactly once."""

import datetime
import socket
import time

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings
from django.test import override_settings

from core.models import OutboxEmail
from core.tasks import sweep_outbox
from tests.faults.services import free_port
from tests.faults.services_load import registration_form

Status = OutboxEmail.Status
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


class Inbox:
    """An SMTP server's receiving end (aiosmtpd): every message it accepted."""

    def __init__(self):
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def _beat_minutes(clock, minutes: int, *, until=None) -> int:
    """The sweeper, once a simulated minute as beat runs it; the minutes it took."""
    for minute in range(1, minutes + 1):
        clock.shift(datetime.timedelta(minutes=1))
        sweep_outbox.delay()
        if until and until():
            return minute
    return minutes


@pytest.mark.django_db(transaction=True)
def test_an_hour_without_a_mail_server_loses_nothing_and_sends_each_email_once(client, session):
    port = free_port()  # nobody listens there: every connection is refused
    people = [f"person-{n}@example.org" for n in range(4)]
    smtp = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": port, "EMAIL_TIMEOUT": 5}
    smtp["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
    with override_settings(**smtp), time_machine.travel(START, tick=False) as clock:
        for email in people[:2]:
            response = client.post(f"/sessions/{session.pk}/register/", registration_form(email))
            assert response.status_code == 302
        for email in people[2:]:
            form = {"kind": "access", "email": email, "details": ""}
            assert client.post("/privacy/requests/new/", form).status_code == 200
        # Each email was tried once, after its request's commit, and refused.
        assert list(OutboxEmail.objects.values_list("attempts", "status").distinct()) == [
            (1, Status.PENDING)
        ]

        _beat_minutes(clock, 60)
        # An hour later: nothing sent, nothing given up, and the server was not hammered:
        # tried at 0, 2, 4, 8, 16 and 32 minutes (a minute of grace for the first task).
        assert list(OutboxEmail.objects.values_list("attempts", "status").distinct()) == [
            (6, Status.PENDING)
        ]

        inbox = Inbox()
        server = Controller(inbox, hostname="127.0.0.1", port=port)
        server.start()
        try:
            waited = _beat_minutes(
                clock,
                60,
                until=lambda: not OutboxEmail.objects.exclude(status=Status.SENT).exists(),
            )
        finally:
            server.stop()

    assert sorted(inbox.recipients) == people  # each email exactly once
    assert waited <= 5  # the next attempt, 64 minutes after the first
    assert OutboxEmail.objects.filter(status=Status.SENT, attempts=6).count() == len(people)


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_accepts_and_says_nothing_costs_one_attempt(client):
    """Not refused but silent (a hung server, a firewall that swallows packets): the
    attempt gives up after EMAIL_TIMEOUT instead of holding the worker and the row."""
    assert settings.EMAIL_TIMEOUT == 30  # the default of production
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections are accepted by the kernel, and never answered
        smtp = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": silent.getsockname()[1]}
        smtp["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
        with override_settings(**smtp, EMAIL_TIMEOUT=1):
            started = time.monotonic()
            form = {"kind": "access", "email": "quiet@example.org", "details": ""}
            assert client.post("/privacy/requests/new/", form).status_code == 200
            took = time.monotonic() - started

    email = OutboxEmail.objects.get()
    # smtplib reports the greeting that never came as a disconnection.
    assert (email.status, email.attempts) == (Status.PENDING, 1)
    assert email.last_error == "SMTPServerDisconnected"
    assert took < 5
