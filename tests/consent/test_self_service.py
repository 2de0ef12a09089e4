"""A person manages their consents from a signed link, without an account."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentRecord, Suppression
from consent.tokens import self_service_token_make
from tests.factories import EnrolmentFactory, TraineeFactory
from training.models import SensitiveNeeds
from training.sensitive_needs import sensitive_needs_record

pytestmark = pytest.mark.django_db
P = ConsentRecord.Purpose
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def trainee_with_needs(db):
    trainee = TraineeFactory(email="alice@example.org")
    enrolment = EnrolmentFactory(trainee=trainee)
    sensitive_needs_record(
        enrolment=enrolment,
        food_allergies="Arachides",
        allergies_consent=True,
        disability_adaptations="Fauteuil",
        disability_consent=True,
        now=timezone.now(),
    )
    return trainee


def page_url(email="alice@example.org"):
    return reverse("consent:manage", args=[self_service_token_make(email=email)])


def test_the_page_shows_each_purpose_of_the_person_and_its_state(client, trainee_with_needs):
    html = client.get(page_url(), **EN).content.decode()

    for label in (
        "Food allergy data",
        "Disability data",
        "Our offers of similar training",
        "Offers from our French subsidiaries",
        "Newsletter",
    ):
        assert label in html
    assert "market studies" not in html  # not a client contact
    assert html.count("Withdraw my consent") == 2  # allergies and disability
    assert html.count("I agree") == 2  # subsidiaries' offers and the newsletter, not agreed yet


@pytest.mark.policy("S6")
def test_withdrawing_allergy_consent_deletes_the_data_in_the_same_request(
    client, trainee_with_needs
):
    response = client.post(
        page_url(), {"purpose": P.ALLERGY_DATA, "action": "withdraw"}, follow=True, **EN
    )

    needs = SensitiveNeeds.objects.get()
    assert needs.food_allergies is None and needs.allergies_consent_at is None
    assert needs.disability_adaptations == "Fauteuil"
    assert "the data that rested on it has been deleted" in response.content.decode()
    latest = ConsentRecord.objects.filter(purpose=P.ALLERGY_DATA).latest("pk")
    assert (latest.action, latest.channel) == ("withdrawn", "self_service")


@pytest.mark.policy("S6")
def test_withdrawing_both_consents_leaves_no_sensitive_record(client, trainee_with_needs):
    client.post(page_url(), {"purpose": P.ALLERGY_DATA, "action": "withdraw"})
    client.post(page_url(), {"purpose": P.DISABILITY_DATA, "action": "withdraw"})

    assert not SensitiveNeeds.objects.exists()


@pytest.mark.policy("P3")
@pytest.mark.policy("G4")
def test_objecting_to_offers_in_one_click_and_lifting_it(client, trainee_with_needs):
    client.post(page_url(), {"purpose": P.TRAINEE_OFFERS, "action": "withdraw"})
    assert Suppression.objects.filter(purpose=P.TRAINEE_OFFERS).count() == 1
    assert "No (you objected)" in client.get(page_url(), **EN).content.decode()

    client.post(page_url(), {"purpose": P.TRAINEE_OFFERS, "action": "give"})

    assert not Suppression.objects.exists()
    assert "You did not object" in client.get(page_url(), **EN).content.decode()


def test_sensitive_consent_cannot_be_given_without_the_data(client, trainee_with_needs):
    response = client.post(page_url(), {"purpose": P.ALLERGY_DATA, "action": "give"})

    assert response.status_code == 400
    assert "vous pouvez seulement le retirer" in response.content.decode()


def test_a_crafted_choice_is_refused_in_the_persons_language(client, trainee_with_needs):
    response = client.post(
        page_url(), {"purpose": "everything", "action": "give"}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 400
    assert "Cette page ne propose pas ce choix" in response.content.decode()


def test_a_tampered_link_gets_a_page_offering_a_fresh_one(client, db):
    token = self_service_token_make(email="alice@example.org")

    response = client.get(reverse("consent:manage", args=[token[:-3] + "abc"]), **EN)

    assert response.status_code == 400
    assert "Link invalid or expired" in response.content.decode()
    assert 'action="/my-data/new-link/"' in response.content.decode()


def test_an_expired_link_gets_the_same_page(client, db, settings):
    with time_machine.travel(
        timezone.now() - datetime.timedelta(days=settings.SELF_SERVICE_LINK_DAYS + 1)
    ):
        old = page_url()

    assert client.get(old).status_code == 400


def test_asking_for_a_link_never_reveals_whether_the_address_is_known(
    client, trainee_with_needs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        known = client.post(reverse("consent:request"), {"email": "alice@example.org"}, **EN)
        unknown = client.post(reverse("consent:request"), {"email": "nobody@example.org"}, **EN)

    def visible(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert known.status_code == unknown.status_code == 200
    assert "If we hold data about this address" in visible(known)
    assert visible(known).split("<main")[1] == visible(unknown).split("<main")[1]
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    link = mail.outbox[0].body.split("http://testserver")[1].split()[0]
    assert client.get(link).status_code == 200


def test_asking_for_links_is_throttled(client, db, settings):
    settings.REGISTRATION_SUBMISSIONS_PER_HOUR = 2
    for _ in range(2):
        client.post(reverse("consent:request"), {"email": "x@example.org"})

    assert client.post(reverse("consent:request"), {"email": "x@example.org"}).status_code == 429
