"""The confirmation email: sent once the registration is confirmed from the emailed link
and committed, in the trainee's language, and never lost when the broker or the mail
server is down."""

import datetime
import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from tests.public.conftest import confirm_link
from training.models import Enrolment
from training.services import enrolment_confirmations_send_pending

pytestmark = pytest.mark.django_db(transaction=True)


def register(client, session, data, **headers):
    """Send the form, then confirm from the emailed link; the emails are in mail.outbox."""
    response = client.post(reverse("trainees:register", args=[session.pk]), data, **headers)
    if response.status_code == 302:
        response = client.post(confirm_link(data["email"]), **headers)
    return response


@pytest.fixture
def dead_broker():
    """A broker nobody listens on: publishing fails with a real connection error."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False
    app.amqp._producer_pool = app._pool = None  # forget connections to the real broker
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    app.amqp._producer_pool = app._pool = None


def _sweep_later():
    later = timezone.now() + datetime.timedelta(minutes=10)
    return enrolment_confirmations_send_pending(now=later, grace=datetime.timedelta(minutes=5))


@pytest.mark.policy("F1")
def test_the_confirmation_goes_out_in_french_with_text_and_html(client, session, form_data):
    register(client, session, form_data)

    confirm_your_registration, message = mail.outbox
    assert "/register/confirm/" in confirm_your_registration.body
    html = message.alternatives[0][0]
    assert message.to == ["alice.lambert@example.org"]
    assert message.subject.startswith("Votre inscription : Sauveteur secouriste du travail")
    assert "Bonjour Alice," in message.body
    assert "Lyon" in message.body and "Nadia Benali" in message.body
    assert "Les repas sont fournis." in message.body
    assert "Ce qui va se passer" in message.body
    assert "Bonjour Alice," in html
    assert Enrolment.objects.get().confirmation == Enrolment.Confirmation.SENT


@pytest.mark.policy("F1")
def test_an_english_speaker_gets_it_in_english(client, session, form_data):
    register(client, session, form_data, HTTP_ACCEPT_LANGUAGE="en")

    message = mail.outbox[-1]
    assert message.subject.startswith("Your registration: Sauveteur secouriste du travail")
    assert "Hello Alice," in message.body
    assert "Hello Alice," in message.alternatives[0][0]


@pytest.mark.policy("G8")
def test_it_links_to_the_privacy_policy_and_a_signed_page_to_manage_consents(
    client, session, form_data
):
    form_data.update(no_offers="on")
    register(client, session, form_data, HTTP_ACCEPT_LANGUAGE="en")

    body = mail.outbox[-1].body
    privacy, manage = re.findall(r"http://testserver\S+", body)
    assert privacy == "http://testserver" + reverse("consent:privacy")
    manage_path = urlparse(manage).path
    assert "alice" not in manage_path.lower()  # the token is opaque
    page = client.get(manage_path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "No (you objected)" in page.content.decode()
    tampered = client.get(manage_path[:-3] + "xyz/", HTTP_ACCEPT_LANGUAGE="en")
    assert tampered.status_code == 400


def test_the_email_leaves_only_after_the_registration_is_committed(client, session, form_data):
    form_data.update(email="not-an-email")

    register(client, session, form_data)

    assert mail.outbox == []


def test_with_the_broker_down_the_registration_stands_and_the_email_follows_later(
    client, session, form_data, dead_broker
):
    response = register(client, session, form_data)

    assert response.status_code == 200
    enrolment = Enrolment.objects.get()
    assert enrolment.confirmation == Enrolment.Confirmation.PENDING
    assert len(mail.outbox) == 1  # "confirm your registration" only

    assert _sweep_later() == (1, 0)
    assert len(mail.outbox) == 2
    enrolment.refresh_from_db()
    assert enrolment.confirmation == Enrolment.Confirmation.SENT


def test_with_the_mail_server_down_the_registration_stands_and_the_email_is_retried(
    client, session, form_data, settings
):
    client.post(reverse("trainees:register", args=[session.pk]), form_data)
    link = confirm_link(form_data["email"])
    mail.outbox.clear()
    # Now SMTP on a port nobody listens on: sending fails with a real connection error.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2

    response = client.post(link)

    assert response.status_code == 200
    assert Enrolment.objects.get().confirmation == Enrolment.Confirmation.PENDING
    assert _sweep_later() == (0, 1)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert _sweep_later() == (1, 0)
    assert _sweep_later() == (0, 0)
    assert len(mail.outbox) == 1


def test_addresses_that_keep_failing_do_not_hold_back_the_others(session, settings):
    from smtplib import SMTPRecipientsRefused

    from tests.factories import EnrolmentFactory, TraineeFactory
    from training import services

    created = timezone.now() - datetime.timedelta(hours=1)
    bad = [
        EnrolmentFactory(
            session=session,
            trainee=TraineeFactory(email=f"bad{n}@example.org"),
            confirmation=Enrolment.Confirmation.PENDING,
        )
        for n in range(3)
    ]
    good = EnrolmentFactory(session=session, confirmation=Enrolment.Confirmation.PENDING)
    Enrolment.objects.update(created_at=created)
    original = services.enrolment_confirmation_send

    def refusing_bad_addresses(*, enrolment_id, now):
        if enrolment_id in {e.pk for e in bad}:
            raise SMTPRecipientsRefused({"bad@example.org": (550, b"no such user")})
        return original(enrolment_id=enrolment_id, now=now)

    services.enrolment_confirmation_send = refusing_bad_addresses
    try:
        services.enrolment_confirmations_send_pending(
            now=timezone.now(), grace=datetime.timedelta(minutes=5), batch_size=3
        )
        sent, failed = services.enrolment_confirmations_send_pending(
            now=timezone.now(), grace=datetime.timedelta(minutes=5), batch_size=3
        )
        good.refresh_from_db()
        assert good.confirmation == Enrolment.Confirmation.SENT

        Enrolment.objects.filter(pk__in=[e.pk for e in bad]).update(
            confirmation_attempts=services.CONFIRMATION_MAX_ATTEMPTS - 1
        )
        services.enrolment_confirmations_send_pending(
            now=timezone.now(), grace=datetime.timedelta(minutes=5)
        )
    finally:
        services.enrolment_confirmation_send = original
    statuses = set(
        Enrolment.objects.filter(pk__in=[e.pk for e in bad]).values_list("confirmation", flat=True)
    )
    assert statuses == {Enrolment.Confirmation.FAILED}
