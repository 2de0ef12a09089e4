"""Reads about LMS accesses: which are due to be opened again or closed."""

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from lms.models import LmsAccess

# A grant's own task goes first; the retry job takes over after this.
GRANT_GRACE = datetime.timedelta(minutes=5)


def lms_access_last_day(*, session_end: datetime.date) -> datetime.date:
    """The last day a trainee may use the platform (Europe/Paris dates)."""
    return session_end + datetime.timedelta(days=settings.LMS_ACCESS_DAYS_AFTER_SESSION)


def lms_accesses_to_revoke(*, now: datetime.datetime) -> QuerySet[LmsAccess]:
    """Open accesses whose period is over (the day after the last day), whose closing
    staff asked for, or whose enrolment was cancelled or erased."""
    days = settings.LMS_ACCESS_DAYS_AFTER_SESSION
    ended_before = timezone.localdate(now) - datetime.timedelta(days=days)
    return LmsAccess.objects.filter(state=LmsAccess.State.GRANTED).filter(
        Q(revoke_requested_at__isnull=False)
        | Q(enrolment__isnull=True)
        | Q(enrolment__status="cancelled")
        | Q(enrolment__session__end_date__lt=ended_before)
    )


def lms_grants_waiting(*, now: datetime.datetime) -> QuerySet[LmsAccess]:
    """Accesses still to open that their own task should have opened by now."""
    return LmsAccess.objects.filter(
        state=LmsAccess.State.TO_GRANT, requested_at__lte=now - GRANT_GRACE
    )
