"""Sensitive needs in the admin, role by role: the DPO reads them (view only), logistics
reads and changes them, everyone else is refused; the audit log tells a look from a
refusal."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from tests.factories import EnrolmentFactory
from training.sensitive_needs import sensitive_needs_record

pytestmark = pytest.mark.policy("S4")


@pytest.fixture
def needs(db):
    return sensitive_needs_record(
        enrolment=EnrolmentFactory(),
        food_allergies="Arachides",
        allergies_consent=True,
        disability_adaptations="Interprète LSF",
        disability_consent=True,
        now=timezone.now(),
    )


@pytest.fixture
def mia(db) -> User:
    """Mia, of marketing: prospecting and offers, never health data."""
    user = User.objects.create_user("mia", password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name="Marketing"))
    return user


def test_the_dpo_reads_one_persons_needs_without_being_able_to_change_them(client, dpo, needs):
    client.force_login(dpo)

    page = client.get(reverse("admin:training_sensitiveneeds_change", args=[needs.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Arachides" in html and "Interprète LSF" in html
    assert 'name="food_allergies"' not in html  # read, not an input
    refused = client.post(
        reverse("admin:training_sensitiveneeds_change", args=[needs.pk]),
        {"food_allergies": "Rien", "allergies_consent": "on"},
    )
    assert refused.status_code == 403
    needs.refresh_from_db()
    assert needs.food_allergies == "Arachides"


def test_the_dpo_lists_the_needs(client, dpo, needs):
    client.force_login(dpo)

    assert client.get(reverse("admin:training_sensitiveneeds_changelist")).status_code == 200


def test_logistics_still_read_and_change_the_needs(client, bob, needs):
    client.force_login(bob)

    page = client.get(reverse("admin:training_sensitiveneeds_change", args=[needs.pk]))

    assert page.status_code == 200 and 'name="food_allergies"' in page.content.decode()


@pytest.mark.parametrize("who", ["alice", "charlie", "mia"])
def test_everyone_else_is_refused_the_needs(client, request, who, needs):
    client.force_login(request.getfixturevalue(who))

    change = client.get(reverse("admin:training_sensitiveneeds_change", args=[needs.pk]))
    listing = client.get(reverse("admin:training_sensitiveneeds_changelist"))

    assert change.status_code == listing.status_code == 403


def test_the_dpo_sees_when_consent_was_given_not_an_empty_box(client, dpo, needs):
    client.force_login(dpo)

    html = client.get(
        reverse("admin:training_sensitiveneeds_change", args=[needs.pk])
    ).content.decode()

    assert "field-allergies_consent_at" in html
    assert "field-allergies_consent " not in html and 'field-allergies_consent"' not in html


def _logged(user) -> list[tuple[str, str, str]]:
    return list(
        AuditEntry.objects.filter(actor=user)
        .order_by("pk")
        .values_list("action", "object_type", "object_id")
    )


@pytest.mark.parametrize("who", ["alice", "mia"])
def test_a_refused_look_is_logged_as_a_refusal_never_as_a_view(client, request, who, needs):
    user = request.getfixturevalue(who)
    client.force_login(user)

    client.get(reverse("admin:training_sensitiveneeds_changelist"))
    client.get(reverse("admin:training_sensitiveneeds_change", args=[needs.pk]))

    assert _logged(user) == [
        ("sensitive_refused", "training.sensitiveneeds", ""),
        ("sensitive_refused", "training.sensitiveneeds", str(needs.pk)),
    ]
    assert not AuditEntry.objects.exclude(note="").exists()


def test_a_permitted_look_is_logged_as_a_view(client, dpo, needs):
    client.force_login(dpo)

    client.get(reverse("admin:training_sensitiveneeds_changelist"))
    client.get(reverse("admin:training_sensitiveneeds_change", args=[needs.pk]))

    assert _logged(dpo) == [
        ("sensitive_listed", "training.sensitiveneeds", ""),
        ("sensitive_viewed", "training.sensitiveneeds", str(needs.pk)),
    ]


def test_a_change_the_dpo_may_not_make_is_a_refusal_and_no_view(client, dpo, needs):
    client.force_login(dpo)

    client.post(
        reverse("admin:training_sensitiveneeds_change", args=[needs.pk]),
        {"food_allergies": "Rien", "allergies_consent": "on"},
    )

    assert _logged(dpo) == [("sensitive_refused", "training.sensitiveneeds", str(needs.pk))]


def test_a_page_for_needs_that_do_not_exist_logs_no_view(client, bob, needs):
    client.force_login(bob)

    client.get(reverse("admin:training_sensitiveneeds_change", args=[needs.pk + 1000]))

    assert _logged(bob) == []


def test_an_enrolment_page_with_a_malformed_id_is_no_error_and_no_view(client, bob, needs):
    client.force_login(bob)

    response = client.get(reverse("admin:training_enrolment_change", args=["not-a-number"]))

    assert response.status_code == 302  # the admin's "does not exist" message
    assert _logged(bob) == []
