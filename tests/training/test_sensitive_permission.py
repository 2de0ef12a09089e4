"""Only staff holding the sensitive-needs permission see allergy and disability data,
or even that it exists."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import EnrolmentFactory
from training.sensitive_needs import sensitive_needs_record

pytestmark = pytest.mark.policy("S4")


@pytest.fixture
def needs(db):
    enrolment = EnrolmentFactory()
    return sensitive_needs_record(
        enrolment=enrolment,
        food_allergies="Arachides",
        allergies_consent=True,
        disability_adaptations="Interprète LSF",
        disability_consent=True,
        now=timezone.now(),
    )


def test_training_staff_see_neither_the_values_nor_their_existence(client, alice, needs):
    client.force_login(alice)

    listing = client.get(reverse("admin:training_enrolment_changelist"))
    page = client.get(reverse("admin:training_enrolment_change", args=[needs.enrolment_id]))
    direct = client.get(reverse("admin:training_sensitiveneeds_change", args=[needs.pk]))
    index = client.get(reverse("admin:index"))

    assert listing.status_code == page.status_code == 200
    for response in (listing, page, index):
        html = response.content.decode()
        assert "Arachides" not in html
        assert "LSF" not in html
        assert "sensitive" not in html.lower()
        assert "sensibles" not in html.lower()
    assert direct.status_code == 403


def test_logistics_see_the_needs_on_the_enrolment_and_in_the_list(client, bob, needs):
    client.force_login(bob)

    listing = client.get(reverse("admin:training_enrolment_changelist"))
    page = client.get(reverse("admin:training_enrolment_change", args=[needs.enrolment_id]))
    detail = client.get(reverse("admin:training_sensitiveneeds_change", args=[needs.pk]))

    assert "has_sensitive_needs" in listing.context["cl"].list_display
    assert "Arachides" in page.content.decode()
    assert "Interprète LSF" in detail.content.decode()


def test_staff_without_any_group_see_nothing(client, charlie, needs):
    client.force_login(charlie)

    assert client.get(reverse("admin:training_enrolment_changelist")).status_code == 403
    assert client.get(reverse("admin:training_sensitiveneeds_changelist")).status_code == 403
