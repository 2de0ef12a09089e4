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
    """Policy §9: consented cookies live at most 13 months, so the proof of a choice is
    kept 13 calendar months, then deleted."""
    return ConsentLog.objects.filter(pk__any_of=ids).delete()[0]
