"""The training staff's whole flow in the admin: a client and its contacts, a course, a
session, and the client's employees enrolled on it, with their needs stored encrypted."""

import datetime

import pytest
from django.urls import reverse

from clients.models import ClientContact, Organisation
from tests.factories import EnrolmentFactory, OrganisationFactory, SessionFactory, TraineeFactory
from trainees.models import Trainee
from training.models import Course, Enrolment, SensitiveNeeds, Session


def _inline_management(prefix: str, total: int = 1, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _needs(**fields) -> dict:
    """The sensitive-needs inline of the enrolment form."""
    data = _inline_management("sensitive_needs", total=1)
    data.update({f"sensitive_needs-0-{name}": value for name, value in fields.items()})
    return data


@pytest.mark.policy("D1")
def test_staff_create_a_client_with_its_contacts(client, alice):
    client.force_login(alice)

    response = client.post(
        reverse("admin:clients_organisation_add"),
        {
            "name": "Acme Industrie",
            "registration_number": "552 100 554",
            "address": "12 avenue des Usines, Lyon",
            "relationship": "active",
            "last_contact_on": "2026-11-01",
            **_inline_management("contacts", total=1),
            "contacts-0-surname": "Durand",
            "contacts-0-first_name": "Claire",
            "contacts-0-email": "claire.durand@acme.example",
            "contacts-0-job_title": "Responsable formation",
            "contacts-0-department": "training",
            "contacts-0-phone": "+33 4 72 00 00 01",
            "contacts-0-language": "fr",
        },
    )

    assert response.status_code == 302, response.context["adminform"].errors
    contact = ClientContact.objects.get()
    assert contact.organisation.name == "Acme Industrie"
    assert contact.department == ClientContact.Department.TRAINING


def test_an_ended_relationship_without_its_date_is_refused_with_a_message(client, alice):
    client.force_login(alice)

    response = client.post(
        reverse("admin:clients_organisation_add"),
        {
            "name": "Ancienne",
            "registration_number": "552100554",
            "address": "Lille",
            "relationship": "ended",
            **_inline_management("contacts", total=0),
        },
    )

    assert response.status_code == 200
    assert "Une relation terminée doit avoir sa date de fin" in response.content.decode()
    assert not Organisation.objects.exists()


def test_staff_create_a_course_and_a_session(client, alice):
    client.force_login(alice)
    client.post(
        reverse("admin:training_course_add"),
        {
            "code": "SST",
            "title": "Sauveteur secouriste",
            "duration_hours": "14",
            "price": "0",
            "nature": "training",
        },
    )
    course = Course.objects.get()

    response = client.post(
        reverse("admin:training_session_add"),
        {
            "course": course.pk,
            "start_date": "2027-03-10",
            "end_date": "2027-03-11",
            "location": "Lyon",
            "format": "in_person",
            "capacity": "12",
            "trainer": "",
            "meals_provided": "on",
            **_inline_management("enrolments", total=0),
        },
    )

    assert response.status_code == 302
    assert Session.objects.get().meals_provided is True


def test_a_session_ending_before_it_starts_is_refused_with_a_message(client, alice):
    client.force_login(alice)
    course = Course.objects.create(code="SST", title="SST", duration_hours=14)

    response = client.post(
        reverse("admin:training_session_add"),
        {
            "course": course.pk,
            "start_date": "2027-03-10",
            "end_date": "2027-03-09",
            "location": "Lyon",
            "format": "in_person",
            "capacity": "12",
            **_inline_management("enrolments", total=0),
        },
    )

    assert response.status_code == 200
    assert (
        "Une session ne peut pas se terminer avant d&#x27;avoir commencé."
        in response.content.decode()
    )
    assert not Session.objects.exists()


@pytest.mark.policy("R1")
@pytest.mark.policy("S3")
def test_staff_enrol_an_employee_with_needs_stored_encrypted(client, bob):
    client.force_login(bob)
    acme = OrganisationFactory(name="Acme")
    employee = TraineeFactory(employer=acme)
    session = SessionFactory(meals_provided=True)

    response = client.post(
        reverse("admin:training_enrolment_add"),
        {
            "trainee": employee.pk,
            "session": session.pk,
            "source": "employer",
            "funding": "employer",
            "client": acme.pk,
            "status": "confirmed",
            **_needs(food_allergies="Arachides", allergies_consent="on", disability_adaptations=""),
        },
    )

    assert response.status_code == 302, response.context["adminform"].errors
    enrolment = Enrolment.objects.get()
    assert enrolment.role == Enrolment.Role.PROCESSOR
    assert enrolment.client == acme
    assert enrolment.sensitive_needs.food_allergies == "Arachides"
    assert enrolment.sensitive_needs.allergies_consent_at is not None


@pytest.mark.policy("S2")
def test_needs_without_consent_are_refused_next_to_the_field_and_nothing_is_stored(client, bob):
    client.force_login(bob)
    session = SessionFactory(meals_provided=True)
    trainee = TraineeFactory()

    response = client.post(
        reverse("admin:training_enrolment_add"),
        {
            "trainee": trainee.pk,
            "session": session.pk,
            "source": "self",
            "funding": "self",
            "status": "pending",
            **_needs(food_allergies="", disability_adaptations="Fauteuil roulant"),
        },
    )

    assert response.status_code == 200
    formset_errors = response.context["inline_admin_formsets"][0].formset.errors
    assert "disability_adaptations" in formset_errors[0]
    assert not Enrolment.objects.exists()
    assert not SensitiveNeeds.objects.exists()


def test_enrolling_on_a_full_session_shows_why_and_stores_nothing(client, alice):
    client.force_login(alice)
    session = SessionFactory(capacity=1)
    EnrolmentFactory(session=session)

    response = client.post(
        reverse("admin:training_enrolment_add"),
        {
            "trainee": TraineeFactory().pk,
            "session": session.pk,
            "source": "self",
            "funding": "self",
            "status": "pending",
        },
    )

    assert response.status_code == 200
    assert "Cette session est complète" in response.content.decode()
    assert session.enrolments.count() == 1


def test_the_session_page_shows_seats_left_and_its_enrolments(client, alice):
    client.force_login(alice)
    session = SessionFactory(capacity=5)
    EnrolmentFactory(session=session, trainee=TraineeFactory(surname="Lambert"))
    EnrolmentFactory(session=session, status=Enrolment.Status.CANCELLED)

    listing = client.get(reverse("admin:training_session_changelist"))
    page = client.get(reverse("admin:training_session_change", args=[session.pk]))

    assert listing.context["cl"].result_list[0].seats_left == 4
    assert "Lambert" in page.content.decode()
    assert f"?session={session.pk}" in page.content.decode()


def test_trainees_are_searchable_by_name_and_email(client, alice):
    client.force_login(alice)
    TraineeFactory(surname="Lambert", email="alice.lambert@acme.example")
    TraineeFactory(surname="Garnier", email="bruno@else.example")

    by_name = client.get(reverse("admin:trainees_trainee_changelist"), {"q": "lamb"})
    by_email = client.get(reverse("admin:trainees_trainee_changelist"), {"q": "bruno@else"})

    assert [t.surname for t in by_name.context["cl"].result_list] == ["Lambert"]
    assert [t.surname for t in by_email.context["cl"].result_list] == ["Garnier"]


def test_a_second_trainee_with_the_same_email_is_refused(client, alice):
    client.force_login(alice)
    TraineeFactory(email="claire@example.org")

    response = client.post(
        reverse("admin:trainees_trainee_add"),
        {"surname": "Durand", "first_name": "Claire", "email": "CLAIRE@example.org"},
    )

    assert response.status_code == 200
    assert Trainee.objects.count() == 1


def test_enrolments_end_ready_for_the_completion_job(client, alice):
    """Staff confirm enrolments in bulk; the full-session rule still holds."""
    client.force_login(alice)
    session = SessionFactory(
        capacity=1, end_date=datetime.date(2027, 1, 2), start_date=datetime.date(2027, 1, 1)
    )
    kept = EnrolmentFactory(session=session)

    client.post(
        reverse("admin:training_enrolment_changelist"),
        {"action": "confirm_selected", "_selected_action": [kept.pk]},
    )

    kept.refresh_from_db()
    assert kept.status == Enrolment.Status.CONFIRMED
