"""Trainers as records: a subcontractor receives their trainees' names (and the
recipients log says so), and a trainer's record goes after the limitation period that
follows their last session."""

import datetime

import pytest
from django.utils import timezone

from core.disclosures import disclosures_of
from core.purge import rule_apply
from core.schedule import BY_NAME
from dpo_requests.selectors import erasure_plan, subject_export
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory, TrainerFactory
from training.models import Enrolment, Session, Trainer
from training.services import enrolment_create, enrolment_set_status, session_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def subcontractor():
    return TrainerFactory(
        name="Paul Leroy",
        email="paul@leroy-conseil.example",
        status=Trainer.Status.SUBCONTRACTOR,
        company="Leroy Conseil",
    )


@pytest.mark.policy("T1")
def test_confirming_an_enrolment_tells_the_log_the_subcontractor_received_the_name(
    subcontractor,
):
    session = SessionFactory(trainer=subcontractor)
    alice = TraineeFactory(email="alice@example.org")
    enrolment = enrolment_create(trainee=alice, session=session, source="self")
    assert not disclosures_of(email=alice.email).exists()

    enrolment_set_status(enrolment=enrolment, status=Enrolment.Status.CONFIRMED)
    enrolment_set_status(enrolment=enrolment, status=Enrolment.Status.CONFIRMED)

    [sent] = disclosures_of(email=alice.email)
    assert (sent.kind, sent.recipient) == ("subcontractor", "Paul Leroy (Leroy Conseil)")
    assert sent.categories == "identity, enrolment"
    assert (sent.object_type, sent.object_id) == ("training.enrolment", str(enrolment.pk))


def test_an_employee_trainer_is_no_recipient():
    session = SessionFactory(trainer=TrainerFactory(status=Trainer.Status.EMPLOYEE))
    alice = TraineeFactory()

    enrolment_create(trainee=alice, session=session, source="self", status="confirmed")

    assert not disclosures_of(email=alice.email).exists()


def test_a_subcontractor_chosen_later_receives_the_confirmed_trainees_only(subcontractor):
    session = SessionFactory(trainer=None)
    confirmed = EnrolmentFactory(session=session, status=Enrolment.Status.CONFIRMED)
    pending = EnrolmentFactory(session=session, status=Enrolment.Status.PENDING)

    session.trainer = subcontractor
    session_save(session=session)

    assert disclosures_of(email=confirmed.trainee.email).count() == 1
    assert not disclosures_of(email=pending.trainee.email).exists()


def test_a_trainer_goes_after_the_limitation_period_after_their_last_session():
    today = timezone.localdate()
    long_ago = today - datetime.timedelta(days=5 * 366 + 2)
    gone, recent, fresh = TrainerFactory(), TrainerFactory(), TrainerFactory()
    Trainer.objects.filter(pk__in=[gone.pk, recent.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=6 * 366)
    )
    old_session = SessionFactory(trainer=gone, start_date=long_ago, end_date=long_ago)
    SessionFactory(trainer=recent, start_date=long_ago, end_date=long_ago)
    SessionFactory(trainer=recent, start_date=today, end_date=today)

    rule_apply(BY_NAME["trainers"], now=timezone.now())

    assert set(Trainer.objects.values_list("pk", flat=True)) == {recent.pk, fresh.pk}
    # The session stays (it names nobody), without its trainer.
    assert Session.objects.get(pk=old_session.pk).trainer is None


def test_the_dpo_finds_exports_and_plans_the_erasure_of_a_trainer(subcontractor):
    SessionFactory(trainer=subcontractor)

    exported = subject_export(email="PAUL@leroy-conseil.example")["trainer"]

    assert exported[0]["company"] == "Leroy Conseil"
    assert len(exported[0]["sessions"]) == 1
    [plan] = [
        p
        for p in erasure_plan(email=subcontractor.email, today=timezone.localdate())
        if p.record.model == "training.trainer"
    ]
    assert plan.action == "keep"
