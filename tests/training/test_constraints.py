"""Rules that hold in the database itself, whatever code writes the rows."""

import datetime

import pytest
from django.db import IntegrityError

from tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    OrganisationFactory,
    SessionFactory,
    TraineeFactory,
)
from training.models import Enrolment, Session


def test_a_trainee_is_enrolled_at_most_once_per_session(enrolment):
    with pytest.raises(IntegrityError):
        Enrolment.objects.create(
            trainee=enrolment.trainee, session=enrolment.session, source=Enrolment.Source.SELF
        )


def test_a_session_cannot_end_before_it_starts(db):
    with pytest.raises(IntegrityError):
        Session.objects.create(
            course=CourseFactory(),
            start_date=datetime.date(2027, 3, 10),
            end_date=datetime.date(2027, 3, 9),
            location="Lyon",
            capacity=5,
        )


def test_a_one_day_session_is_allowed(db):
    day = datetime.date(2027, 3, 10)
    assert SessionFactory(start_date=day, end_date=day).pk


def test_capacity_cannot_be_negative(db):
    session = SessionFactory()
    with pytest.raises(IntegrityError):
        Session.objects.filter(pk=session.pk).update(capacity=-1)


def test_an_employer_enrolment_names_its_client(db):
    with pytest.raises(IntegrityError):
        EnrolmentFactory(source=Enrolment.Source.EMPLOYER, client=None)


def test_a_self_registration_names_no_client(db):
    with pytest.raises(IntegrityError):
        EnrolmentFactory(source=Enrolment.Source.SELF, client=OrganisationFactory())


@pytest.mark.policy("R1")
def test_the_role_follows_the_source_and_cannot_be_typed(db):
    client = OrganisationFactory()
    by_employer = EnrolmentFactory(source=Enrolment.Source.EMPLOYER, client=client)
    by_self = EnrolmentFactory(trainee=TraineeFactory())

    by_employer.refresh_from_db()
    by_self.refresh_from_db()
    assert by_employer.role == Enrolment.Role.PROCESSOR
    assert by_self.role == Enrolment.Role.CONTROLLER

    by_employer.source, by_employer.client = Enrolment.Source.SELF, None
    by_employer.save()
    by_employer.refresh_from_db()
    assert by_employer.role == Enrolment.Role.CONTROLLER
