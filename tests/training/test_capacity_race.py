"""Twenty people race for the last seat of a session: one gets it, nineteen are told why not."""

import threading

import pytest
from django.db import connection
from django.utils import translation

from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from training.models import Enrolment
from training.services import EnrolmentRefused, enrolment_create

RACERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_enrolments_for_the_last_seat_give_exactly_one(require_postgres):
    session = SessionFactory(capacity=3)
    EnrolmentFactory.create_batch(2, session=session)
    trainees = TraineeFactory.create_batch(RACERS)
    start = threading.Barrier(RACERS)
    outcomes: list[str] = []

    def enrol(trainee):
        translation.activate("en")  # each thread has its own language
        try:
            start.wait()
            enrolment_create(trainee=trainee, session=session, source=Enrolment.Source.SELF)
            outcomes.append("enrolled")
        except EnrolmentRefused as refusal:
            outcomes.append(refusal.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(trainee,)) for trainee in trainees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("enrolled") == 1
    assert outcomes.count("This session is full: no seat is left.") == RACERS - 1
    assert session.enrolments.count() == 3
