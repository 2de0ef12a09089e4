"""A person registers in a real Chromium: with a mouse, with the keyboard only, and with
a mistake the form explains next to the field."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import CourseFactory, SessionFactory
from trainees.models import SensitiveNeeds, Trainee
from training.models import Enrolment

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def session(db):
    start = timezone.localdate() + datetime.timedelta(days=15)
    return SessionFactory(
        course=CourseFactory(title="Manager une équipe"),
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
        location="Paris",
        meals_provided=True,
    )


def open_the_form(page: Page, live_server) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Manager une équipe").click()
    page.get_by_role("link", name="S'inscrire à cette session").click()
    expect(page.get_by_role("heading", name="Inscription : Manager une équipe")).to_be_visible()


def fill_identity(page: Page) -> None:
    page.get_by_label(re.compile(r"^Nom")).fill("Lambert")
    page.get_by_label(re.compile(r"^Prénom")).fill("Alice")
    page.get_by_label(re.compile(r"^E-mail")).fill("alice@example.org")
    page.get_by_label(re.compile(r"^Téléphone")).fill("06 12 34 56 78")
    page.get_by_label(re.compile(r"^Adresse postale")).fill("3 rue des Lilas, 69003 Lyon")
    page.get_by_label(re.compile(r"^Profession")).fill("Technicienne")


@pytest.mark.policy("S2")
def test_a_person_registers_with_a_consented_allergy(page: Page, live_server, session):
    open_the_form(page, live_server)
    fill_identity(page)
    page.get_by_label(re.compile(r"^Allergies alimentaires")).fill("Arachides")
    page.get_by_label(re.compile(r"^J'accepte que mes allergies")).check()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "registration-form-fr.png", full_page=True)
    page.get_by_role("button", name="S'inscrire").click()

    expect(page.get_by_role("heading", name="Inscription reçue")).to_be_visible()
    expect(page.get_by_text("Ce qui va se passer")).to_be_visible()
    enrolment = Enrolment.objects.get()
    assert enrolment.trainee.surname == "Lambert"
    assert SensitiveNeeds.objects.get().food_allergies == "Arachides"


@pytest.mark.policy("S2")
@pytest.mark.policy("D4")
def test_allergy_text_without_consent_shows_the_error_next_to_the_field(
    page: Page, live_server, session
):
    open_the_form(page, live_server)
    fill_identity(page)
    allergies = page.get_by_label(re.compile(r"^Allergies alimentaires"))
    allergies.fill("Arachides")
    page.get_by_role("button", name="S'inscrire").click()

    error = page.locator("#id_food_allergies_errors")
    expect(error).to_contain_text("cochez la case de consentement")
    allergies = page.get_by_label(re.compile(r"^Allergies alimentaires"))
    expect(allergies).to_have_attribute("aria-invalid", "true")
    described = allergies.get_attribute("aria-describedby")
    assert "id_food_allergies_errors" in described.split()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(allergies).to_have_value("Arachides")  # nothing typed is lost
    assert not Trainee.objects.exists()


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element has focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the keyboard")


def test_the_form_can_be_completed_with_the_keyboard_only(page: Page, live_server, session):
    page.goto(f"{live_server.url}/sessions/{session.pk}/register/")
    typed = {
        "#id_surname": "Garnier",
        "#id_first_name": "Bruno",
        "#id_email": "bruno@example.org",
        "#id_phone": "0612345678",
        "#id_postal_address": "8 rue Haute, Lille",
        "#id_occupation": "Chef d'équipe",
    }
    for selector, value in typed.items():
        tab_to(page, selector)
        page.keyboard.type(value)
    tab_to(page, "#id_registering_as_0")
    page.keyboard.press("ArrowDown")  # "for my employer"
    tab_to(page, "#id_employer_name")
    page.keyboard.type("Acme Industrie")
    tab_to(page, "#id_no_offers")
    page.keyboard.press("Space")
    tab_to(page, "button.button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Inscription reçue")).to_be_visible()
    enrolment = Enrolment.objects.select_related("trainee").get()
    assert (enrolment.trainee.surname, enrolment.employer_name) == ("Garnier", "Acme Industrie")
