"""Offers on the person's own page: every choice on file shows, says what it covers, and
changes in one click. Our own offers of similar training run unless the trainee objects;
our French subsidiaries' offers need a trainee's prior consent (CPCE L.34-5), while a
client contact, at a professional address, may only object (B2B, offers about their job)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentRecord, Suppression
from consent.selectors import CONTACT, TRAINEE, communication_allowed
from consent.self_service import object_to_marketing
from consent.services import consent_record
from consent.tokens import self_service_token_make
from tests.factories import ClientContactFactory, EnrolmentFactory, TraineeFactory

pytestmark = pytest.mark.django_db
P, A, C = ConsentRecord.Purpose, ConsentRecord.Action, ConsentRecord.Channel
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


@pytest.fixture
def hana(db):
    """Hana registered herself and ticked the box for our subsidiaries' offers."""
    hana = TraineeFactory(email="hana@example.org")
    EnrolmentFactory(trainee=hana)
    for purpose in (P.TRAINEE_OFFERS, P.SUBSIDIARY_OFFERS):
        consent_record(
            email=hana.email,
            purpose=purpose,
            action=A.GIVEN,
            channel=C.REGISTRATION_FORM,
            at=timezone.now(),
        )
    return hana


@pytest.fixture
def ivan(db):
    """Ivan, the training manager of a client company: a professional address."""
    return ClientContactFactory(email="ivan@client.example")


def page_url(email):
    return reverse("consent:manage", args=[self_service_token_make(email=email)])


def row(html: str, label: str) -> str:
    """The table row of one purpose, from its label to the end of the row."""
    start = html.index(label)
    return html[start : html.index("</tr>", start)]


@pytest.mark.policy("P3")
def test_a_trainee_sees_and_withdraws_the_subsidiary_consent_given_at_registration(client, hana):
    line = row(client.get(page_url(hana.email), **EN).content.decode(), "Offers from our French")
    assert "You agreed" in line and "Withdraw my consent" in line
    assert "only if you agree" in line

    client.post(page_url(hana.email), {"purpose": P.SUBSIDIARY_OFFERS, "action": "withdraw"})

    latest = ConsentRecord.objects.filter(purpose=P.SUBSIDIARY_OFFERS).latest("pk")
    assert (latest.action, latest.channel) == (A.WITHDRAWN, C.SELF_SERVICE)
    assert Suppression.objects.filter(purpose=P.SUBSIDIARY_OFFERS).exists()
    assert not communication_allowed(email=hana.email, purpose=P.SUBSIDIARY_OFFERS, kind=TRAINEE)
    # Our own offers are a separate choice: still on.
    assert communication_allowed(email=hana.email, purpose=P.TRAINEE_OFFERS, kind=TRAINEE)
    line = row(client.get(page_url(hana.email), **EN).content.decode(), "Offers from our French")
    assert "No (no consent)" in line and "I agree" in line


@pytest.mark.policy("P3")
def test_a_trainee_who_never_agreed_can_give_the_subsidiary_consent_on_the_page(client, db):
    june = TraineeFactory(email="june@example.org")
    EnrolmentFactory(trainee=june)
    assert not communication_allowed(email=june.email, purpose=P.SUBSIDIARY_OFFERS)

    line = row(client.get(page_url(june.email), **EN).content.decode(), "Offers from our French")
    assert "No (no consent)" in line
    client.post(page_url(june.email), {"purpose": P.SUBSIDIARY_OFFERS, "action": "give"})

    assert communication_allowed(email=june.email, purpose=P.SUBSIDIARY_OFFERS, kind=TRAINEE)
    record = ConsentRecord.objects.get(purpose=P.SUBSIDIARY_OFFERS)
    assert (record.action, record.channel) == (A.GIVEN, C.SELF_SERVICE)


@pytest.mark.policy("P3")
@pytest.mark.policy("G4")
@pytest.mark.policy("P5")
def test_stopping_every_offer_also_withdraws_the_subsidiary_consent_and_the_newsletter(
    client, hana
):
    consent_record(
        email=hana.email,
        purpose=P.NEWSLETTER,
        action=A.GIVEN,
        channel=C.SELF_SERVICE,
        at=timezone.now(),
    )

    response = client.post(page_url(hana.email), {"action": "object_all"}, follow=True, **EN)

    for purpose in (P.TRAINEE_OFFERS, P.SUBSIDIARY_OFFERS, P.NEWSLETTER):
        assert not communication_allowed(email=hana.email, purpose=purpose, kind=TRAINEE)
        assert Suppression.objects.filter(purpose=purpose).exists()
    latest = {r.purpose: r.action for r in ConsentRecord.objects.order_by("at", "pk")}
    assert latest[P.SUBSIDIARY_OFFERS] == latest[P.NEWSLETTER] == A.WITHDRAWN
    assert latest[P.TRAINEE_OFFERS] == A.OBJECTED
    html = response.content.decode()
    assert "no more offers (ours or our subsidiaries') and no newsletter" in html
    assert "You agreed" not in html and "You did not object" not in html


@pytest.mark.policy("G4")
@pytest.mark.policy("P3")
def test_an_objection_recorded_by_the_dpo_withdraws_the_subsidiary_consent(hana):
    object_to_marketing(email=hana.email, now=timezone.now())

    assert not communication_allowed(email=hana.email, purpose=P.SUBSIDIARY_OFFERS)
    assert not communication_allowed(email=hana.email, purpose=P.NEWSLETTER)


@pytest.mark.policy("P2")
def test_a_client_contact_may_object_to_subsidiary_offers_about_their_job(client, ivan):
    html = client.get(page_url(ivan.email), **EN).content.decode()
    line = row(html, "Offers from our French")
    assert "You did not object" in line and "Object" in line
    assert "related to your job" in line and "professional address" in line
    assert "Our offers, market studies and statistics" in html
    assert "Our offers of similar training" not in html  # not a trainee
    assert communication_allowed(email=ivan.email, purpose=P.SUBSIDIARY_OFFERS, kind=CONTACT)

    client.post(page_url(ivan.email), {"purpose": P.SUBSIDIARY_OFFERS, "action": "withdraw"})

    record = ConsentRecord.objects.get(purpose=P.SUBSIDIARY_OFFERS)
    assert record.action == A.OBJECTED
    assert not communication_allowed(email=ivan.email, purpose=P.SUBSIDIARY_OFFERS, kind=CONTACT)
    line = row(client.get(page_url(ivan.email), **EN).content.decode(), "Offers from our French")
    assert "No (you objected)" in line and "Lift my objection" in line


@pytest.mark.policy("P3")
@pytest.mark.policy("F1")
def test_each_label_says_exactly_what_it_covers_in_both_languages(client, hana):
    english = client.get(page_url(hana.email), **EN).content.decode()
    french = client.get(page_url(hana.email), **FR).content.decode()

    # Our offers no longer claim to cover the subsidiaries': those are their own line.
    assert "Our offers of similar training" in english
    assert "Nos offres de formations similaires" in french
    assert "subsidiaries" not in row(english, "Our offers of similar training").split("<p")[0]
    assert "Offres de nos filiales françaises" in french
    assert "Nos actualités et événements, par e-mail : seulement si vous l&#x27;acceptez." in french
    assert "Ne plus recevoir aucune offre ni la lettre d'information" in french
