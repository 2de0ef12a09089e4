"""Writes on enrolments. Every enrolment, from the admin, the public form or a test,
is created here, under a lock on its session row, so capacity always holds."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.models import Organisation
from trainees.models import Trainee
from training.models import Enrolment, LegalBasis, Session
from training.selectors import enrolment_refusal


class EnrolmentRefused(ValidationError):
    """The session is full or the trainee already holds a seat on it."""


@transaction.atomic
def enrolment_create(
    *,
    trainee: Trainee,
    session: Session,
    source: str,
    client: Organisation | None = None,
    status: str = Enrolment.Status.PENDING,
) -> Enrolment:
    """Give the trainee a seat on the session, or raise EnrolmentRefused with the reason."""
    # The row lock serialises concurrent enrolments on one session: the seat count
    # below cannot change until this transaction ends.
    session = Session.objects.select_for_update().get(pk=session.pk)
    refusal = enrolment_refusal(trainee_id=trainee.pk, session=session)
    if refusal:
        raise EnrolmentRefused(refusal)

    enrolment = Enrolment.objects.filter(trainee=trainee, session=session).first()
    if enrolment is None:
        enrolment = Enrolment(trainee=trainee, session=session)
    # A cancelled enrolment is taken up again rather than duplicated.
    enrolment.source = source
    enrolment.client = client if source == Enrolment.Source.EMPLOYER else None
    enrolment.legal_basis = LegalBasis.CONTRACT
    enrolment.status = status
    enrolment.full_clean(exclude=["role"])
    enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_set_status(*, enrolment: Enrolment, status: str) -> Enrolment:
    """Change an enrolment's status; taking a cancelled one back needs a free seat."""
    session = Session.objects.select_for_update().get(pk=enrolment.session_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    takes_a_seat = (
        enrolment.status == Enrolment.Status.CANCELLED and status in Enrolment.SEAT_HOLDING
    )
    if takes_a_seat:
        refusal = enrolment_refusal(trainee_id=None, session=session)
        if refusal:
            raise EnrolmentRefused(refusal)
    enrolment.status = status
    enrolment.save(update_fields=["status", "updated_at"])
    return enrolment


def enrolments_complete_ended(*, today: datetime.date) -> int:
    """Mark confirmed enrolments of sessions that ended before ``today`` as completed."""
    return Enrolment.objects.filter(
        session__end_date__lt=today, status=Enrolment.Status.CONFIRMED
    ).update(status=Enrolment.Status.COMPLETED, updated_at=timezone.now())
