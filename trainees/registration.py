"""Self-registration: a person registers on a session from the public form."""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.addresses import email_normalise
from consent.models import ConsentRecord
from consent.selectors import consent_state
from consent.services import consent_record
from trainees.models import Trainee
from trainees.services import sensitive_needs_record
from training.models import Enrolment
from training.selectors import session_is_open
from training.services import enrolment_confirmation_queue, enrolment_create


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


@dataclasses.dataclass(frozen=True)
class Registration:
    enrolment: Enrolment
    # The address was already on file and the details typed differ from ours: we kept ours.
    kept_known_details: bool


class RegistrationClosed(ValidationError):
    """The session has started: it no longer takes registrations."""


_IDENTITY = (
    "surname",
    "first_name",
    "phone",
    "postal_address",
    "occupation",
    "diplomas_and_skills",
)


@transaction.atomic
def trainee_register(
    *, session, details: RegistrationDetails, language: str, now: datetime.datetime
) -> Registration:
    """A person registers themself on a session: all of it is stored, or nothing is.

    The organisation is controller for this enrolment. An address already on file keeps
    the data already there (an unverified form must not overwrite a person's record);
    only empty fields are filled in, and the person is told.
    """
    if not session_is_open(session=session, today=timezone.localdate(now)):
        raise RegistrationClosed(
            _("This session has started: registration is closed."), code="closed"
        )
    email = email_normalise(details.email)
    trainee, created = _trainee_for(email=email, details=details, language=language)
    kept = not created and any(
        getattr(trainee, field) != getattr(details, field).strip()
        for field in _IDENTITY
        if getattr(details, field).strip()
    )
    if not created:
        for field in _IDENTITY:
            if not getattr(trainee, field):
                setattr(trainee, field, getattr(details, field).strip())
        # The latest registration's language is the one the person reads now.
        trainee.language = language
        trainee.full_clean()
        trainee.save()

    enrolment = enrolment_create(
        trainee=trainee,
        session=session,
        source=Enrolment.Source.SELF,
        employer_name=details.employer_name.strip(),
        confirmation=Enrolment.Confirmation.PENDING,
    )
    sensitive_needs_record(
        enrolment=enrolment,
        food_allergies=details.food_allergies,
        allergies_consent=details.allergies_consent,
        disability_adaptations=details.disability_adaptations,
        disability_consent=details.disability_consent,
        now=now,
        channel=ConsentRecord.Channel.REGISTRATION_FORM,
    )
    _record_offers_choice(email=email, trainee=trainee, details=details, now=now)
    enrolment_confirmation_queue(enrolment=enrolment)
    return Registration(enrolment=enrolment, kept_known_details=kept)


def _trainee_for(*, email: str, details: RegistrationDetails, language: str):
    """The trainee with this address, created if new; (trainee, created)."""
    trainee = Trainee.objects.filter(email__iexact=email).first()
    if trainee is not None:
        return trainee, False
    trainee = Trainee(email=email, language=language)
    for field in _IDENTITY:
        setattr(trainee, field, getattr(details, field).strip())
    trainee.full_clean()
    try:
        # A double click sends the same new address twice at once: the second insert
        # waits for the first, fails on the unique address, and takes that trainee.
        with transaction.atomic():
            trainee.save()
    except IntegrityError:
        return Trainee.objects.get(email__iexact=email), False
    return trainee, True


def _record_offers_choice(*, email, trainee, details, now) -> None:
    offers, actions = ConsentRecord.Purpose.TRAINEE_OFFERS, ConsentRecord.Action
    if details.objects_to_offers:
        action = actions.OBJECTED
    elif offers not in consent_state(email=email):
        # Informed here for the first time and not objecting. A form left unticked never
        # lifts an earlier objection: only the person, on their own page, can do that.
        action = actions.GIVEN
    else:
        action = None
    if action:
        consent_record(
            email=email,
            trainee=trainee,
            purpose=offers,
            action=action,
            channel=ConsentRecord.Channel.REGISTRATION_FORM,
            at=now,
        )
    if details.accepts_subsidiary_offers:
        consent_record(
            email=email,
            trainee=trainee,
            purpose=ConsentRecord.Purpose.SUBSIDIARY_OFFERS,
            action=actions.GIVEN,
            channel=ConsentRecord.Channel.REGISTRATION_FORM,
            at=now,
        )
