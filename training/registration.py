"""Self-registration: a person registers on a session from the public form.

Anyone can type any address into the form, so a submission changes nothing attached to
that address: it becomes a PendingRegistration that holds a seat, and an email to the
address says what happened. Only its owner, following the emailed link and pressing
"Confirm", turns it into a trainee, an enrolment, sensitive needs and consents. An
objection to offers is the one exception: it applies at once, since it only ever stops
processing.
"""

import dataclasses
import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.selectors import consent_state
from consent.services import consent_record
from core.addresses import email_normalise
from core.outbox import email_enqueue
from core.purposes import Action, Channel, Purpose
from trainees.services import trainee_from_registration
from training.emails import registration_outcome_message
from training.models import Enrolment, PendingRegistration, Session
from training.selectors import session_is_open, session_seats_for_address
from training.sensitive_needs import sensitive_needs_record, sensitive_needs_validate
from training.services import EnrolmentRefused, enrolment_confirmation_queue, enrolment_create


@dataclasses.dataclass(frozen=True, kw_only=True)
class RegistrationDetails:
    """What a person gives on the public registration form, already validated."""

    surname: str
    first_name: str
    email: str
    phone: str
    postal_address: str
    employer_name: str
    occupation: str
    diplomas_and_skills: str
    food_allergies: str
    allergies_consent: bool
    disability_adaptations: str
    disability_consent: bool
    objects_to_offers: bool
    accepts_subsidiary_offers: bool = False


class RegistrationClosed(ValidationError):
    """The session has started: it no longer takes registrations."""


class Outcome:
    """What a submission or a confirmation came to. Said only in the email, or on the
    page the emailed link opens: never on the page after submitting."""

    AWAITING_CONFIRMATION = "awaiting_confirmation"
    ALREADY_ENROLLED = "already_enrolled"
    FULL = "full"
    CONFIRMED = "confirmed"
    CLOSED = "closed"
    EXPIRED = "expired"
    INVALID = "invalid"


@dataclasses.dataclass(frozen=True)
class Confirmation:
    outcome: str
    session: Session | None = None
    enrolment: Enrolment | None = None
    # What the confirmation would record, shown to the address's owner before they
    # confirm: anyone can type their address, so they confirm only what they have read.
    pending: PendingRegistration | None = None


# Fields of the trainee's record the form fills in.
_IDENTITY = (
    "surname",
    "first_name",
    "phone",
    "postal_address",
    "occupation",
    "diplomas_and_skills",
)


# Each email a submission sends: its templates, and its label in the outbox.
_EMAIL_TEMPLATES = {
    Outcome.AWAITING_CONFIRMATION: "emails/registration_confirm",
    Outcome.ALREADY_ENROLLED: "emails/registration_already_enrolled",
    Outcome.FULL: "emails/registration_full",
}

_EMAIL_KINDS = {
    Outcome.AWAITING_CONFIRMATION: "registration.confirm",
    Outcome.ALREADY_ENROLLED: "registration.already_enrolled",
    Outcome.FULL: "registration.full",
}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def registration_submit(
    *, session, details: RegistrationDetails, language: str, now: datetime.datetime
) -> str:
    """A submission of the public form: returns its Outcome, which only the email tells.

    A new registration holds its seat for REGISTRATION_CONFIRM_HOURS and waits for the
    address's owner to confirm; an address already enrolled, or a full session, is told
    so by email. The session row lock (the one enrolment_create takes) makes the seat
    count and the hold one step.
    """
    if not session_is_open(session=session, today=timezone.localdate(now)):
        raise RegistrationClosed(
            _("This session has started: registration is closed."), code="closed"
        )
    sensitive_needs_validate(
        meals_provided=session.meals_provided,
        food_allergies=details.food_allergies.strip(),
        allergies_consent=details.allergies_consent,
        disability_adaptations=details.disability_adaptations.strip(),
        disability_consent=details.disability_consent,
    )
    email = email_normalise(details.email)
    session = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
    if details.objects_to_offers:
        # Stopping processing needs no proof of identity: it applies at once.
        consent_record(
            email=email,
            purpose=Purpose.TRAINEE_OFFERS,
            action=Action.OBJECTED,
            channel=Channel.REGISTRATION_FORM,
            at=now,
        )
    outcome, token = _outcome_and_hold(
        session=session, email=email, details=details, language=language, now=now
    )
    email_enqueue(
        message=registration_outcome_message(
            template=_EMAIL_TEMPLATES[outcome],
            session=session,
            email=email,
            language=language,
            token=token,
        ),
        kind=_EMAIL_KINDS[outcome],
    )
    return outcome


def _outcome_and_hold(*, session, email, details, language, now) -> tuple[str, str | None]:
    """What the submission comes to, holding a seat where it must; the token to email."""
    seats = session_seats_for_address(session_id=session.pk, email=email)
    seat_free = seats.taken < session.capacity
    hold = {"session": session, "email": email, "language": language, "now": now}
    if seats.enrolled:
        outcome, token = Outcome.ALREADY_ENROLLED, None
        if seat_free:
            # The public seat count must drop as it would for an unknown address, or
            # it would tell whoever typed the address that its owner is enrolled. The
            # hold keeps nothing from the form, and its link is never sent.
            _pending_save(**hold, details=None, replaces=seats.held)
    elif not seat_free:
        outcome, token = Outcome.FULL, None
    else:
        outcome, token = (
            Outcome.AWAITING_CONFIRMATION,
            _pending_save(**hold, details=details, replaces=seats.held),
        )
    return outcome, token


def _pending_save(
    *, session, email, details: RegistrationDetails | None, language, now, replaces: bool
) -> str:
    """Hold a seat for this submission; returns the token for the emailed link.

    A second submission of the same address ``replaces`` the first (and its link): the
    address holds one seat at most. Without ``details``, a hold and nothing else.
    """
    token = secrets.token_urlsafe(32)
    if replaces:
        PendingRegistration.objects.filter(session=session, email=email).delete()
    if details is None:
        PendingRegistration.objects.create(
            session=session,
            email=email,
            language=language,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + datetime.timedelta(hours=settings.REGISTRATION_CONFIRM_HOURS),
        )
        return token
    allergies = details.food_allergies.strip() if details.allergies_consent else ""
    adaptations = details.disability_adaptations.strip() if details.disability_consent else ""
    pending = PendingRegistration(
        session=session,
        email=email,
        language=language,
        details={field: getattr(details, field).strip() for field in (*_IDENTITY, "employer_name")},
        food_allergies=allergies or None,
        allergies_consent=details.allergies_consent,
        disability_adaptations=adaptations or None,
        disability_consent=details.disability_consent,
        objects_to_offers=details.objects_to_offers,
        accepts_subsidiary_offers=details.accepts_subsidiary_offers,
        token_hash=_token_hash(token),
        created_at=now,
        expires_at=now + datetime.timedelta(hours=settings.REGISTRATION_CONFIRM_HOURS),
    )
    # The fields are checked here; what the database checks anyway is not asked of it
    # again, one query each: the session (locked above), the address's one hold
    # (replaced above), a random token's uniqueness, and the consent constraints
    # (sensitive_needs_validate checked them first).
    pending.full_clean(exclude=["session"], validate_unique=False, validate_constraints=False)
    pending.save()
    return token


def registration_pending_for(*, token: str, now: datetime.datetime) -> Confirmation:
    """What the emailed link leads to, without changing anything (a GET)."""
    pending = (
        PendingRegistration.objects.select_related("session__course")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if pending is None:
        return Confirmation(Outcome.INVALID)
    if pending.expires_at <= now:
        return Confirmation(Outcome.EXPIRED, session=pending.session)
    return Confirmation(Outcome.AWAITING_CONFIRMATION, session=pending.session, pending=pending)


@transaction.atomic
def registration_confirm(*, token: str, now: datetime.datetime) -> Confirmation:
    """The address's owner confirms: everything the form asked for is applied together,
    or (if the enrolment is refused) nothing but the removal of the submission.

    The session row is locked before the submission's, in the order registration_submit
    takes them, so a confirmation and a new submission never deadlock.
    """
    found = PendingRegistration.objects.filter(token_hash=_token_hash(token)).first()
    if found is None:
        return Confirmation(Outcome.INVALID)
    session = Session.objects.select_for_update().select_related("course").get(pk=found.session_id)
    pending = PendingRegistration.objects.select_for_update().filter(pk=found.pk).first()
    if pending is None:  # confirmed (or replaced) by a click that got the lock first
        return Confirmation(Outcome.INVALID)
    # Gone either way: confirmed, or never to be. Its seat is freed before the enrolment
    # below counts the seats.
    pending.delete()
    if pending.expires_at <= now:
        return Confirmation(Outcome.EXPIRED, session=session)
    if not session_is_open(session=session, today=timezone.localdate(now)):
        return Confirmation(Outcome.CLOSED, session=session)
    try:
        with transaction.atomic():
            enrolment = _apply(pending=pending, session=session, now=now)
    except EnrolmentRefused as refusal:
        return Confirmation(refusal.code, session=session)
    return Confirmation(Outcome.CONFIRMED, session=session, enrolment=enrolment)


def _apply(*, pending: PendingRegistration, session: Session, now) -> Enrolment:
    trainee = trainee_from_registration(
        email=pending.email,
        details={field: pending.details.get(field, "") for field in _IDENTITY},
        language=pending.language,
        now=now,
    )
    enrolment = enrolment_create(
        trainee=trainee,
        session=session,
        source=Enrolment.Source.SELF,
        employer_name=pending.details.get("employer_name", ""),
        confirmation=Enrolment.Confirmation.PENDING,
    )
    sensitive_needs_record(
        enrolment=enrolment,
        food_allergies=pending.food_allergies or "",
        allergies_consent=pending.allergies_consent,
        disability_adaptations=pending.disability_adaptations or "",
        disability_consent=pending.disability_consent,
        now=now,
        channel=Channel.REGISTRATION_FORM,
    )
    _record_offers_choice(pending=pending, trainee=trainee, now=now)
    enrolment_confirmation_queue(enrolment=enrolment)
    return enrolment


def _record_offers_choice(*, pending: PendingRegistration, trainee, now) -> None:
    offers, actions = Purpose.TRAINEE_OFFERS, Action
    # An objection was recorded when the form was sent. Informed here for the first time
    # and not objecting: consent given. A form left unticked never lifts an earlier
    # objection: only the person, on their own page, can do that.
    if not pending.objects_to_offers and offers not in consent_state(email=pending.email):
        consent_record(
            email=pending.email,
            trainee=trainee,
            purpose=offers,
            action=actions.GIVEN,
            channel=Channel.REGISTRATION_FORM,
            at=now,
        )
    if pending.accepts_subsidiary_offers:
        consent_record(
            email=pending.email,
            trainee=trainee,
            purpose=Purpose.SUBSIDIARY_OFFERS,
            action=actions.GIVEN,
            channel=Channel.REGISTRATION_FORM,
            at=now,
        )
