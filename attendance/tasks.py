from celery import shared_task
from django.utils import timezone

from attendance.certificates import certificates_issue_ended


@shared_task
def issue_certificates() -> int:
    """Daily: ended sessions' trainees get their certificates and their links."""
    return certificates_issue_ended(now=timezone.now())
