"""A trainee signs a half-day on their own phone (Chromium at phone size): the QR code
on the trainer's page opens the half-day's page, the trainee types their personal code;
a code of someone of another session is refused."""

import datetime
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from attendance.models import AttendanceLine
from attendance.services import sheets_ensure
from attendance.views import sheet_token
from tests.factories import CourseFactory, EnrolmentFactory, SessionFactory, TraineeFactory
from training.signing_codes import enrolment_signing_code

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def sheet_under_way():
    today = timezone.localdate()
    session = SessionFactory(
        course=CourseFactory(title="Sécurité incendie"),
        start_date=today,
        end_date=today,
        format="in_person",
    )
    sheet = sheets_ensure(session_id=session.pk)[0]
    now = timezone.now()
    # The half-day under way, whatever the time the test runs.
    sheet.starts_at, sheet.ends_at = (
        now - datetime.timedelta(hours=1),
        now + datetime.timedelta(hours=1),
    )
    sheet.save()
    return sheet


def test_a_trainee_signs_on_their_phone_with_the_qr_code(
    browser: Browser, live_server, sheet_under_way
):
    sheet = sheet_under_way
    alice = EnrolmentFactory(
        session=sheet.session,
        status="confirmed",
        trainee=TraineeFactory(first_name="Alice", surname="Martin"),
    )
    stranger = EnrolmentFactory(status="confirmed")
    sheets_ensure(session_id=sheet.session_id)
    path = reverse("attendance:sign", args=[sheet_token(sheet.pk)])
    # What the trainer's page encodes in its QR code.
    qr_data = segno.make(settings.SITE_URL + path, error="m").svg_data_uri(scale=6)
    assert qr_data.startswith("data:image/svg+xml")

    phone = browser.new_context(**PHONE, locale="fr-FR")
    page = phone.new_page()
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", name="Signer la feuille d'émargement")).to_be_visible()
    page.get_by_label("Votre code personnel").fill(enrolment_signing_code(enrolment_id=stranger.pk))
    page.get_by_role("button", name="Signer").click()
    expect(
        page.get_by_text("Ce code n'est pas celui d'un stagiaire de cette session.", exact=True)
    ).to_be_visible()

    page.get_by_label("Votre code personnel").fill(enrolment_signing_code(enrolment_id=alice.pk))
    page.get_by_role("button", name="Signer").click()
    expect(page.get_by_text("Merci, Alice Martin")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "attendance-signed-phone.png", full_page=True)
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    line = AttendanceLine.objects.get(sheet=sheet, enrolment=alice)
    assert (line.status, line.method) == ("present", "code")
    assert not AttendanceLine.objects.filter(enrolment=stranger, status="present").exists()
    phone.close()
