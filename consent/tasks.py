from smtplib import SMTPException

from celery import shared_task
from django.core import signing

from consent.campaigns import campaign_send
from consent.emails import self_service_link_message
from consent.selectors import address_on_file, person_language
from consent.tokens import self_service_token_read


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=30, max_retries=5)
def send_self_service_link(token: str, language: str) -> bool:
    """Email a fresh self-service link, if the address is on file. Takes a token, not the
    address, so that no address sits in the broker or in worker logs."""
    try:
        email = self_service_token_read(token)
    except signing.BadSignature:
        return False
    if not address_on_file(email=email):
        return False
    self_service_link_message(
        email=email, language=person_language(email=email, default=language)
    ).send()
    return True


@shared_task(
    acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=60, max_retries=10
)
def send_campaign(campaign_id: int) -> tuple[int, int]:
    """Send an offer campaign; a retry resumes where the last attempt stopped."""
    return campaign_send(campaign_id=campaign_id)
