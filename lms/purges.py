"""What the retention schedule (core/schedule.py) applies to LMS records. Closing the
accounts is not here: the schedule also runs after a restore, which must never call the
platform; the revocation job (lms/tasks.py) closes them."""

import datetime

from django.conf import settings

from lms.models import LmsAccess


def lms_records_due(*, now: datetime.datetime):
    """Records of accesses closed longer ago than settings.LMS_RECORDS_KEEP_DAYS."""
    cutoff = now - datetime.timedelta(days=settings.LMS_RECORDS_KEEP_DAYS)
    return LmsAccess.objects.filter(state=LmsAccess.State.REVOKED, revoked_at__lt=cutoff)


def purge_lms_records(*, ids, now: datetime.datetime) -> int:
    """Policy §6: data is kept no longer than needed. A closed access's record (login,
    dates) is deleted a year after the closing; an open one is never deleted here, so
    that its account is always closed first."""
    return LmsAccess.objects.filter(pk__any_of=ids, state=LmsAccess.State.REVOKED).delete()[0]
