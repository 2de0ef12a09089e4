"""The PDFs of attendance/: a session's signed sheets, and a trainee's certificates."""

import datetime

from django.conf import settings

from attendance.models import AttendanceLine, Certificate
from attendance.selectors import session_sheets
from core.pdf import pdf_render
from training.selectors import session_roster, session_with_course


def sheets_pdf(*, session_id: int, language: str = "fr") -> bytes:
    """The session's sheets as one PDF: a row per trainee, a column per half-day, each
    cell with the status, the time and the method of the signature."""
    session = session_with_course(session_id=session_id)
    sheets = list(session_sheets(session_id=session_id))
    cells = {(line.sheet_id, line.enrolment_id): line for s in sheets for line in s.lines.all()}
    rows = [
        (enrolment, [cells.get((s.pk, enrolment.pk)) for s in sheets])
        for enrolment in session_roster(session_id=session_id)
    ]
    context = {
        "session": session,
        "sheets": sheets,
        "rows": rows,
        "methods": dict(AttendanceLine.Method.choices),
        "organisation": settings.ORGANISATION,
    }
    return pdf_render(template="attendance/sheets_pdf.html", context=context, language=language)


def certificate_pdf(*, certificate: Certificate, language: str) -> bytes:
    """The certificate of completion and the end-of-training attestation, as issued."""
    snapshot = certificate.snapshot
    context = {
        "certificate": certificate,
        "s": snapshot,
        "start": datetime.date.fromisoformat(snapshot["start"]),
        "end": datetime.date.fromisoformat(snapshot["end"]),
        "organisation": settings.ORGANISATION,
    }
    return pdf_render(
        template="attendance/certificate_pdf.html", context=context, language=language
    )
