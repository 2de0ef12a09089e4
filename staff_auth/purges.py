"""Sign-in failures (django-axes: staff usernames, addresses, browsers) are kept a bounded
time: long enough for the DPO to look into a guessing attack, then deleted."""

import datetime

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.utils import timezone

from core.purge import purge


def sign_in_failures_due(*, now: datetime.datetime):
    days = settings.RETENTION["SIGN_IN_FAILURES_DAYS"]
    return AccessFailureLog.objects.filter(attempt_time__lt=now - datetime.timedelta(days=days))


def purge_sign_in_failures(
    *, now: datetime.datetime, batch_size: int, dry_run=False, progress=None
):
    """Policy §7: each failed staff sign-in is kept RETENTION_SIGN_IN_FAILURES_DAYS (180
    by default, the six months the CNIL recommends at least for access logs), then
    deleted; lockout counters go once their cool-off has passed."""
    if not dry_run:
        cool_off = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
        AccessAttempt.objects.filter(attempt_time__lt=now - cool_off).delete()
    return purge(
        sign_in_failures_due(now=now),
        lambda ids: AccessFailureLog.objects.filter(pk__in=ids).delete()[0],
        today=timezone.localdate(now),
        email_path=None,
        batch_size=batch_size,
        dry_run=dry_run,
        progress=progress,
    )
