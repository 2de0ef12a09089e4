"""Sign-in failures (django-axes: staff usernames, addresses, browsers) are kept a bounded
time: long enough for the DPO to look into a guessing attack, then deleted. The retention
schedule (core/schedule.py) names these."""

import datetime

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings


def sign_in_failures_due(*, now: datetime.datetime):
    """Failed sign-ins older than RETENTION_SIGN_IN_FAILURES_DAYS."""
    days = settings.RETENTION["SIGN_IN_FAILURES_DAYS"]
    return AccessFailureLog.objects.filter(attempt_time__lt=now - datetime.timedelta(days=days))


def purge_sign_in_failures(*, ids, now: datetime.datetime) -> int:
    """Policy §7: each failed staff sign-in is kept RETENTION_SIGN_IN_FAILURES_DAYS (180
    by default, the six months the CNIL recommends at least for access logs), then
    deleted."""
    return AccessFailureLog.objects.filter(pk__in=ids).delete()[0]


def lockouts_expired_delete(*, now: datetime.datetime) -> int:
    """Lockout counters go once their cool-off has passed (before each real run)."""
    cool_off = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(attempt_time__lt=now - cool_off).delete()[0]
