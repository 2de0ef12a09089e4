from celery import shared_task
from django.utils import timezone

from core.outbox import outbox_deliver, outbox_sweep


@shared_task(ignore_result=True)
def deliver_email(email_id: int) -> bool:
    """Send one outbox email; a failure is recorded on the row and the sweeper retries."""
    # Takes the row's id, so that no address sits in the broker or in worker logs.
    return outbox_deliver(email_id=email_id, now=timezone.now())


@shared_task
def sweep_outbox() -> tuple[int, int]:
    """Every minute: deliver the emails the broker or the mail server held back."""
    return outbox_sweep(now=timezone.now())
