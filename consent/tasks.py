import datetime
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from consent.campaigns import campaign_send, campaigns_resume
from consent.self_service import self_service_link_requeue


@shared_task
def send_self_service_link(token: str, language: str) -> bool:
    """Left for the tasks queued before the outbox existed: the email goes to the outbox."""
    return self_service_link_requeue(token=token, language=language)


@shared_task(
    acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=60, max_retries=10
)
def send_campaign(campaign_id: int) -> tuple[int, int]:
    """Send an offer campaign; a retry resumes where the last attempt stopped."""
    return campaign_send(campaign_id=campaign_id)


@shared_task
def resume_campaigns() -> int:
    """Every few minutes: go on with campaigns the broker or a dead worker left behind."""
    return campaigns_resume(now=timezone.now(), grace=datetime.timedelta(minutes=5))
