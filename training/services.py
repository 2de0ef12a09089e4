"""Writes on enrolments. Every enrolment, from the admin, the public form or a test,
is created here, under a lock on its session row, so capacity always holds."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.outbox import email_enqueue
from core.signals import enrolment_confirmed
from training.emails import enrolment_confirmation_message, processor_notice_message
from training.models import Course, Enrolment, LegalBasis, ProcessorNotice, Session
from training.selectors import enrolment_refusal, session_seats_taken
from training.sensitive_needs import sensitive_needs_drop_allergies
from training.trainers import LISTED, session_trainer_disclosures_record

logger = logging.getLogger(__name__)

# The outbox's labels for the emails sent from here.
CONFIRMATION_KIND, NOTICE_KIND = "enrolment.confirmation", "enrolment.processor_notice"


class EnrolmentRefused(ValidationError):
    """The session is full or the trainee already holds a seat on it (``code`` says which)."""

    @classmethod
    def because(cls, code: str) -> "EnrolmentRefused":
        messages = {
            "already_enrolled": _("This trainee is already enrolled on this session."),
            "full": _("This session is full: no seat is left."),
        }
        return cls(messages[code], code=code)


@transaction.atomic
def enrolment_create(
    *,
    trainee,
    session: Session,
    source: str,
    client=None,
    status: str = Enrolment.Status.PENDING,
    confirmation: str = Enrolment.Confirmation.NOT_NEEDED,
    employer_name: str = "",
    funding: str | None = None,
) -> Enrolment:
    """Give the trainee a seat on the session, or raise EnrolmentRefused with the reason."""
    # The row lock serialises concurrent enrolments on one session: the seat count
    # below cannot change until this transaction ends.
    session = Session.objects.select_for_update().get(pk=session.pk)
    refusal = enrolment_refusal(trainee_id=trainee.pk, session=session)
    # A cancelled enrolment recorded for history takes no seat, so a full session allows it.
    if refusal and status in Enrolment.SEAT_HOLDING:
        raise EnrolmentRefused.because(refusal)

    enrolment = Enrolment.objects.filter(trainee=trainee, session=session).first()
    if enrolment is None:
        enrolment = Enrolment(trainee=trainee, session=session)
    # A cancelled enrolment is taken up again rather than duplicated.
    enrolment.source = source
    enrolment.client = client if source == Enrolment.Source.EMPLOYER else None
    enrolment.legal_basis = LegalBasis.CONTRACT
    enrolment.status = status
    enrolment.confirmation = confirmation
    enrolment.employer_name = employer_name
    # Unless staff say otherwise, the one who registers pays.
    enrolment.funding = funding or (
        Enrolment.Funding.EMPLOYER
        if source == Enrolment.Source.EMPLOYER
        else Enrolment.Funding.SELF
    )
    enrolment.full_clean(exclude=["role"])
    enrolment.save()
    if source == Enrolment.Source.EMPLOYER:
        processor_notice_queue(enrolment=enrolment)
    if status == Enrolment.Status.CONFIRMED:
        enrolment_confirmed.send(sender=Enrolment, enrolment_id=enrolment.pk)
    if status in LISTED:
        session_trainer_disclosures_record(session_id=session.pk, enrolment_ids=[enrolment.pk])
    return enrolment


@transaction.atomic
def enrolment_set_source(*, enrolment: Enrolment, source: str, client):
    """Correct who registered the trainee (and so our role): the employer, or themself."""
    enrolment.source = source
    enrolment.client = client if source == Enrolment.Source.EMPLOYER else None
    enrolment.full_clean(exclude=["role"])
    enrolment.save(update_fields=["source", "client", "updated_at"])
    enrolment.refresh_from_db(fields=["role"])
    return enrolment


@transaction.atomic
def enrolment_set_status(*, enrolment: Enrolment, status: str) -> Enrolment:
    """Change an enrolment's status; taking a cancelled one back needs a free seat."""
    session = Session.objects.select_for_update().get(pk=enrolment.session_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    takes_a_seat = (
        enrolment.status == Enrolment.Status.CANCELLED and status in Enrolment.SEAT_HOLDING
    )
    if takes_a_seat:
        refusal = enrolment_refusal(trainee_id=None, session=session)
        if refusal:
            raise EnrolmentRefused.because(refusal)
    confirmed = status == Enrolment.Status.CONFIRMED != enrolment.status
    enrolment.status = status
    enrolment.save(update_fields=["status", "updated_at"])
    if confirmed:
        # The apps above (documents/) send the convocation in this transaction.
        enrolment_confirmed.send(sender=Enrolment, enrolment_id=enrolment.pk)
    if status in LISTED:
        # A subcontracted trainer gets the confirmed trainee on their list.
        session_trainer_disclosures_record(session_id=session.pk, enrolment_ids=[enrolment.pk])
    return enrolment


def enrolment_set_funding(*, enrolment: Enrolment, funding: str) -> Enrolment:
    """Say who pays for the enrolment (employer, trainee, CPF, other)."""
    enrolment.funding = funding
    enrolment.full_clean(exclude=["role"])
    enrolment.save(update_fields=["funding", "updated_at"])
    return enrolment


def course_create(**fields) -> Course:
    """A new course, validated."""
    course = Course(**fields)
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def session_save(*, session: Session) -> int:
    """Create or change a session; returns how many allergy records it had to delete.

    Capacity never falls below the seats already taken, and a session that stops
    providing meals loses its trainees' allergy data, whose only purpose was the meals.
    """
    if session.pk is not None:
        Session.objects.select_for_update().filter(pk=session.pk).first()
        taken = session_seats_taken(session_id=session.pk)
        if session.capacity < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(taken)d seats are already taken: the capacity cannot be lower."
                    )
                    % {"taken": taken}
                }
            )
    session.full_clean()
    session.save()
    # A new subcontracted trainer gets the list of the trainees already confirmed.
    session_trainer_disclosures_record(session_id=session.pk)
    if session.meals_provided:
        return 0
    return sensitive_needs_drop_allergies(session_id=session.pk)


def enrolments_complete_ended(*, today: datetime.date) -> int:
    """Mark confirmed enrolments of sessions that ended before ``today`` as completed."""
    return Enrolment.objects.filter(
        session__end_date__lt=today, status=Enrolment.Status.CONFIRMED
    ).update(status=Enrolment.Status.COMPLETED, updated_at=timezone.now())


def enrolment_confirmation_queue(*, enrolment: Enrolment) -> None:
    """Store the registration's confirmation email in the outbox, with the registration:
    it leaves once both commit, and neither a broker nor a mail server outage loses it."""
    email = email_enqueue(
        message=enrolment_confirmation_message(enrolment=enrolment),
        kind=CONFIRMATION_KIND,
    )
    enrolment.confirmation, enrolment.confirmation_email = Enrolment.Confirmation.PENDING, email
    Enrolment.objects.filter(pk=enrolment.pk).update(
        confirmation=Enrolment.Confirmation.PENDING, confirmation_email=email
    )


@transaction.atomic
def enrolment_confirmation_requeue(*, enrolment_id: int) -> bool:
    """A confirmation queued as a task before the outbox existed goes there, unless it is
    no longer to send or is there already; False if nothing was due."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("trainee", "session__course")
        .filter(
            pk=enrolment_id,
            confirmation=Enrolment.Confirmation.PENDING,
            confirmation_email__isnull=True,
        )
        .first()
    )
    if enrolment is None:
        return False
    enrolment_confirmation_queue(enrolment=enrolment)
    return True


def enrolment_confirmation_outcome(*, email) -> None:
    """The outbox sent the confirmation, or gave up on it: the enrolment says so, for
    staff (called by the outbox's signals, in the transaction that records the outcome)."""
    if email.status == email.Status.SENT:
        outcome = {
            "confirmation": Enrolment.Confirmation.SENT,
            "confirmation_sent_at": email.sent_at,
        }
    else:
        outcome = {"confirmation": Enrolment.Confirmation.FAILED}
    Enrolment.objects.filter(
        confirmation_email=email, confirmation=Enrolment.Confirmation.PENDING
    ).update(**outcome, confirmation_attempts=email.attempts, updated_at=timezone.now())


def enrolment_confirmations_to_outbox(
    *, now: datetime.datetime, grace: datetime.timedelta, within: datetime.timedelta
) -> int:
    """Confirmations "to send" that are not in the outbox (recorded before it existed)
    go there, for enrolments made within ``within``; returns how many."""
    missing = Enrolment.objects.filter(
        confirmation=Enrolment.Confirmation.PENDING,
        confirmation_email__isnull=True,
        created_at__lt=now - grace,
        created_at__gte=now - within,
    )
    queued = 0
    for enrolment_id in list(missing.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            enrolment = (
                missing.select_for_update(skip_locked=True, of=("self",))
                .select_related("trainee", "session__course")
                .filter(pk=enrolment_id)
                .first()
            )
            if enrolment is not None:
                enrolment_confirmation_queue(enrolment=enrolment)
                queued += 1
    return queued


def _processor_notice_due():
    """Employer enrolments whose trainee has not had the information notice about this
    client, from clients that do not inform their employees themselves."""
    told = ProcessorNotice.objects.filter(trainee=OuterRef("trainee"), client=OuterRef("client"))
    return Enrolment.objects.filter(
        ~Exists(told), source=Enrolment.Source.EMPLOYER, client__informs_its_employees=False
    )


def processor_notice_queue(*, enrolment: Enrolment) -> bool:
    """A client registered this trainee: tell them (GDPR Art. 14) unless the client does
    it itself or they were told already. The notice is stored in the outbox with the
    enrolment, and the record that they were told with it; False if nothing was due."""
    if not _processor_notice_due().filter(pk=enrolment.pk).exists():
        return False
    try:
        # The unique row is the lock: a concurrent enrolment's insert waits, then fails.
        with transaction.atomic():
            ProcessorNotice.objects.create(
                trainee_id=enrolment.trainee_id,
                client_id=enrolment.client_id,
                sent_at=timezone.now(),
            )
    except IntegrityError:
        return False
    email_enqueue(message=processor_notice_message(enrolment=enrolment), kind=NOTICE_KIND)
    return True


def processor_notices_to_outbox(
    *, now: datetime.datetime, grace: datetime.timedelta, within: datetime.timedelta
) -> int:
    """Notices still due (enrolments recorded before the outbox existed) go there, for
    enrolments made within ``within`` (an old enrolment is not worth a late notice)."""
    due = _processor_notice_due().filter(created_at__lt=now - grace, created_at__gte=now - within)
    queued = 0
    for enrolment in due.select_related("trainee", "client", "session__course")[:500]:
        with transaction.atomic():
            queued += processor_notice_queue(enrolment=enrolment)
    return queued


@transaction.atomic
def processor_notice_requeue(*, enrolment_id: int) -> bool:
    """A notice queued as a task before the outbox existed goes there, if still due."""
    enrolment = Enrolment.objects.select_related("trainee", "client", "session__course").get(
        pk=enrolment_id
    )
    return processor_notice_queue(enrolment=enrolment)


def enrolment_emails_to_outbox(*, now: datetime.datetime) -> dict:
    """Confirmations and notices recorded before the outbox existed go to it; returns
    how many of each (the outbox's own sweeper sends them)."""
    grace = datetime.timedelta(minutes=5)
    return {
        "confirmations": enrolment_confirmations_to_outbox(
            now=now, grace=grace, within=datetime.timedelta(days=2)
        ),
        "notices": processor_notices_to_outbox(
            now=now, grace=grace, within=datetime.timedelta(days=30)
        ),
    }


def session_end(*, session_id: int, today) -> bool:
    """Staff end a session by hand: its last day becomes today (a session cut short, or a
    one-day session done). Certificates and the survey can then be sent at once from
    the sessions list; the nightly jobs treat it as ended from tomorrow. False when it
    had not started or had already ended."""
    return bool(
        Session.objects.filter(pk=session_id, start_date__lte=today, end_date__gt=today).update(
            end_date=today
        )
    )
