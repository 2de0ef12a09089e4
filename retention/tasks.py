from celery import shared_task
from django.utils import timezone

from retention.services import RetentionBusy, retention_run


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_retention() -> dict:
    """Daily: apply every rule of the retention schedule (counts are in the purge log)."""
    try:
        results = retention_run(now=timezone.now())
    except RetentionBusy:
        return {"skipped": "another run is in progress"}
    return {name: result.affected for name, result in results.items()}
