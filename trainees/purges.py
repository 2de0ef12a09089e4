"""What the retention schedule (core/schedule.py) deletes among trainees: each rule
names a ``*_due`` selector and a ``purge_*`` service of this module."""

import datetime

from django.conf import settings
from django.utils import timezone

from core.periods import day_start, years_before
from trainees.models import Trainee


def trainee_prospects_due(*, now: datetime.datetime):
    """People on file who never enrolled, neither put on file nor in touch of their own
    accord within the prospecting period: their prospecting clock (trainees.selectors)
    read on the columns themselves, since they have no session to look up."""
    cutoff = years_before(timezone.localdate(now), settings.RETENTION["PROSPECTING_YEARS"])
    since = day_start(cutoff)
    return Trainee.objects.filter(enrolments__isnull=True, created_at__lt=since).exclude(
        last_contact_at__gte=since
    )


def purge_trainee_prospects(*, ids, now: datetime.datetime) -> int:
    """Policy §6: prospecting data is kept at most 3 years: people on file who never
    enrolled are deleted 3 years after they were put on file or last got in touch
    themself (a yes to offers on their own page or in writing), whichever is later.
    Our own emails and staff edits never restart it."""
    # Asked again: whoever enrolled or got in touch since the run began stays.
    deleted = trainee_prospects_due(now=now).filter(pk__any_of=ids).delete()[1]
    return deleted.get("trainees.Trainee", 0)
