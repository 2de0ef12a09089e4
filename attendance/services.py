"""Attendance sheets: made per session and half-day, signed by trainees on their own
phone or marked by staff, and confirmed by the trainer."""

import datetime
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from attendance.models import AttendanceLine, AttendanceSheet, HalfDay
from training.selectors import session_roster, session_with_course
from training.signing_codes import enrolment_signing_code

Status, Method = AttendanceLine.Status, AttendanceLine.Method
# Online sessions record connection time from the LMS instead.
FORMATS_WITH_SHEETS = ("in_person", "blended")


class SigningRefused(Exception):
    """A trainee's signature was not recorded; ``reason`` says why ("closed",
    "unknown_code", "not_on_sheet")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _times(setting: str) -> tuple[datetime.time, datetime.time]:
    value = getattr(settings, setting)
    try:
        start, end = (datetime.time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise ImproperlyConfigured(f"{setting}={value!r}: use HH:MM-HH:MM") from None
    if end <= start:
        raise ImproperlyConfigured(f"{setting}={value!r}: the half-day ends before it starts")
    return start, end


def half_day_bounds(*, day: datetime.date, half_day: str) -> tuple[datetime.datetime, ...]:
    """When this half-day starts and ends, in the site's time zone (settings
    ATTENDANCE_MORNING, ATTENDANCE_AFTERNOON)."""
    setting = "ATTENDANCE_MORNING" if half_day == HalfDay.MORNING else "ATTENDANCE_AFTERNOON"
    zone = timezone.get_current_timezone()
    return tuple(
        timezone.make_aware(datetime.datetime.combine(day, time), zone) for time in _times(setting)
    )


def session_days(*, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The days a session is taught: its weekdays (every day if it has none)."""
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    return [day for day in days if day.weekday() < 5] or days


@transaction.atomic
def sheets_ensure(*, session_id: int) -> list[AttendanceSheet]:
    """Every half-day sheet of the session, with a line for each trainee holding a seat;
    what already exists is left as it is (a late enrolment gets its lines)."""
    session = session_with_course(session_id=session_id)
    if session.format not in FORMATS_WITH_SHEETS:
        raise ValueError("Online sessions have no attendance sheets.")
    wanted = []
    for day in session_days(start=session.start_date, end=session.end_date):
        for half_day in HalfDay.values:
            starts_at, ends_at = half_day_bounds(day=day, half_day=half_day)
            wanted.append(
                AttendanceSheet(
                    session_id=session_id,
                    day=day,
                    half_day=half_day,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    trainer_name=session.trainer.name if session.trainer else "",
                )
            )
    AttendanceSheet.objects.bulk_create(wanted, ignore_conflicts=True)
    sheets = list(AttendanceSheet.objects.filter(session_id=session_id))
    enrolment_ids = list(session_roster(session_id=session_id).values_list("pk", flat=True))
    AttendanceLine.objects.bulk_create(
        [AttendanceLine(sheet=s, enrolment_id=e) for s in sheets for e in enrolment_ids],
        ignore_conflicts=True,
    )
    return sheets


def sheet_is_open(*, sheet: AttendanceSheet, now: datetime.datetime) -> bool:
    """Trainees may sign from a little before the half-day starts until it ends."""
    early = datetime.timedelta(minutes=settings.ATTENDANCE_SIGNING_EARLY_MINUTES)
    return sheet.starts_at - early <= now <= sheet.ends_at


def sheet_open_for_session(*, session_id: int, now: datetime.datetime):
    """The session's sheet that can be signed now, or None."""
    early = datetime.timedelta(minutes=settings.ATTENDANCE_SIGNING_EARLY_MINUTES)
    return AttendanceSheet.objects.filter(
        session_id=session_id, starts_at__lte=now + early, ends_at__gte=now
    ).first()


def _sign(line: AttendanceLine, method: str, now: datetime.datetime) -> AttendanceLine:
    # The first signature stands: signing twice does not move its time.
    if line.status != Status.PRESENT or line.method == Method.STAFF:
        line.status, line.method, line.signed_at, line.marked_by = Status.PRESENT, method, now, None
        line.save(update_fields=["status", "method", "signed_at", "marked_by"])
    return line


@transaction.atomic
def sheet_sign_with_code(*, sheet_id: int, code: str, now: datetime.datetime) -> AttendanceLine:
    """The trainee who owns this personal code signs the sheet (QR code on the trainer's
    screen). Only the codes of the sheet's own trainees are tried: another session's or
    another person's code is refused like a wrong one."""
    sheet = AttendanceSheet.objects.select_for_update().get(pk=sheet_id)
    if not sheet_is_open(sheet=sheet, now=now):
        raise SigningRefused("closed")
    typed = "".join(code.split()).upper()
    lines = sheet.lines.select_related("enrolment__trainee")
    for line in lines:
        expected = enrolment_signing_code(enrolment_id=line.enrolment_id)
        if hmac.compare_digest(expected, typed):
            return _sign(line, Method.CODE, now)
    raise SigningRefused("unknown_code")


@transaction.atomic
def sheet_sign_with_link(
    *, sheet_id: int, enrolment_id: int, now: datetime.datetime
) -> AttendanceLine:
    """The trainee whose personal link this is signs the sheet open now."""
    sheet = AttendanceSheet.objects.select_for_update().get(pk=sheet_id)
    if not sheet_is_open(sheet=sheet, now=now):
        raise SigningRefused("closed")
    line = sheet.lines.filter(enrolment_id=enrolment_id).select_related("enrolment__trainee")
    if not line:
        raise SigningRefused("not_on_sheet")
    return _sign(line[0], Method.LINK, now)


@transaction.atomic
def sheet_trainer_sign(*, sheet_id: int, user, now: datetime.datetime) -> AttendanceSheet:
    """The trainer confirms the half-day (signed from their staff account)."""
    sheet = AttendanceSheet.objects.select_for_update().get(pk=sheet_id)
    if sheet.trainer_signed_at is None:
        sheet.trainer_signed_at, sheet.trainer_signed_by = now, user
        if not sheet.trainer_name:
            sheet.trainer_name = user.get_full_name() or user.get_username()
        sheet.save(update_fields=["trainer_signed_at", "trainer_signed_by", "trainer_name"])
    return sheet


def line_mark(*, line: AttendanceLine, status: str, user, now: datetime.datetime) -> None:
    """Staff record a trainee's attendance by hand; a trainee's own signature stays when
    staff confirm them present."""
    if status == line.status and (line.method or status == Status.UNKNOWN):
        return
    if status == Status.UNKNOWN:
        line.signed_at, line.method, line.marked_by = None, "", None
    else:
        line.signed_at, line.method, line.marked_by = now, Method.STAFF, user
    line.status = status
    line.save(update_fields=["status", "signed_at", "method", "marked_by"])
