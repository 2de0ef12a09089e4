"""In a real Chromium, a member of the training staff does the whole admin flow: a client
and its contact, a course, a session, an employee enrolled with an allergy stored encrypted."""

import re

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from clients.models import ClientContact
from tests.browser.staff_sign_in import first_sign_in
from training.models import Enrolment, SensitiveNeeds

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page: Page, field_id: str, text: str) -> None:
    """Pick a value in one of the admin's autocomplete (select2) fields."""
    page.locator(f"#{field_id} + .select2").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def save(page: Page) -> None:
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


@pytest.mark.policy("S3")
@pytest.mark.policy("R1")
def test_staff_register_a_client_employee_with_needs(page: Page, live_server, bob):
    admin = f"{live_server.url}/admin"
    first_sign_in(page, live_server.url, "bob", "pw-bob")

    page.goto(f"{admin}/clients/organisation/add/")
    page.get_by_label("Raison sociale :").fill("Acme Industrie")
    page.get_by_label("Numéro d'immatriculation :").fill("55210055400013")
    page.get_by_label("Adresse :").fill("12 avenue des Usines, 69007 Lyon")
    page.get_by_label("Relation commerciale :").select_option("active")
    page.get_by_text("Ajouter un objet Contact client supplémentaire").click()
    page.locator("#id_contacts-0-surname").fill("Durand")
    page.locator("#id_contacts-0-first_name").fill("Claire")
    page.locator("#id_contacts-0-email").fill("claire.durand@acme.example")
    page.locator("#id_contacts-0-department").select_option("hr")
    save(page)

    page.goto(f"{admin}/training/course/add/")
    page.get_by_label("Code :").fill("SST")
    page.get_by_label("Intitulé :").fill("Sauveteur secouriste du travail")
    page.get_by_label("Durée (heures) :").fill("14")
    save(page)

    page.goto(f"{admin}/training/session/add/")
    choose(page, "id_course", "SST")
    page.get_by_label("Date de début :").fill("10/03/2099")
    page.get_by_label("Date de fin :").fill("11/03/2099")
    page.get_by_label("Lieu :").fill("Lyon")
    page.get_by_label("Capacité :").fill("8")
    page.get_by_label("Repas fournis").check()
    save(page)

    page.goto(f"{admin}/trainees/trainee/add/")
    page.get_by_label("Nom :", exact=True).fill("Lambert")
    page.get_by_label("Prénom :").fill("Alice")
    page.get_by_label("E-mail :").fill("alice.lambert@acme.example")
    choose(page, "id_employer", "Acme")
    save(page)

    page.goto(f"{admin}/training/session/")
    page.get_by_role("link", name=re.compile("SST")).first.click()
    page.get_by_role("link", name="Inscrire un stagiaire à cette session").click()
    choose(page, "id_trainee", "Lambert")
    page.get_by_label("Inscrit par :").select_option("employer")
    choose(page, "id_client", "Acme")
    page.locator("#id_sensitive_needs-0-food_allergies").fill("Arachides")
    page.locator("#id_sensitive_needs-0-allergies_consent").check()
    save(page)

    enrolment = Enrolment.objects.get()
    assert enrolment.role == Enrolment.Role.PROCESSOR
    assert enrolment.client.name == "Acme Industrie"
    assert ClientContact.objects.get().organisation == enrolment.client
    assert SensitiveNeeds.objects.get().food_allergies == "Arachides"
    with connection.cursor() as cursor:
        cursor.execute("SELECT food_allergies FROM trainees_sensitiveneeds")
        assert b"Arachides" not in bytes(cursor.fetchone()[0])
