from celery import shared_task
from django.utils import timezone

from lms.services import (
    lms_access_grant,
    lms_access_revoke,
    lms_accesses_revoke_due,
    lms_grants_retry,
)


@shared_task(ignore_result=True)
def grant_lms_access(access_id: int) -> bool:
    """Open one account on the platform (a failure is recorded; the retry job goes on)."""
    return lms_access_grant(access_id=access_id, now=timezone.now())


@shared_task(ignore_result=True)
def revoke_lms_access(access_id: int) -> bool:
    """Close one account's access now (staff asked; a failure is left to the job)."""
    return lms_access_revoke(access_id=access_id, now=timezone.now())


@shared_task
def revoke_ended_lms_accesses() -> dict:
    """Hourly: close the accesses whose period ended. Not a retention rule: a restore
    re-runs the schedule, and must not call the platform."""
    return lms_accesses_revoke_due(now=timezone.now())


@shared_task
def retry_lms_grants() -> dict:
    """Every 15 minutes: open the accesses the platform or the broker held back."""
    return lms_grants_retry(now=timezone.now())
