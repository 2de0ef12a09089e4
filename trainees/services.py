"""Writes on trainees: self-registration, and sensitive needs (only with consent, only
where their purpose exists)."""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from consent.addresses import email_normalise
from consent.models import ConsentRecord
from consent.services import consent_record
from trainees.models import SensitiveNeeds, Trainee
from training.models import Enrolment
from training.services import enrolment_confirmation_queue, enrolment_create


def sensitive_needs_validate(
    *,
    meals_provided: bool,
    food_allergies: str,
    allergies_consent: bool,
    disability_adaptations: str,
    disability_consent: bool,
) -> None:
    """Raise a ValidationError, per field, for needs the policy does not let us collect."""
    errors = {}
    if food_allergies and not meals_provided:
        errors["food_allergies"] = _(
            "This session provides no meals: food allergies are not collected for it."
        )
    elif food_allergies and not allergies_consent:
        errors["food_allergies"] = _(
            "Food allergies can only be recorded with the trainee's explicit consent."
        )
    if disability_adaptations and not disability_consent:
        errors["disability_adaptations"] = _(
            "Disability adaptations can only be recorded with the trainee's explicit consent."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def sensitive_needs_record(
    *,
    enrolment,
    food_allergies: str,
    allergies_consent: bool,
    disability_adaptations: str,
    disability_consent: bool,
    now: datetime.datetime,
) -> SensitiveNeeds | None:
    """Store the needs of one enrolment, replacing earlier ones; None when nothing is left.

    Consent without text stores nothing; a field whose consent is not (or no longer)
    given is emptied, since consent is its only legal basis.
    """
    food_allergies = food_allergies.strip()
    disability_adaptations = disability_adaptations.strip()
    sensitive_needs_validate(
        meals_provided=enrolment.session.meals_provided,
        food_allergies=food_allergies,
        allergies_consent=allergies_consent,
        disability_adaptations=disability_adaptations,
        disability_consent=disability_consent,
    )
    needs = SensitiveNeeds.objects.filter(enrolment=enrolment).first()
    if not food_allergies and not disability_adaptations:
        if needs is not None:
            needs.delete()
        return None

    needs = needs or SensitiveNeeds(enrolment=enrolment)
    if food_allergies != (needs.food_allergies or "") or needs.allergies_consent_at is None:
        needs.allergies_consent_at = now if food_allergies else None
    if disability_adaptations != (needs.disability_adaptations or "") or (
        needs.disability_consent_at is None
    ):
        needs.disability_consent_at = now if disability_adaptations else None
    needs.food_allergies = food_allergies or None
    needs.disability_adaptations = disability_adaptations or None
    needs.full_clean()
    needs.save()
    return needs


def sensitive_needs_delete(*, enrolment) -> None:
    """Delete the sensitive needs of one enrolment, if any."""
    SensitiveNeeds.objects.filter(enrolment=enrolment).delete()


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
