from celery import shared_task
from django.utils import timezone

from training.services import enrolments_complete_ended


@shared_task
def complete_ended_enrolments() -> int:
    """Daily: confirmed enrolments of ended sessions become completed."""
    return enrolments_complete_ended(today=timezone.localdate())
