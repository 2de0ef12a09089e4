"""One service gives every seat: full sessions and second registrations are refused clearly."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import OrganisationFactory, SessionFactory, TraineeFactory
from training.models import Enrolment
from training.services import (
    EnrolmentRefused,
    enrolment_create,
    enrolment_set_status,
    enrolments_complete_ended,
)

SELF, EMPLOYER = Enrolment.Source.SELF, Enrolment.Source.EMPLOYER


def test_a_full_session_refuses_with_a_clear_message(db):
    session = SessionFactory(capacity=1)
    enrolment_create(trainee=TraineeFactory(), session=session, source=SELF)

    with pytest.raises(EnrolmentRefused) as refusal:
        enrolment_create(trainee=TraineeFactory(), session=session, source=SELF)

    assert refusal.value.messages == ["This session is full: no seat is left."]
    assert session.enrolments.count() == 1


def test_a_second_registration_is_refused_without_a_duplicate(db):
    session, trainee = SessionFactory(), TraineeFactory()
    enrolment_create(trainee=trainee, session=session, source=SELF)

    with pytest.raises(EnrolmentRefused, match="already enrolled"):
        enrolment_create(trainee=trainee, session=session, source=SELF)
    assert session.enrolments.count() == 1


def test_a_cancelled_seat_is_free_and_the_trainee_can_come_back(db):
    session = SessionFactory(capacity=1)
    first, second = TraineeFactory(), TraineeFactory()
    cancelled = enrolment_create(trainee=first, session=session, source=SELF)
    enrolment_set_status(enrolment=cancelled, status=Enrolment.Status.CANCELLED)

    enrolment_create(trainee=second, session=session, source=SELF)
    with pytest.raises(EnrolmentRefused, match="full"):
        enrolment_set_status(enrolment=cancelled, status=Enrolment.Status.CONFIRMED)

    enrolment_set_status(enrolment=session.enrolments.get(trainee=second), status="cancelled")
    back = enrolment_create(trainee=first, session=session, source=SELF)
    assert back.pk == cancelled.pk
    assert back.status == Enrolment.Status.PENDING


@pytest.mark.policy("R1")
def test_an_employer_enrolment_makes_us_processor_for_the_client(db):
    client = OrganisationFactory()

    enrolment = enrolment_create(
        trainee=TraineeFactory(employer=client),
        session=SessionFactory(),
        source=EMPLOYER,
        client=client,
    )

    assert enrolment.role == Enrolment.Role.PROCESSOR
    assert enrolment.client == client


@pytest.mark.policy("R1")
def test_a_self_registration_makes_us_controller(db):
    enrolment = enrolment_create(trainee=TraineeFactory(), session=SessionFactory(), source=SELF)

    assert enrolment.role == Enrolment.Role.CONTROLLER


def test_confirmed_enrolments_of_ended_sessions_become_completed(db):
    today = timezone.localdate()
    ended = SessionFactory(
        start_date=today - datetime.timedelta(days=3), end_date=today - datetime.timedelta(days=1)
    )
    ending_today = SessionFactory(start_date=today, end_date=today)
    done = enrolment_create(
        trainee=TraineeFactory(), session=ended, source=SELF, status="confirmed"
    )
    left_pending = enrolment_create(trainee=TraineeFactory(), session=ended, source=SELF)
    still_running = enrolment_create(
        trainee=TraineeFactory(), session=ending_today, source=SELF, status="confirmed"
    )

    assert enrolments_complete_ended(today=today) == 1
    assert enrolments_complete_ended(today=today) == 0

    done.refresh_from_db(), left_pending.refresh_from_db(), still_running.refresh_from_db()
    assert done.status == Enrolment.Status.COMPLETED
    assert left_pending.status == Enrolment.Status.PENDING
    assert still_running.status == Enrolment.Status.CONFIRMED
