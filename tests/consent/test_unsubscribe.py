"""One-click unsubscribe (RFC 8058) and the suppression list that outlives the records."""

import pytest
from django.urls import reverse

from consent.models import ConsentRecord, Suppression
from consent.selectors import communication_allowed
from consent.tokens import unsubscribe_token_make
from tests.factories import SessionFactory, TraineeFactory
from tests.public.conftest import confirm_link
from trainees.models import Trainee

pytestmark = pytest.mark.django_db
OFFERS = ConsentRecord.Purpose.TRAINEE_OFFERS


def url(email="alice@example.org", purpose=OFFERS):
    return reverse(
        "consent:unsubscribe", args=[unsubscribe_token_make(email=email, purpose=purpose)]
    )


@pytest.mark.policy("P4")
def test_a_one_click_post_unsubscribes_without_any_page(client, db):
    from django.test import Client

    mail_client = Client(enforce_csrf_checks=True)  # a mail client has no CSRF token
    response = mail_client.post(
        url(), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert response.content == b""
    assert not communication_allowed(email="alice@example.org", purpose=OFFERS)
    latest = ConsentRecord.objects.get()
    assert (latest.action, latest.channel) == ("objected", "unsubscribe_link")


@pytest.mark.policy("P4")
def test_a_get_shows_one_button_and_changes_nothing(client, db):
    page = client.get(url(), HTTP_ACCEPT_LANGUAGE="en")

    html = page.content.decode()
    assert html.count('type="submit" class="button"') == 1
    assert communication_allowed(email="alice@example.org", purpose=OFFERS)

    done = client.post(url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "you will no longer receive these emails" in done.content.decode()


def test_a_tampered_unsubscribe_link_is_refused_with_a_page(client, db):
    assert client.post(url()[:-5] + "abcd/").status_code == 400


@pytest.mark.policy("P5")
def test_suppression_survives_deletion_reimport_and_registration(
    client, db, django_capture_on_commit_callbacks
):
    client.post(
        url(), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    Trainee.objects.all().delete()
    ConsentRecord.objects.all().delete()  # as an erasure would

    TraineeFactory(email="Alice@Example.org")  # imported again
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("training:registration_form", args=[session.pk]),
            {
                "surname": "Lambert",
                "first_name": "Alice",
                "email": "alice@example.org",
                "phone": "0612345678",
                "postal_address": "Lyon",
                "registering_as": "individual",
                "occupation": "Tech",
            },
        )
    client.post(confirm_link("alice@example.org"))  # and she confirms it

    assert ConsentRecord.objects.get().action == "given"  # the form informed her again
    assert not communication_allowed(email="alice@example.org", purpose=OFFERS)


def test_the_suppression_list_holds_no_address(client, db):
    client.post(
        url(), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    row = Suppression.objects.get()
    assert "alice" not in row.address_hash and len(row.address_hash) == 64
