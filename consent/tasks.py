from celery import shared_task
from django.core import signing
from django.db import transaction

from consent.self_service import self_service_link_send
from consent.tokens import self_service_token_read


@shared_task
def send_self_service_link(token: str, language: str) -> bool:
    """Left for the tasks queued before the outbox existed: the email goes to the outbox."""
    try:
        email = self_service_token_read(token)
    except signing.BadSignature:
        return False
    with transaction.atomic():
        return self_service_link_send(email=email, language=language)
