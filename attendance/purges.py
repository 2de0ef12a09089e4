"""What the retention schedule (core/schedule.py) applies to attendance evidence."""

import datetime

from django.conf import settings
from django.utils import timezone

from attendance.models import AttendanceLine, AttendanceSheet, Certificate
from core.periods import years_before


def _cutoff(now: datetime.datetime) -> datetime.date:
    return years_before(timezone.localdate(now), settings.RETENTION["ATTENDANCE_EVIDENCE_YEARS"])


def attendance_evidence_due(*, now: datetime.datetime):
    """Attendance lines of sessions that ended before the evidence period
    (settings.RETENTION["ATTENDANCE_EVIDENCE_YEARS"], 5 years by default)."""
    return AttendanceLine.objects.filter(enrolment__session__end_date__lt=_cutoff(now))


def purge_attendance_evidence(*, ids, now: datetime.datetime) -> int:
    """Policy §6: attendance sheets and certificates are evidence kept for the statutory
    period after the session (the State's control of training providers, the funders,
    contractual claims: 5 years), then deleted: the lines, the same trainees'
    certificates of that session, and the sheets left with no line."""
    lines = AttendanceLine.objects.filter(pk__in=list(ids))
    enrolment_ids = list(lines.values_list("enrolment_id", flat=True).distinct())
    deleted = lines.delete()[1].get("attendance.AttendanceLine", 0)
    Certificate.objects.filter(
        enrolment_id__in=enrolment_ids, enrolment__session__end_date__lt=_cutoff(now)
    ).delete()
    AttendanceSheet.objects.filter(session__end_date__lt=_cutoff(now), lines__isnull=True).delete()
    return deleted
