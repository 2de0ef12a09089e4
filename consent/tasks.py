from celery import shared_task

from consent.self_service import self_service_link_requeue


@shared_task
def send_self_service_link(token: str, language: str) -> bool:
    """Left for the tasks queued before the outbox existed: the email goes to the outbox."""
    return self_service_link_requeue(token=token, language=language)
