import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from training.models import Enrolment
from training.services import (
    enrolment_confirmation_queue,
    enrolment_confirmations_to_outbox,
    enrolments_complete_ended,
    processor_notice_queue,
    processor_notices_to_outbox,
)


@shared_task
def complete_ended_enrolments() -> int:
    """Daily: confirmed enrolments of ended sessions become completed."""
    return enrolments_complete_ended(today=timezone.localdate())


@shared_task
def send_enrolment_confirmation(enrolment_id: int) -> bool:
    """Left for the tasks queued before the outbox existed: the email goes to the outbox."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("trainee", "session__course")
            .filter(
                pk=enrolment_id,
                confirmation=Enrolment.Confirmation.PENDING,
                confirmation_email__isnull=True,
            )
            .first()
        )
        if enrolment is None:
            return False
        enrolment_confirmation_queue(enrolment=enrolment)
    return True


@shared_task
def send_processor_notice(enrolment_id: int) -> bool:
    """Left for the tasks queued before the outbox existed: the notice goes to the outbox."""
    enrolment = Enrolment.objects.select_related("trainee", "client", "session__course").get(
        pk=enrolment_id
    )
    with transaction.atomic():
        return processor_notice_queue(enrolment=enrolment)


@shared_task
def send_pending_confirmations() -> dict:
    """Every few minutes: confirmations and information notices recorded before the
    outbox existed are handed to it (the outbox's own sweeper sends them)."""
    now, grace = timezone.now(), datetime.timedelta(minutes=5)
    return {
        "confirmations": enrolment_confirmations_to_outbox(
            now=now, grace=grace, within=datetime.timedelta(days=2)
        ),
        "notices": processor_notices_to_outbox(
            now=now, grace=grace, within=datetime.timedelta(days=30)
        ),
    }
