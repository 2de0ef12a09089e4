"""Reads about attendance: hours attended and the sheets of a session."""

from collections import defaultdict
from decimal import Decimal

from attendance.models import AttendanceLine, AttendanceSheet


def session_sheets(*, session_id: int):
    """The session's sheets, in order, with their lines and trainees (3 queries)."""
    return AttendanceSheet.objects.filter(session_id=session_id).prefetch_related(
        "lines__enrolment__trainee"
    )


def hours_attended(*, session_id: int) -> tuple[Decimal, dict[int, Decimal]]:
    """The hours planned (all the session's half-days) and, per enrolment, the hours of
    the half-days it was present at: a trainee absent one half-day has that half-day's
    hours less. Excused absences are not attended hours."""
    planned = sum(
        (Decimal(str(s.hours)) for s in AttendanceSheet.objects.filter(session_id=session_id)),
        Decimal(0),
    )
    attended: dict[int, Decimal] = defaultdict(Decimal)
    present = AttendanceLine.objects.filter(
        sheet__session_id=session_id, status=AttendanceLine.Status.PRESENT
    ).values_list("enrolment_id", "sheet__starts_at", "sheet__ends_at")
    for enrolment_id, starts_at, ends_at in present:
        attended[enrolment_id] += Decimal(
            str(round((ends_at - starts_at).total_seconds() / 3600, 2))
        )
    return planned, attended
