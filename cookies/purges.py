"""What the retention schedule (core/schedule.py) deletes among cookie records."""

import datetime

from django.conf import settings

from cookies.models import ConsentLog
from core.periods import months_before


def consent_log_due(*, now: datetime.datetime):
    """Proofs of cookie choices older than the consent log's period (calendar months)."""
    months = settings.RETENTION["COOKIE_CONSENT_LOG_MONTHS"]
    return ConsentLog.objects.filter(created_at__lt=months_before(now, months))


def purge_consent_log(*, ids, now: datetime.datetime) -> int:
    """Policy §9: a cookie choice is kept at most 6 months, and so is its proof (the
    cookies it allowed end with the choice: cookies/registry.py)."""
    return ConsentLog.objects.filter(pk__any_of=ids).delete()[0]
