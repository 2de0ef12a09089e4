"""In a real Chromium, no page breaks the Content-Security-Policy: not the public pages,
not the admin's (login, lists, forms with inlines and autocompletes, deletion), not the
DPO's back-office. Chromium reports every refused inline script or style on the console."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from dpo_requests.services import request_submit
from tests.browser.staff_sign_in import first_sign_in
from tests.factories import ClientContactFactory, EnrolmentFactory, SessionFactory
from training.admin.enrolments import CourseAdmin

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def olivia(db) -> User:
    """Olivia, the administrator: she may open every page of the admin and back-office."""
    return User.objects.create_superuser("olivia", "olivia@example.org", "pw-olivia")


def csp_violations(page: Page) -> list[str]:
    """Every message Chromium logs when the policy blocks something, from now on."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(f"{page.url}: {error}"))
    return violations


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response.status < 400, (url, response.status)
    # Scripts run and styles apply once the page has loaded: violations are logged by then.
    page.wait_for_load_state("load")


def test_public_pages_break_no_rule_of_the_policy(page: Page, live_server, session):
    violations = csp_violations(page)

    for path in (
        "/",
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/register/",
        "/privacy/",
        "/cookies/preferences/",
        "/privacy/requests/new/",
        "/my-data/new-link/",
    ):
        visit(page, live_server.url + path)
    # The banner's script runs under the policy too.
    page.get_by_role("button", name="Refuser les cookies non essentiels").click()
    expect(page.locator("#cookie-banner")).to_have_count(0)

    assert violations == []


def test_the_second_factor_pages_break_no_rule_of_the_policy(page: Page, live_server, olivia):
    """The code page (asked at every sign-in) and the lockout page, with their own style."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=olivia, name="Phone", confirmed=True)
    violations = csp_violations(page)

    visit(page, f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("olivia")
    page.locator("#id_password").fill("pw-olivia")
    page.locator("input[type=submit]").click()
    expect(page.locator("#id_code")).to_be_visible()
    # The style sheet of these pages applies (a blocked inline style would not).
    # (Waited for: under load the sheet can land after the field is first visible.)
    expect(page.locator("#id_code")).to_have_css("width", "192px")

    assert violations == []


def test_admin_and_backoffice_pages_break_no_rule_of_the_policy(
    page: Page, live_server, olivia, monkeypatch
):
    enrolment = EnrolmentFactory(session=SessionFactory(meals_provided=True))
    contact = ClientContactFactory()
    dsr = request_submit(
        kind="access", email="eve@example.org", details="", language="fr", now=timezone.now()
    )
    admin = f"{live_server.url}/admin"
    violations = csp_violations(page)

    # The sign-in pages themselves: password, enrolment (QR code), recovery codes.
    first_sign_in(page, live_server.url, "olivia", "pw-olivia")
    visit(page, f"{admin}/second-factor/recovery-codes/")
    for path in (
        "/",
        "/training/session/",
        f"/training/session/{enrolment.session.pk}/change/",
        f"/training/enrolment/{enrolment.pk}/change/",
        "/training/session/add/",
        "/clients/organisation/",
        f"/clients/organisation/{contact.organisation.pk}/change/",
        "/clients/organisation/add/",
        f"/training/session/{enrolment.session.pk}/delete/",
        "/auth/user/",
        f"/auth/user/{olivia.pk}/change/",
        f"/auth/user/{olivia.pk}/password/",
        "/auth/group/add/",
    ):
        visit(page, admin + path)
    # The admin's autocomplete (select2) builds its widgets in the page.
    visit(page, f"{admin}/training/session/add/")
    page.locator("#id_course + .select2").click()
    expect(page.locator(".select2-search__field")).to_be_visible()
    # A change list without action bars: the admin's one inline style, allowed by its hash.
    monkeypatch.setattr(CourseAdmin, "actions", None)
    monkeypatch.setattr(CourseAdmin, "actions_on_top", False)
    visit(page, f"{admin}/training/course/")
    assert "<style>" in page.content()
    for path in (
        "/",
        "/requests/",
        f"/requests/{dsr.pk}/",
        "/audit/",
        "/record-of-processing/",
        "/emails/",
        "/retention/",
    ):
        visit(page, f"{live_server.url}/backoffice{path}")

    assert violations == []
