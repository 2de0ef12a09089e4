"""What the retention schedule (core/schedule.py) deletes among trainees: each rule
names a ``*_due`` selector and a ``purge_*`` service of this module."""

import datetime

from django.conf import settings
from django.utils import timezone

from core.periods import day_start, years_before
from trainees.models import Trainee


def trainee_prospects_due(*, now: datetime.datetime):
    """Trainees who never attended anything, untouched for the prospecting period."""
    cutoff = years_before(timezone.localdate(now), settings.RETENTION["PROSPECTING_YEARS"])
    return Trainee.objects.filter(enrolments__isnull=True, updated_at__lt=day_start(cutoff))


def purge_trainee_prospects(*, ids, now: datetime.datetime) -> int:
    """Policy §6: prospecting data is kept at most 3 years: people on file who never
    enrolled are deleted 3 years after the last change to their record."""
    deleted = Trainee.objects.filter(pk__any_of=ids, enrolments__isnull=True).delete()[1]
    return deleted.get("trainees.Trainee", 0)
