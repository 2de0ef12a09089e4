"""Signing in to the admin in a real browser, second factor included: what every browser
test of a staff page does first."""

import base64
from pathlib import Path

from django_otp.oath import totp
from playwright.sync_api import Page, expect


def app_code(secret: str) -> str:
    """What an authenticator app shows now for the secret typed into it."""
    return f"{totp(base64.b32decode(secret)):06d}"


def first_sign_in(
    page: Page, base_url: str, username: str, password: str, shots: Path | None = None
) -> list[str]:
    """Password, enrol the authenticator (secret typed in, as from the page), its code,
    the recovery codes page, then the admin index. Returns the recovery codes."""
    admin = f"{base_url}/admin"
    page.goto(f"{admin}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("input[type=submit]").click()

    expect(page.locator(".qr svg")).to_be_visible()
    if shots:
        page.screenshot(path=shots / "enrol.png", full_page=True)
    secret = page.locator("#totp-secret").inner_text().strip()
    page.locator("#id_code").fill(app_code(secret))
    page.locator(".submit-row input[type=submit]").click()

    codes = page.locator("#recovery-codes li").all_inner_texts()
    if shots:
        page.screenshot(path=shots / "recovery-codes.png", full_page=True)
    page.locator("a.button").click()
    expect(page).to_have_url(f"{admin}/")
    return codes
