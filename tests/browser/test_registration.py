"""A person registers in a real Chromium: with a mouse, with the keyboard only, and with
a mistake the form explains next to the field; then confirms from the emailed link."""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.factories import CourseFactory, SessionFactory
from trainees.models import Trainee
from training.models import Enrolment, PendingRegistration, SensitiveNeeds

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


def emailed_link(live_server, email: str) -> str:
    """The confirmation link of the last email to the address, on the live server."""
    [body] = [m.body for m in mail.outbox if m.to == [email]][-1:]
    link = re.search(r"http://testserver(/register/confirm/\S+/)", body).group(1)
    return live_server.url + link


@pytest.mark.policy("S2")
def test_a_person_registers_with_a_consented_allergy(page: Page, live_server, session):
    open_the_form(page, live_server)
    fill_identity(page)
    page.get_by_label(re.compile(r"^Allergies alimentaires")).fill("Arachides")
    page.get_by_label(re.compile(r"^J'accepte que mes allergies")).check()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "registration-form-fr.png", full_page=True)
    page.get_by_role("button", name="S'inscrire").click()

    expect(page.get_by_role("heading", name="Consultez vos e-mails")).to_be_visible()
    expect(page.get_by_text("Ce qui va se passer")).to_be_visible()
    assert not Enrolment.objects.exists() and not SensitiveNeeds.objects.exists()
    page.goto(emailed_link(live_server, "alice@example.org"))
    page.get_by_role("button", name="Confirmer mon inscription").click()

    expect(page.get_by_role("heading", name="Inscription confirmée")).to_be_visible()
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


def test_every_invalid_field_has_a_red_border_not_only_text_areas(page: Page, live_server, session):
    open_the_form(page, live_server)
    fill_identity(page)
    page.get_by_label(re.compile(r"^E-mail")).fill("alice@example")  # no domain: refused
    page.get_by_label(re.compile(r"^Allergies alimentaires")).fill("Arachides")  # no consent
    page.get_by_role("button", name="S'inscrire").click()

    for field in ("#id_email", "#id_food_allergies"):
        expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
        expect(page.locator(field)).to_have_css("border-top-color", "rgb(176, 0, 32)")
        expect(page.locator(field)).to_have_css("border-top-width", "2px")
    expect(page.locator("#id_surname")).not_to_have_css("border-top-color", "rgb(176, 0, 32)")


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
    expect(page.get_by_role("heading", name="Consultez vos e-mails")).to_be_visible()

    page.goto(emailed_link(live_server, "bruno@example.org"))
    tab_to(page, "button.button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Inscription confirmée")).to_be_visible()
    enrolment = Enrolment.objects.select_related("trainee").get()
    assert (enrolment.trainee.surname, enrolment.employer_name) == ("Garnier", "Acme Industrie")


@pytest.mark.policy("F1")
@pytest.mark.parametrize(
    ("locale", "text"),
    [
        (
            "fr-FR",
            {
                "register": "S'inscrire",
                "check": "Consultez vos e-mails",
                "subject": "Confirmez votre inscription",
                "confirm": "Confirmer mon inscription",
                "confirmed": "Inscription confirmée",
                "unusable": "Ce lien ne peut pas être utilisé",
            },
        ),
        (
            "en-GB",
            {
                "register": "Register",
                "check": "Check your email",
                "subject": "Confirm your registration",
                "confirm": "Confirm my registration",
                "confirmed": "Registration confirmed",
                "unusable": "This link cannot be used",
            },
        ),
    ],
)
def test_register_then_confirm_from_the_emailed_link(
    browser: Browser, live_server, session, locale, text
):
    """The whole path a new person takes, in each language, with a screenshot per step."""
    lang = locale[:2]
    page = browser.new_context(locale=locale).new_page()
    page.goto(f"{live_server.url}/sessions/{session.pk}/register/")
    fields = {
        "#id_surname": "Lambert",
        "#id_first_name": "Alice",
        "#id_email": "alice@example.org",
        "#id_phone": "06 12 34 56 78",
        "#id_postal_address": "3 rue des Lilas, 69003 Lyon",
        "#id_occupation": "Technicienne",
        "#id_food_allergies": "Arachides",
    }
    for selector, value in fields.items():
        page.locator(selector).fill(value)
    page.locator("#id_allergies_consent").check()
    page.get_by_role("button", name=text["register"], exact=True).click()

    expect(page.get_by_role("heading", name=text["check"])).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"registration-check-email-{lang}.png", full_page=True)
    assert not Trainee.objects.exists() and not SensitiveNeeds.objects.exists()
    [message] = mail.outbox
    assert message.subject.startswith(text["subject"])

    link = emailed_link(live_server, "alice@example.org")
    page.goto(link)
    expect(page.get_by_role("heading", name=text["subject"])).to_be_visible()
    page.screenshot(path=ARTIFACTS / f"registration-confirm-{lang}.png", full_page=True)
    assert PendingRegistration.objects.exists()  # opening the link confirmed nothing
    page.get_by_role("button", name=text["confirm"]).click()

    expect(page.get_by_role("heading", name=text["confirmed"])).to_be_visible()
    page.screenshot(path=ARTIFACTS / f"registration-confirmed-{lang}.png", full_page=True)
    enrolment = Enrolment.objects.select_related("trainee").get()
    assert enrolment.trainee.language == lang
    assert SensitiveNeeds.objects.get().food_allergies == "Arachides"
    assert not PendingRegistration.objects.exists()

    page.goto(link)  # the link is used up
    expect(page.get_by_role("heading", name=text["unusable"])).to_be_visible()
    assert Enrolment.objects.count() == 1
    page.context.close()
