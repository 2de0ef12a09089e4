from celery import shared_task
from django.utils import timezone

from backups.scheduled import backup_nightly


@shared_task(bind=True, ignore_result=True)
def take_backup(self) -> str:
    """Every night at BACKUP_SCHEDULE: a backup into BACKUP_DIR, the oldest pruned; once
    a night, whoever fires it."""
    run = backup_nightly(now=timezone.now(), holder=self.request.id or "in-process")
    return run.outcome if run else "skipped"
