"""Staff in the admin: pickers that tell records apart, no enrolment or sensitive data on
an ended session, and consent shown as the fact it is on a read-only page."""

import datetime
import json

import pytest
from django.utils import timezone

from tests.conftest import _staff
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from training.models import Enrolment, SensitiveNeeds

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def autocomplete(client, model: str, field: str, term: str = "") -> list[str]:
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "training", "model_name": "enrolment", "field_name": field, "term": term},
    )
    assert response.status_code == 200, model
    return [result["text"] for result in json.loads(response.content)["results"]]


def test_the_trainee_picker_shows_the_address_beside_the_name(admin_client):
    TraineeFactory(surname="Moreau", first_name="Léa", email="lea.moreau@example.org")
    TraineeFactory(surname="Moreau", first_name="Léa", email="l.moreau@example.com")

    texts = autocomplete(admin_client, "trainee", "trainee", "Moreau")

    assert len(texts) == 2
    assert any(text.endswith("(lea.moreau@example.org)") for text in texts)
    assert any(text.endswith("(l.moreau@example.com)") for text in texts)


def test_the_session_picker_lists_upcoming_sessions_first(admin_client):
    past = SessionFactory(start_date=days(-60), end_date=days(-58), location="Lille")
    later = SessionFactory(start_date=days(40), end_date=days(41), location="Nantes")
    soon = SessionFactory(start_date=days(5), end_date=days(6), location="Brest")

    texts = autocomplete(admin_client, "session", "session")

    assert texts == [str(soon), str(later), str(past)]


def test_no_new_enrolment_on_an_ended_session(admin_client):
    ended = SessionFactory(start_date=days(-60), end_date=days(-58))
    trainee = TraineeFactory()

    response = admin_client.post(
        "/admin/training/enrolment/add/",
        {
            "trainee": trainee.pk,
            "session": ended.pk,
            "source": "self",
            "funding": "self",
            "status": "confirmed",
            "sensitive_needs-TOTAL_FORMS": "1",
            "sensitive_needs-INITIAL_FORMS": "0",
            "sensitive_needs-0-food_allergies": "Arachides",
            "sensitive_needs-0-allergies_consent": "on",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == 200
    assert "plus aucune inscription possible" in response.content.decode()
    assert not Enrolment.objects.exists() and not SensitiveNeeds.objects.exists()


def test_the_read_only_page_says_consent_was_given_in_the_page_language(client, db):
    from django.contrib.auth.models import Group

    session = SessionFactory(meals_provided=True, start_date=days(10), end_date=days(11))
    enrolment = EnrolmentFactory(session=session)
    SensitiveNeeds.objects.create(
        enrolment=enrolment, food_allergies="Arachides", allergies_consent_at=timezone.now()
    )
    dpo = _staff("dora", "DPO")
    assert Group.objects.filter(name="DPO").exists()
    client.force_login(dpo)

    html = client.get(
        f"/admin/training/enrolment/{enrolment.pk}/change/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()

    assert "Allergies consent" not in html and "None" not in html
    assert "Le stagiaire a donné son consentement explicite" in html
    assert 'alt="True"' in html  # the admin's "yes" icon
