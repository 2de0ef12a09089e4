"""What staff can and cannot do to sessions and enrolments in the admin, and what the
database keeps true whatever they do."""

import pytest
from django.urls import reverse

from clients.models import Organisation
from tests.factories import EnrolmentFactory, OrganisationFactory, SessionFactory, TraineeFactory
from training.models import Enrolment, SensitiveNeeds
from training.sensitive_needs import sensitive_needs_record

NO_NEEDS = {"sensitive_needs-TOTAL_FORMS": "0", "sensitive_needs-INITIAL_FORMS": "0"}


def _session_form(session, **changes) -> dict:
    data = {
        "course": session.course_id,
        "start_date": session.start_date.isoformat(),
        "end_date": session.end_date.isoformat(),
        "location": session.location,
        "format": session.format,
        "capacity": str(session.capacity),
        "trainer": session.trainer_id or "",
        "enrolments-TOTAL_FORMS": "0",
        "enrolments-INITIAL_FORMS": "0",
        "enrolments-MIN_NUM_FORMS": "0",
        "enrolments-MAX_NUM_FORMS": "1000",
    }
    if session.meals_provided:
        data["meals_provided"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _needs(enrolment, allergies="Arachides", disability=""):
    from django.utils import timezone

    return sensitive_needs_record(
        enrolment=enrolment,
        food_allergies=allergies,
        allergies_consent=bool(allergies),
        disability_adaptations=disability,
        disability_consent=bool(disability),
        now=timezone.now(),
    )


@pytest.mark.policy("S1")
def test_a_session_that_stops_providing_meals_loses_its_allergy_data(client, alice):
    client.force_login(alice)
    session = SessionFactory(meals_provided=True)
    with_both = _needs(EnrolmentFactory(session=session), disability="Fauteuil")
    other_session = _needs(EnrolmentFactory())

    response = client.post(
        reverse("admin:training_session_change", args=[session.pk]),
        _session_form(session, meals_provided=None),
        follow=True,
    )

    assert (
        "les allergies alimentaires de 1 stagiaire ont été supprimées" in response.content.decode()
    )
    with_both.refresh_from_db()
    other_session.refresh_from_db()
    assert with_both.food_allergies is None and with_both.allergies_consent_at is None
    assert with_both.disability_adaptations == "Fauteuil"
    assert other_session.food_allergies == "Arachides"


def test_capacity_cannot_fall_below_the_seats_taken(client, alice):
    client.force_login(alice)
    session = SessionFactory(capacity=3)
    EnrolmentFactory.create_batch(2, session=session)

    response = client.post(
        reverse("admin:training_session_change", args=[session.pk]),
        _session_form(session, capacity="1"),
    )

    assert response.status_code == 200
    assert "2 places sont déjà prises" in response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 3


def test_a_cancelled_trainee_can_be_enrolled_again(client, alice):
    client.force_login(alice)
    cancelled = EnrolmentFactory(status=Enrolment.Status.CANCELLED)

    response = client.post(
        reverse("admin:training_enrolment_add"),
        {
            "trainee": cancelled.trainee_id,
            "session": cancelled.session_id,
            "source": "self",
            "funding": "self",
            "status": "confirmed",
            **NO_NEEDS,
        },
    )

    assert response.status_code == 302
    cancelled.refresh_from_db()
    assert cancelled.status == Enrolment.Status.CONFIRMED
    assert Enrolment.objects.count() == 1


def test_a_duplicate_enrolment_is_refused_once_with_a_clear_message(client, alice):
    client.force_login(alice)
    existing = EnrolmentFactory()

    response = client.post(
        reverse("admin:training_enrolment_add"),
        {
            "trainee": existing.trainee_id,
            "session": existing.session_id,
            "source": "self",
            "funding": "self",
            "status": "pending",
        },
    )

    assert response.content.decode().count("Ce stagiaire est déjà inscrit à cette session.") == 1


@pytest.mark.policy("R1")
def test_staff_correct_who_registered_the_trainee_and_the_role_follows(client, alice):
    client.force_login(alice)
    enrolment = EnrolmentFactory()
    acme = OrganisationFactory()

    client.post(
        reverse("admin:training_enrolment_change", args=[enrolment.pk]),
        {
            "source": "employer",
            "funding": "employer",
            "client": acme.pk,
            "status": enrolment.status,
        },
    )

    enrolment.refresh_from_db()
    assert enrolment.client == acme
    assert enrolment.role == Enrolment.Role.PROCESSOR


def test_enrolments_are_cancelled_never_deleted_in_the_admin(client, alice):
    client.force_login(alice)
    enrolment = EnrolmentFactory()

    response = client.get(reverse("admin:training_enrolment_delete", args=[enrolment.pk]))

    assert response.status_code == 403
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()


def test_one_company_cannot_be_entered_twice_by_spacing_its_number(client, alice):
    client.force_login(alice)
    OrganisationFactory(registration_number="732829320")

    response = client.post(
        reverse("admin:clients_organisation_add"),
        {
            "name": "Doublon",
            "registration_number": "732 829 320",
            "address": "Paris",
            "relationship": "prospect",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert Organisation.objects.count() == 1


@pytest.mark.policy("S4")
def test_training_staff_cannot_filter_enrolments_by_their_needs(client, alice):
    client.force_login(alice)
    _needs(EnrolmentFactory(trainee=TraineeFactory(surname="Lambert")))
    EnrolmentFactory(trainee=TraineeFactory(surname="Garnier"))

    response = client.get(
        reverse("admin:training_enrolment_changelist"), {"sensitive_needs__isnull": "False"}
    )

    assert response.status_code == 400
    assert "Lambert" not in response.content.decode()


@pytest.mark.policy("S4")
def test_training_staff_enter_needs_with_a_new_enrolment_but_never_see_them_again(client, alice):
    client.force_login(alice)
    session = SessionFactory(meals_provided=True)

    client.post(
        reverse("admin:training_enrolment_add"),
        {
            "trainee": TraineeFactory().pk,
            "session": session.pk,
            "source": "self",
            "funding": "self",
            "status": "pending",
            "sensitive_needs-TOTAL_FORMS": "1",
            "sensitive_needs-INITIAL_FORMS": "0",
            "sensitive_needs-0-food_allergies": "Arachides",
            "sensitive_needs-0-allergies_consent": "on",
        },
    )
    needs = SensitiveNeeds.objects.get()
    page = client.get(reverse("admin:training_enrolment_change", args=[needs.enrolment_id]))
    index = client.get(reverse("admin:index"))

    assert needs.food_allergies == "Arachides"
    assert "Arachides" not in page.content.decode()
    assert "sensitive_needs" not in page.content.decode()
    assert "sensibles" not in index.content.decode().lower()


@pytest.mark.policy("S4")
def test_logistics_correct_needs_on_their_own_page(client, bob):
    client.force_login(bob)
    needs = _needs(EnrolmentFactory(), allergies="Arachides")

    client.post(
        reverse("admin:training_sensitiveneeds_change", args=[needs.pk]),
        {
            "food_allergies": "Arachides, sésame",
            "allergies_consent": "on",
            "disability_adaptations": "",
        },
    )

    needs.refresh_from_db()
    assert needs.food_allergies == "Arachides, sésame"


def test_logistics_do_not_change_enrolments(client, bob):
    from django.contrib.auth.models import Group

    logistics = Group.objects.get(name="Accès données sensibles (logistique)")

    assert not logistics.permissions.filter(codename="change_enrolment").exists()
