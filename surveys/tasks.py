from celery import shared_task
from django.utils import timezone

from surveys.services import surveys_invite


@shared_task
def invite_to_surveys() -> int:
    """Daily: trainees of the sessions that ended are asked for their opinion, once."""
    return surveys_invite(now=timezone.now())
