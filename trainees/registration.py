"""Self-registration: a person registers on a session from the public form."""

import dataclasses
import datetime

from django.db import transaction

from consent.addresses import email_normalise
from consent.models import ConsentRecord
from consent.services import consent_record
from trainees.models import Trainee
from trainees.services import sensitive_needs_record
from training.models import Enrolment
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


@transaction.atomic
def trainee_register(
    *, session, details: RegistrationDetails, language: str, now: datetime.datetime
):
    """A person registers themself on a session: all of it is stored, or nothing is.

    The organisation is controller for this enrolment. An address already on file keeps
    the data already there (an unverified form must not overwrite a person's record);
    only empty fields are filled in.
    """
    email = email_normalise(details.email)
    trainee = Trainee.objects.filter(email__iexact=email).first()
    if trainee is None:
        trainee = Trainee(email=email, language=language)
    for field in (
        "surname",
        "first_name",
        "phone",
        "postal_address",
        "employer_name",
        "occupation",
        "diplomas_and_skills",
    ):
        if not getattr(trainee, field):
            setattr(trainee, field, getattr(details, field).strip())
    trainee.full_clean()
    trainee.save()

    enrolment = enrolment_create(
        trainee=trainee,
        session=session,
        source=Enrolment.Source.SELF,
        confirmation=Enrolment.Confirmation.PENDING,
    )
    needs = sensitive_needs_record(
        enrolment=enrolment,
        food_allergies=details.food_allergies,
        allergies_consent=details.allergies_consent,
        disability_adaptations=details.disability_adaptations,
        disability_consent=details.disability_consent,
        now=now,
    )

    purposes = ConsentRecord.Purpose
    choices = [
        (
            purposes.TRAINEE_OFFERS,
            ConsentRecord.Action.OBJECTED
            if details.objects_to_offers
            else ConsentRecord.Action.GIVEN,
        ),
    ]
    if needs and needs.food_allergies:
        choices.append((purposes.ALLERGY_DATA, ConsentRecord.Action.GIVEN))
    if needs and needs.disability_adaptations:
        choices.append((purposes.DISABILITY_DATA, ConsentRecord.Action.GIVEN))
    for purpose, action in choices:
        consent_record(
            email=email,
            trainee=trainee,
            purpose=purpose,
            action=action,
            channel=ConsentRecord.Channel.REGISTRATION_FORM,
            at=now,
        )

    enrolment_confirmation_queue(enrolment=enrolment)
    return enrolment
