import datetime
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from training.services import (
    enrolment_confirmation_send,
    enrolment_confirmations_send_pending,
    enrolments_complete_ended,
    processor_notice_send,
    processor_notices_send_pending,
)


@shared_task
def complete_ended_enrolments() -> int:
    """Daily: confirmed enrolments of ended sessions become completed."""
    return enrolments_complete_ended(today=timezone.localdate())


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=6,
)
def send_enrolment_confirmation(enrolment_id: int) -> bool:
    """Send a registration's confirmation email, retrying while the mail server is down."""
    return enrolment_confirmation_send(enrolment_id=enrolment_id, now=timezone.now())


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=6,
)
def send_processor_notice(enrolment_id: int) -> bool:
    """Send the GDPR information notice to a trainee their employer registered."""
    return processor_notice_send(enrolment_id=enrolment_id, now=timezone.now())


@shared_task
def send_pending_confirmations() -> dict:
    """Every few minutes: send the confirmations and information notices that the broker
    or the mail server held back."""
    now, grace = timezone.now(), datetime.timedelta(minutes=5)
    return {
        "confirmations": enrolment_confirmations_send_pending(now=now, grace=grace),
        "notices": processor_notices_send_pending(
            now=now, grace=grace, within=datetime.timedelta(days=30)
        ),
    }
