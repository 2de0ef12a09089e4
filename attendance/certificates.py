"""Certificates at the end of a session: the certificate of completion (hours actually
attended, from the sheets) and the end-of-training attestation (Code du travail
L.6353-1), issued per trainee and sent as a signed, expiring link.

The figures and texts are frozen in the Certificate row when issued; the PDF is laid out
from them on each download rather than stored: nothing to keep in step with the row, to
erase, to back up or to leak from disk, and a download costs a fraction of a second."""

import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from attendance.emails import certificate_message
from attendance.models import AttendanceSheet, Certificate
from attendance.selectors import hours_attended
from attendance.services import FORMATS_WITH_SHEETS, sheets_ensure
from core.outbox import email_enqueue
from training.selectors import session_roster, session_with_course, sessions_ended

_SALT = "attendance.certificate"
# Enrolments that receive a certificate (a pending one was never confirmed).
ISSUED_TO = ("confirmed", "completed")
# The daily job looks this far back for sessions left without certificates (a worker down
# for a few days catches up; older sessions are issued by hand).
CATCH_UP_DAYS = 30


def certificate_link(*, certificate: Certificate, language: str) -> str:
    """The signed download link of the certificate's PDF in this language."""
    token = signing.dumps({"c": certificate.pk, "l": language}, salt=_SALT)
    return settings.SITE_URL + reverse("attendance:certificate", args=[token])


def certificate_from_token(token: str) -> tuple[Certificate, str]:
    """The certificate and language a link names; BadSignature (or SignatureExpired after
    CERTIFICATE_LINK_DAYS), Certificate.DoesNotExist if it was erased."""
    data = signing.loads(token, salt=_SALT, max_age=settings.CERTIFICATE_LINK_DAYS * 86400)
    certificate = Certificate.objects.select_related("enrolment__trainee").get(pk=data["c"])
    return certificate, data["l"]


def _snapshot(session, enrolment, sheets) -> dict:
    course = session.course
    return {
        "trainee": str(enrolment.trainee),
        "course": course.title,
        "code": course.code,
        "objectives": course.objectives,
        "nature": course.nature,
        "duration_hours": str(course.duration_hours),
        "start": session.start_date.isoformat(),
        "end": session.end_date.isoformat(),
        "location": session.location,
        "format": session.format,
        "half_days": [
            [s.day.isoformat(), s.half_day, line.status]
            for s in sheets
            for line in s.lines.all()
            if line.enrolment_id == enrolment.pk
        ],
    }


@transaction.atomic
def certificates_issue(
    *, session_id: int, now: datetime.datetime, enrolment_ids=None, only_missing=False
) -> int:
    """Issue (or issue again) the certificates of a session's trainees, from its sheets,
    and email each trainee their link. Returns how many were issued."""
    sheets_ensure(session_id=session_id)
    # One issue at a time per session: the job fired twice (two beats) or beside staff's
    # action waits here, then finds the certificates issued (only_missing) and mails none.
    list(_sheets_locked(session_id=session_id))
    session = session_with_course(session_id=session_id)
    planned, attended = hours_attended(session_id=session_id)
    sheets = list(session.attendance_sheets.prefetch_related("lines"))
    roster = session_roster(session_id=session_id).filter(status__in=ISSUED_TO)
    if enrolment_ids is not None:
        roster = roster.filter(pk__in=enrolment_ids)
    if only_missing:
        roster = roster.filter(certificate__isnull=True)
    issued = 0
    for enrolment in roster:
        certificate, _created = Certificate.objects.update_or_create(
            enrolment=enrolment,
            defaults={
                "issued_at": now,
                "hours_planned": planned,
                "hours_attended": attended.get(enrolment.pk, 0),
                "snapshot": _snapshot(session, enrolment, sheets),
                "emailed_at": now,
            },
        )
        links = {"fr": certificate_link(certificate=certificate, language="fr")}
        if enrolment.trainee.language == "en":
            links["en"] = certificate_link(certificate=certificate, language="en")
        email_enqueue(
            message=certificate_message(certificate=certificate, links=links),
            kind="attendance.certificate",
        )
        issued += 1
    return issued


def _sheets_locked(*, session_id: int):
    return (
        AttendanceSheet.objects.select_for_update()
        .filter(session_id=session_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def certificates_issue_ended(*, now: datetime.datetime) -> int:
    """Daily: sessions with sheets that ended before today (and within CATCH_UP_DAYS) get
    the certificates they still lack."""
    today = timezone.localdate(now)
    sessions = sessions_ended(
        before=today,
        since=today - datetime.timedelta(days=CATCH_UP_DAYS),
        formats=FORMATS_WITH_SHEETS,
    )
    return sum(
        certificates_issue(session_id=session.pk, now=now, only_missing=True)
        for session in sessions
    )
