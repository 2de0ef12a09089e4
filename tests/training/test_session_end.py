"""Staff end a session by hand (a session cut short, or a one-day session just done) and
send its survey at once, from the sessions list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxEmail
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from training.models import Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def running():
    """A three-day session that started yesterday, with Zoé enrolled."""
    today = timezone.localdate()
    session = SessionFactory(
        start_date=today - datetime.timedelta(days=1), end_date=today + datetime.timedelta(days=1)
    )
    EnrolmentFactory(session=session, trainee=TraineeFactory(email="zoe@example.org"))
    return session


def _act(client, action, session):
    return client.post(
        reverse("admin:training_session_changelist"),
        {"action": action, "_selected_action": [session.pk]},
    )


def test_staff_end_a_running_session_today_and_send_its_survey(admin_client, running):
    _act(admin_client, "send_survey", running)
    assert not OutboxEmail.objects.filter(kind="survey.invitation").exists()  # not ended yet

    _act(admin_client, "end_today", running)
    _act(admin_client, "send_survey", running)

    running.refresh_from_db()
    assert running.end_date == timezone.localdate()
    assert (
        OutboxEmail.objects.filter(kind="survey.invitation", email="zoe@example.org").count() == 1
    )


def test_a_session_not_started_or_already_over_keeps_its_dates(admin_client):
    today = timezone.localdate()
    later = SessionFactory(
        start_date=today + datetime.timedelta(days=5), end_date=today + datetime.timedelta(days=6)
    )
    past = SessionFactory(
        start_date=today - datetime.timedelta(days=9), end_date=today - datetime.timedelta(days=8)
    )

    for session in (later, past):
        _act(admin_client, "end_today", session)

    assert {s.pk: s.end_date for s in Session.objects.filter(pk__in=[later.pk, past.pk])} == {
        later.pk: later.end_date,
        past.pk: past.end_date,
    }
