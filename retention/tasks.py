from celery import shared_task
from django.utils import timezone

from retention.services import RetentionBusy, manual_run_perform, retention_run_nightly


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # Within the lease (3 hours), so that the lease never outlives its task by much.
    soft_time_limit=2 * 3600 + 40 * 60,
    time_limit=2 * 3600 + 50 * 60,
)
def run_retention(self) -> dict:
    """Nightly: apply every rule of the retention schedule, once a night (counts are in
    the purge log)."""
    # Delivered again after its worker died, the task takes over its own lease.
    try:
        results = retention_run_nightly(now=timezone.now(), holder=self.request.id)
    except RetentionBusy:
        return {"skipped": "another run is in progress"}
    if results is None:  # beat started twice, or the task delivered twice
        return {"skipped": "tonight's run is done"}
    return {name: result.affected for name, result in results.items()}


@shared_task(
    bind=True, acks_late=True, soft_time_limit=2 * 3600 + 40 * 60, time_limit=2 * 3600 + 50 * 60
)
def run_retention_now(self, run_id: int) -> None:
    """The DPO's "run now" from the back-office: the same run as the nightly one, under
    the same lease (refused while another run holds it); counts kept on the request."""
    manual_run_perform(run_id=run_id, holder=self.request.id or f"manual-{run_id}")
