"""Half-day sheets, signing on one's own phone, the signed PDF and the certificates."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from attendance.certificates import certificate_link, certificates_issue
from attendance.documents import certificate_pdf, sheets_pdf
from attendance.models import AttendanceLine, AttendanceSheet, Certificate
from attendance.services import line_mark, sheets_ensure
from attendance.views import sheet_token
from core.models import OutboxEmail
from tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    SessionFactory,
    TraineeFactory,
    TrainerFactory,
)
from training.signing_codes import enrolment_signing_code, enrolment_signing_token

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 3, 2)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def course_session():
    course = CourseFactory(title="Gestes de premiers secours", objectives="Porter secours.")
    session = SessionFactory(
        course=course,
        start_date=MONDAY,
        end_date=MONDAY + datetime.timedelta(days=1),
        format="in_person",
        trainer=TrainerFactory(name="Claire Formatrice"),
    )
    return session


@pytest.fixture
def alice_and_bob(course_session):
    alice = EnrolmentFactory(
        session=course_session,
        status="confirmed",
        trainee=TraineeFactory(first_name="Alice", surname="Martin", language="en"),
    )
    bob = EnrolmentFactory(
        session=course_session,
        status="confirmed",
        trainee=TraineeFactory(first_name="Bob", surname="Durand", language="fr"),
    )
    return alice, bob


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_it_makes_one_sheet_per_half_day_with_every_trainee(course_session, alice_and_bob):
    cancelled = EnrolmentFactory(session=course_session, status="cancelled")
    sheets = sheets_ensure(session_id=course_session.pk)
    assert len(sheets) == 4
    assert AttendanceLine.objects.count() == 8
    assert not AttendanceLine.objects.filter(enrolment=cancelled).exists()
    sheets_ensure(session_id=course_session.pk)
    assert AttendanceSheet.objects.count() == 4


def _sign(client, sheet, code):
    return client.post(reverse("attendance:sign", args=[sheet_token(sheet.pk)]), {"code": code})


def test_a_trainee_signs_with_their_code_during_the_half_day(client, course_session, alice_and_bob):
    alice, _bob = alice_and_bob
    sheet = sheets_ensure(session_id=course_session.pk)[0]
    with time_machine.travel(_at(MONDAY, 9, 5), tick=False):
        response = _sign(client, sheet, enrolment_signing_code(enrolment_id=alice.pk).lower())
    assert response.status_code == 200
    line = AttendanceLine.objects.get(sheet=sheet, enrolment=alice)
    assert (line.status, line.method) == ("present", "code")
    assert line.signed_at == _at(MONDAY, 9, 5)


def test_signing_outside_the_half_day_is_refused(client, course_session, alice_and_bob):
    alice, _bob = alice_and_bob
    morning = sheets_ensure(session_id=course_session.pk)[0]
    code = enrolment_signing_code(enrolment_id=alice.pk)
    with time_machine.travel(_at(MONDAY, 14, 0), tick=False):
        response = _sign(client, morning, code)
    assert response.status_code == 403
    assert "L'émargement est fermé" in response.content.decode()
    with time_machine.travel(_at(MONDAY, 8, 0), tick=False):
        assert _sign(client, morning, code).status_code == 403
    assert not AttendanceLine.objects.filter(status="present").exists()


@pytest.mark.policy("P1")
def test_another_persons_or_sessions_code_is_refused(client, course_session, alice_and_bob):
    other = EnrolmentFactory(status="confirmed")  # another session
    sheet = sheets_ensure(session_id=course_session.pk)[0]
    with time_machine.travel(_at(MONDAY, 10, 0), tick=False):
        response = _sign(client, sheet, enrolment_signing_code(enrolment_id=other.pk))
        wrong = _sign(client, sheet, "ABCDEFGH")
    assert response.status_code == wrong.status_code == 400
    assert not AttendanceLine.objects.filter(status="present").exists()


def test_guesses_are_throttled(client, course_session, alice_and_bob, settings):
    settings.ATTENDANCE_SIGN_ATTEMPTS_PER_HOUR = 3
    sheet = sheets_ensure(session_id=course_session.pk)[0]
    with time_machine.travel(_at(MONDAY, 10, 0), tick=False):
        answers = [_sign(client, sheet, "ABCDEFGH").status_code for _ in range(4)]
    assert answers == [400, 400, 400, 429]


def test_the_personal_link_signs_the_half_day_under_way(client, course_session, alice_and_bob):
    _alice, bob = alice_and_bob
    url = reverse("attendance:sign_me", args=[enrolment_signing_token(enrolment_id=bob.pk)])
    with time_machine.travel(_at(MONDAY + datetime.timedelta(days=1), 14, 0), tick=False):
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 200
    line = AttendanceLine.objects.get(enrolment=bob, status="present")
    assert (line.sheet.day, line.sheet.half_day, line.method) == (
        MONDAY + datetime.timedelta(days=1),
        "afternoon",
        "link",
    )
    with time_machine.travel(_at(MONDAY, 20, 0), tick=False):
        assert client.post(url).status_code == 403


def _attend(session, alice, bob, admin_user):
    """Alice misses Monday afternoon; Bob attends everything."""
    now = _at(MONDAY, 18)
    for sheet in sheets_ensure(session_id=session.pk):
        for line in sheet.lines.all():
            absent = (
                line.enrolment_id == alice.pk
                and sheet.day == MONDAY
                and sheet.half_day == "afternoon"
            )
            line_mark(line=line, status="absent" if absent else "present", user=admin_user, now=now)


@pytest.mark.policy("P1")
def test_hours_are_exact_for_a_trainee_absent_one_half_day(
    course_session, alice_and_bob, admin_user
):
    alice, bob = alice_and_bob
    _attend(course_session, alice, bob, admin_user)
    issued = certificates_issue(
        session_id=course_session.pk, now=_at(MONDAY + datetime.timedelta(days=2), 6)
    )
    assert issued == 2
    assert Certificate.objects.get(enrolment=alice).hours_attended == Decimal("10.50")
    assert Certificate.objects.get(enrolment=bob).hours_attended == Decimal("14.00")
    assert Certificate.objects.get(enrolment=bob).hours_planned == Decimal("14.00")
    # Emails with links: Alice reads English and gets both languages.
    alice_mail = OutboxEmail.objects.get(email=alice.trainee.email, kind="attendance.certificate")
    assert alice_mail.body.count("http://testserver/attendance/certificate/") == 2
    bob_mail = OutboxEmail.objects.get(email=bob.trainee.email, kind="attendance.certificate")
    assert bob_mail.body.count("http://testserver/attendance/certificate/") == 1


def test_the_certificate_pdf_names_the_trainee_hours_and_dates(
    course_session, alice_and_bob, admin_user
):
    alice, bob = alice_and_bob
    _attend(course_session, alice, bob, admin_user)
    certificates_issue(
        session_id=course_session.pk, now=_at(MONDAY + datetime.timedelta(days=2), 6)
    )
    certificate = Certificate.objects.get(enrolment=alice)
    pdf = certificate_pdf(certificate=certificate, language="fr")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "certificate-fr.pdf").write_bytes(pdf)
    french = _text(pdf)
    assert "Alice Martin" in french and "10,5" in french
    assert "02/03/2026" in french and "03/03/2026" in french
    assert "Porter secours." in french and "L.6353-1" in french
    english = _text(certificate_pdf(certificate=certificate, language="en"))
    assert "Certificate of completion" in english and "10.50 hours out of 14" in english


def test_the_certificate_link_expires(client, course_session, alice_and_bob, admin_user, settings):
    alice, bob = alice_and_bob
    _attend(course_session, alice, bob, admin_user)
    certificates_issue(session_id=course_session.pk, now=timezone.now())
    link = certificate_link(certificate=Certificate.objects.get(enrolment=bob), language="fr")
    path = link.removeprefix("http://testserver")
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with time_machine.travel(
        timezone.now() + datetime.timedelta(days=settings.CERTIFICATE_LINK_DAYS + 1)
    ):
        assert client.get(path).status_code == 404
    assert client.get(path[:-3] + "xyz/").status_code == 404


def test_the_sheets_pdf_shows_each_signature_with_time_and_method(
    client, course_session, alice_and_bob, admin_user
):
    alice, bob = alice_and_bob
    sheet = sheets_ensure(session_id=course_session.pk)[0]
    with time_machine.travel(_at(MONDAY, 9, 7), tick=False):
        _sign(client, sheet, enrolment_signing_code(enrolment_id=bob.pk))
    line_mark(
        line=AttendanceLine.objects.get(sheet=sheet, enrolment=alice),
        status="excused",
        user=admin_user,
        now=_at(MONDAY, 12),
    )
    pdf = sheets_pdf(session_id=course_session.pk)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "attendance-sheets.pdf").write_bytes(pdf)
    text = _text(pdf)
    assert "Bob Durand" in text and "Alice Martin" in text
    assert "02/03/2026" in text and "09:07 QR" in text
    assert "Absence excusée" in text and "Son téléphone, QR code et code personnel" in text
    assert "Claire Formatrice" in text


def test_staff_mark_a_whole_sheet_on_one_page(
    admin_client, course_session, django_assert_max_num_queries
):
    for _n in range(20):
        EnrolmentFactory(session=course_session, status="confirmed")
    sheet = sheets_ensure(session_id=course_session.pk)[0]
    url = reverse("admin:attendance_attendancesheet_change", args=[sheet.pk])
    with django_assert_max_num_queries(25):
        page = admin_client.get(url)
    assert page.status_code == 200
    lines = list(sheet.lines.order_by("pk"))
    data = {
        "lines-TOTAL_FORMS": "20",
        "lines-INITIAL_FORMS": "20",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for i, line in enumerate(lines):
        data[f"lines-{i}-id"] = line.pk
        data[f"lines-{i}-sheet"] = sheet.pk
        data[f"lines-{i}-status"] = "absent" if i == 0 else "present"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert (
        AttendanceLine.objects.filter(sheet=sheet, status="present", method="staff").count() == 19
    )
    assert AttendanceLine.objects.filter(sheet=sheet, status="absent").count() == 1


def test_the_trainer_page_shows_the_qr_code_and_the_trainer_signs(
    admin_client, course_session, alice_and_bob
):
    sheet = sheets_ensure(session_id=course_session.pk)[0]
    url = reverse("admin:attendance_attendancesheet_trainer", args=[sheet.pk])
    # The token carries the second it was signed in: page and expectation in the same one.
    with time_machine.travel(timezone.now(), tick=False):
        page = admin_client.get(url).content.decode()
        assert "data:image/svg+xml" in page and sheet_token(sheet.pk) in page
    admin_client.post(url)
    sheet.refresh_from_db()
    assert sheet.trainer_signed_at is not None
