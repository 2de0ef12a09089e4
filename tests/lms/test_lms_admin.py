"""Training staff ask for an access from the admin and close one early; the platform is
called by tasks after commit, never by the page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.holds import hold_place
from lms.models import LmsAccess
from tests.factories import CourseFactory, EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def online_enrolment():
    start = timezone.localdate() + datetime.timedelta(days=5)
    session = SessionFactory(
        course=CourseFactory(code="RGPD-101"),
        format="blended",
        start_date=start,
        end_date=start,
        meals_provided=False,
    )
    return EnrolmentFactory(session=session, status="confirmed")


def test_training_staff_grant_an_access_without_a_platform_connected(
    client, alice, online_enrolment, django_capture_on_commit_callbacks
):
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:lms_lmsaccess_add"),
            {"enrolment": online_enrolment.pk, "login": "a.martin"},
        )

    assert response.status_code == 302
    access = LmsAccess.objects.get()
    assert (access.state, access.login, access.platform) == ("granted", "a.martin", "Moodle")


def test_an_in_person_enrolment_is_refused_in_the_form(client, alice):
    client.force_login(alice)
    in_person = EnrolmentFactory(session=SessionFactory(format="in_person"))

    response = client.post(reverse("admin:lms_lmsaccess_add"), {"enrolment": in_person.pk})

    assert response.status_code == 200
    assert "Seules les sessions à distance et mixtes" in response.content.decode()
    assert not LmsAccess.objects.exists()


def test_closing_now_closes_the_access_through_its_task(
    client, alice, online_enrolment, django_capture_on_commit_callbacks
):
    now = timezone.now()
    access = LmsAccess.objects.create(
        enrolment=online_enrolment,
        email=online_enrolment.trainee.email,
        course_code="RGPD-101",
        platform="Moodle",
        state="granted",
        requested_at=now,
        granted_at=now,
    )
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:lms_lmsaccess_changelist"),
            {"action": "close_now", "_selected_action": [access.pk]},
        )

    access.refresh_from_db()
    assert access.state == "revoked"
    assert access.revoke_requested_at is not None


@pytest.mark.policy("G5")
def test_an_access_for_a_restricted_trainee_is_refused_in_the_form(client, alice, online_enrolment):
    hold_place(
        email=online_enrolment.trainee.email, kind="restriction", reason="r", now=timezone.now()
    )
    client.force_login(alice)

    response = client.post(reverse("admin:lms_lmsaccess_add"), {"enrolment": online_enrolment.pk})

    assert response.status_code == 200
    assert "limitation du traitement de ses données" in response.content.decode()
    assert not LmsAccess.objects.exists()
