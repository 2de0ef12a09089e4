from celery import shared_task
from django.utils import timezone

from training.services import (
    enrolment_confirmation_requeue,
    enrolment_emails_to_outbox,
    enrolments_complete_ended,
    processor_notice_requeue,
)


@shared_task
def complete_ended_enrolments() -> int:
    """Daily: confirmed enrolments of ended sessions become completed."""
    return enrolments_complete_ended(today=timezone.localdate())


@shared_task
def send_enrolment_confirmation(enrolment_id: int) -> bool:
    """Left for the tasks queued before the outbox existed: the email goes to the outbox."""
    return enrolment_confirmation_requeue(enrolment_id=enrolment_id)


@shared_task
def send_processor_notice(enrolment_id: int) -> bool:
    """Left for the tasks queued before the outbox existed: the notice goes to the outbox."""
    return processor_notice_requeue(enrolment_id=enrolment_id)


@shared_task
def send_pending_confirmations() -> dict:
    """Every few minutes: confirmations and notices from before the outbox go to it."""
    return enrolment_emails_to_outbox(now=timezone.now())
