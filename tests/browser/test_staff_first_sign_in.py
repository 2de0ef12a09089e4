"""In a real Chromium, a new staff member's first sign-in: password, the authenticator app
enrolled from the page, its code, the recovery codes shown once, then the admin."""

from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.browser.staff_sign_in import first_sign_in

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.policy("Y1")
@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_first_sign_in_enrols_the_app_and_shows_the_codes(browser, live_server, alice, locale):
    page: Page = browser.new_page(locale=locale)
    shots = ARTIFACTS / f"staff-sign-in-{locale[:2]}"
    shots.mkdir(parents=True, exist_ok=True)

    codes = first_sign_in(page, live_server.url, "alice", "pw-alice", shots=shots)

    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=alice).confirmed
    expect(page.locator("#site-name")).to_be_visible()
    page.screenshot(path=shots / "admin-index.png", full_page=True)
    page.close()


def test_the_second_sign_in_asks_for_a_code(page: Page, live_server, alice):
    codes = first_sign_in(page, live_server.url, "alice", "pw-alice")
    page.locator("#logout-form button").click()

    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("alice")
    page.locator("#id_password").fill("pw-alice")
    page.locator("input[type=submit]").click()
    expect(page.get_by_role("heading", name="Second facteur")).to_be_visible()
    page.locator("#id_code").fill(codes[0])
    page.locator(".submit-row input[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/admin/")
