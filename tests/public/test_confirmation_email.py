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

from core.outbox import outbox_sweep
from tests.public.conftest import confirm_link
from training.models import Enrolment

pytestmark = pytest.mark.django_db(transaction=True)


def register(client, session, data, **headers):
    """Send the form, then confirm from the emailed link; the emails are in mail.outbox."""
    response = client.post(
        reverse("training:registration_form", args=[session.pk]), data, **headers
    )
    if response.status_code == 302:
        response = client.post(confirm_link(data["email"]), **headers)
    return response


def _sweep_later(minutes=10):
    """The outbox's sweeper, run as beat would some minutes from now."""
    return outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=minutes))


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
    submitted = client.post(reverse("training:registration_form", args=[session.pk]), form_data)

    assert submitted.status_code == 302
    assert mail.outbox == []  # "confirm your registration" waits in the outbox
    assert _sweep_later() == (1, 0)

    response = client.post(confirm_link(form_data["email"]))

    assert response.status_code == 200
    enrolment = Enrolment.objects.get()
    assert enrolment.confirmation == Enrolment.Confirmation.PENDING
    assert len(mail.outbox) == 1

    assert _sweep_later(minutes=20) == (1, 0)
    assert len(mail.outbox) == 2
    enrolment.refresh_from_db()
    assert enrolment.confirmation == Enrolment.Confirmation.SENT


def test_with_the_mail_server_down_the_registration_stands_and_the_email_is_retried(
    client, session, form_data, settings
):
    client.post(reverse("training:registration_form", args=[session.pk]), form_data)
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
    assert _sweep_later(minutes=30) == (1, 0)
    assert _sweep_later(minutes=60) == (0, 0)
    assert len(mail.outbox) == 1
    assert Enrolment.objects.get().confirmation == Enrolment.Confirmation.SENT


def test_an_address_the_outbox_gives_up_on_is_shown_as_failed_to_staff(
    client, session, form_data, settings
):
    client.post(reverse("training:registration_form", args=[session.pk]), form_data)
    link = confirm_link(form_data["email"])
    # The address took the confirmation link, then its server refuses our mail for good.
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    settings.REFUSED_ADDRESSES = ["alice.lambert@example.org"]
    mail.outbox.clear()

    client.post(link)

    enrolment = Enrolment.objects.get()
    assert enrolment.confirmation == Enrolment.Confirmation.FAILED
    assert enrolment.confirmation_attempts == 1
    assert mail.outbox == []


def test_a_confirmation_left_to_send_before_the_outbox_existed_is_handed_to_it(session):
    from tests.factories import EnrolmentFactory
    from training.services import enrolment_confirmations_to_outbox

    enrolment = EnrolmentFactory(session=session, confirmation=Enrolment.Confirmation.PENDING)
    Enrolment.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    grace, within = datetime.timedelta(minutes=5), datetime.timedelta(days=2)

    assert enrolment_confirmations_to_outbox(now=timezone.now(), grace=grace, within=within) == 1
    assert enrolment_confirmations_to_outbox(now=timezone.now(), grace=grace, within=within) == 0

    assert [m.to for m in mail.outbox] == [[enrolment.trainee.email]]
    enrolment.refresh_from_db()
    assert enrolment.confirmation == Enrolment.Confirmation.SENT
