"""Demo: a session running today, so that a first run can go through a training day end
to end: convocations sent, half-days signed on a phone, the session ended, certificates
and the survey sent (README, "Training operations")."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from attendance.services import sheets_ensure
from trainees.services import trainee_create
from training.models import Course, Enrolment, Session
from training.services import enrolment_create, session_save
from training.signing_codes import enrolment_signing_code
from training.trainers import trainer_for_name

LOCATION = "Lyon · salle Rhône (démo du jour)"
PEOPLE = [
    ("Durand", "Inès", "ines.durand@example.org", "fr"),
    ("Petit", "Hugo", "hugo.petit@example.org", "fr"),
    ("Walker", "Amy", "amy.walker@example.org", "en"),
]


class Command(BaseCommand):
    help = (
        "Add a one-day session running today, with three trainees confirmed (their "
        "convocations go through the outbox) and its half-day attendance sheets. Once only."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        session = Session.objects.filter(location=LOCATION, start_date=today).first()
        if session is None:
            session = _running_session(today)
        for sheet in session.attendance_sheets.all():
            path = reverse("admin:attendance_attendancesheet_trainer", args=[sheet.pk])
            self.stdout.write(f"  {sheet}: trainer's page (QR code) {settings.SITE_URL}{path}")
        for enrolment in session.enrolments.select_related("trainee"):
            code = enrolment_signing_code(enrolment_id=enrolment.pk)
            self.stdout.write(f"  {enrolment.trainee}: signing code {code}")


@transaction.atomic
def _running_session(today) -> Session:
    """The session, its trainees confirmed (convocations sent), its sheets ready."""
    session = Session(
        course=Course.objects.get(code="SST-INIT"),
        start_date=today,
        end_date=today,
        location=LOCATION,
        capacity=12,
        trainer=trainer_for_name(name="Nadia Benali"),
        meals_provided=True,
    )
    session_save(session=session)
    for surname, first_name, email, language in PEOPLE:
        trainee = trainee_create(
            surname=surname, first_name=first_name, email=email, language=language
        )
        enrolment_create(
            trainee=trainee,
            session=session,
            source=Enrolment.Source.SELF,
            status=Enrolment.Status.CONFIRMED,
        )
    sheets_ensure(session_id=session.pk)
    return session
