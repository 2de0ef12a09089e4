from celery import shared_task
from django.utils import timezone

from backups.scheduled import backup_scheduled


@shared_task(ignore_result=True)
def take_backup() -> str:
    """Every night at BACKUP_SCHEDULE: a backup into BACKUP_DIR, the oldest pruned."""
    return backup_scheduled(now=timezone.now()).outcome
