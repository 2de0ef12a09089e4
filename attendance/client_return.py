"""The data we hold as a client's processor, to give back at the end of its services
(GDPR Art. 28(3)(g)): its employees, the sessions it registered them on, and their
attendance, one line per enrolment, for the staff to send to the client."""

import csv
import datetime
from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from attendance.models import AttendanceLine, Certificate
from core.audit import audit_record
from core.disclosures import Kind as DisclosureKind
from core.disclosures import disclosure_record
from training.selectors import client_enrolments

HEADER = [
    _("Surname"),
    _("First name"),
    _("Email"),
    _("Phone"),
    _("Postal address"),
    _("Occupation"),
    _("Diplomas and skills"),
    _("Other information"),
    _("Course"),
    _("Session start"),
    _("Session end"),
    _("Enrolment status"),
    _("Half-days present"),
    _("Half-days absent"),
    _("Attendance per half-day"),
    _("Hours attended (certificate)"),
    _("Certificate issued on"),
]
# What the recipients log says went back to the client.
RETURN_CATEGORIES = ["identity", "contact", "training", "attendance"]
# A spreadsheet runs a cell that starts so as a formula; a phone number stays as typed.
FORMULA_STARTS = ("=", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or (
        text[:1] in ("+", "-") and not text[1:].replace(" ", "").replace(".", "").isdigit()
    ):
        return "'" + text
    return text


def _details(trainee, shared: bool) -> list:
    # A trainee on file for someone else too (registered themself, or by another client)
    # may have given these details to us as controller: only their identity goes back.
    if shared:
        return ["", "", "", "", ""]
    return [
        trainee.phone,
        trainee.postal_address,
        trainee.occupation,
        trainee.diplomas_and_skills,
        trainee.notes,
    ]


def _attendance(enrolment_ids) -> tuple[dict, dict]:
    lines = defaultdict(list)
    for line in (
        AttendanceLine.objects.filter(enrolment_id__in=enrolment_ids)
        .select_related("sheet")
        .order_by("sheet__starts_at")
    ):
        lines[line.enrolment_id].append(line)
    certificates = {
        c.enrolment_id: c for c in Certificate.objects.filter(enrolment_id__in=enrolment_ids)
    }
    return lines, certificates


def client_return_rows(*, client_id: int) -> tuple[list[list[str]], set[str]]:
    """The lines of the export (header first) and the addresses of the people in it."""
    enrolments = list(client_enrolments(client_id=client_id))
    lines, certificates = _attendance([e.pk for e in enrolments])
    Status = AttendanceLine.Status
    rows, emails = [[str(title) for title in HEADER]], set()
    for enrolment in enrolments:
        trainee, session = enrolment.trainee, enrolment.session
        mine, certificate = lines[enrolment.pk], certificates.get(enrolment.pk)
        per_half_day = "; ".join(
            f"{line.sheet.day.isoformat()} {line.sheet.get_half_day_display()}: "
            f"{line.get_status_display()}"
            for line in mine
        )
        row = [
            trainee.surname,
            trainee.first_name,
            trainee.email,
            *_details(trainee, enrolment.trainee_elsewhere),
            session.course.title,
            session.start_date.isoformat(),
            session.end_date.isoformat(),
            enrolment.get_status_display(),
            sum(line.status == Status.PRESENT for line in mine),
            sum(line.status in (Status.ABSENT, Status.EXCUSED) for line in mine),
            per_half_day,
            certificate.hours_attended if certificate else "",
            certificate.issued_at.date().isoformat() if certificate else "",
        ]
        rows.append([_cell(value) for value in row])
        emails.add(trainee.email)
    return rows, emails


@transaction.atomic
def client_return_write(*, organisation, out, actor, now: datetime.datetime) -> int:
    """Write the client's export as CSV into ``out``; the download is audited (counts
    only) and each person in it logged as sent to the client. Returns the lines."""
    rows, emails = client_return_rows(client_id=organisation.pk)
    csv.writer(out).writerows(rows)
    for email in sorted(emails):
        disclosure_record(
            email=email,
            recipient=organisation.name,
            kind=DisclosureKind.CLIENT,
            categories=RETURN_CATEGORIES,
            now=now,
            obj=organisation,
        )
    audit_record(
        actor=actor,
        action="processor_data_exported",
        obj=organisation,
        note=f"{len(rows) - 1} enrolments, {len(emails)} people",
    )
    return len(rows) - 1
