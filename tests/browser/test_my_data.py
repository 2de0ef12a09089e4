"""A person's own page in a real Chromium, in French and English: every choice on file is
a row saying what it covers, and each changes with one button."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from consent.models import ConsentRecord
from consent.selectors import communication_allowed
from consent.services import consent_record
from consent.tokens import self_service_token_make
from tests.factories import EnrolmentFactory, TraineeFactory

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
P, A, C = ConsentRecord.Purpose, ConsentRecord.Action, ConsentRecord.Channel
WORDS = {
    "fr-FR": {
        "subsidiaries": "Offres de nos filiales françaises",
        "ours": "Nos offres de formations similaires",
        "agreed": "Vous avez accepté",
        "withdraw": "Retirer mon consentement",
        "no": "Non (pas de consentement)",
        "stop": "Ne plus recevoir aucune offre ni la lettre d'information",
        "stopped": "vous ne recevrez plus aucune offre",
    },
    "en-GB": {
        "subsidiaries": "Offers from our French subsidiaries",
        "ours": "Our offers of similar training",
        "agreed": "You agreed",
        "withdraw": "Withdraw my consent",
        "no": "No (no consent)",
        "stop": "Stop every offer and the newsletter",
        "stopped": "you will receive no more offers",
    },
}


@pytest.fixture
def hana(db):
    """Hana registered herself and agreed to our subsidiaries' offers on the form."""
    hana = TraineeFactory(email="hana@example.org")
    EnrolmentFactory(trainee=hana)
    consent_record(
        email=hana.email,
        purpose=P.SUBSIDIARY_OFFERS,
        action=A.GIVEN,
        channel=C.REGISTRATION_FORM,
        at=timezone.now(),
    )
    return hana


@pytest.mark.policy("P3")
@pytest.mark.policy("F1")
@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_a_trainee_withdraws_the_subsidiary_consent_then_stops_every_offer(
    browser: Browser, live_server, hana, locale
):
    words = WORDS[locale]
    page = browser.new_context(locale=locale, viewport={"width": 1100, "height": 900}).new_page()
    page.goto(f"{live_server.url}/my-data/{self_service_token_make(email=hana.email)}/")
    subsidiaries = page.get_by_role("row").filter(has_text=words["subsidiaries"])
    expect(subsidiaries).to_contain_text(words["agreed"])
    expect(page.get_by_role("row").filter(has_text=words["ours"])).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"my-data-{locale}.png", full_page=True)

    subsidiaries.get_by_role("button", name=words["withdraw"]).click()

    expect(page.get_by_role("row").filter(has_text=words["subsidiaries"])).to_contain_text(
        words["no"]
    )
    assert not communication_allowed(email=hana.email, purpose=P.SUBSIDIARY_OFFERS)
    page.get_by_role("button", name=words["stop"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["stopped"])
    assert not communication_allowed(email=hana.email, purpose=P.TRAINEE_OFFERS)
    page.screenshot(path=ARTIFACTS / f"my-data-stopped-{locale}.png", full_page=True)
