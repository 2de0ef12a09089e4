"""Writes on trainees: created by staff or by a confirmed registration, edited by staff,
emptied to training evidence when archived, deleted when nothing is left to keep."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q

from core.address_changes import address_change_by_staff_record
from core.addresses import email_normalise
from trainees.models import Trainee

# What attendance sheets, certificates and inspections need of an archived trainee
# (name and email) stays; the rest is emptied, at archiving or at an erasure.
TRAINING_EVIDENCE_CLEARS = {
    "phone": "",
    "postal_address": "",
    "occupation": "",
    "diplomas_and_skills": "",
    "notes": "",
    "employer": None,
}


def trainee_create(**fields) -> Trainee:
    """A new trainee, validated (the email is stored normalised)."""
    trainee = Trainee(**fields)
    trainee.email = email_normalise(trainee.email)
    trainee.full_clean()
    trainee.save()
    return trainee


@transaction.atomic
def trainee_staff_save(*, trainee: Trainee, previous_email: str, actor, now) -> Trainee:
    """Save a trainee as staff edited them; a new address is audited and the previous
    one told (whoever controls the address receives the person's rights answers)."""
    trainee.save()
    address_change_by_staff_record(
        person=trainee,
        previous_email=previous_email,
        language=trainee.language,
        actor=actor,
        now=now,
    )
    return trainee


def trainee_from_registration(
    *, email: str, details: dict, language: str, now: datetime.datetime
) -> Trainee:
    """The trainee with this address, created if new, in the language just chosen; the
    person confirmed it themself, so it is a contact they started (``now``).

    An address already on file keeps the details already there (the person corrects
    them from their own page, which the confirmation email links to): only empty
    fields are filled in from ``details``.
    """
    trainee = Trainee.objects.filter(email__lower=email_normalise(email)).first()
    if trainee is None:
        trainee = Trainee(email=email)
        try:
            # Two confirmations of one new address (two sessions) at once: the second
            # insert waits for the first, fails on the unique address, and takes it.
            with transaction.atomic():
                _fill(trainee, details, language, now)
                trainee.save()
            return trainee
        except IntegrityError:
            trainee = Trainee.objects.get(email__lower=email_normalise(email))
    _fill(trainee, details, language, now)
    trainee.save()
    return trainee


def _fill(trainee: Trainee, details: dict, language: str, now: datetime.datetime) -> None:
    for field, value in details.items():
        if not getattr(trainee, field):
            setattr(trainee, field, value)
    # The latest registration's language is the one the person reads now.
    trainee.language = language
    if trainee.last_contact_at is None or trainee.last_contact_at < now:
        trainee.last_contact_at = now
    trainee.full_clean()


def trainee_contact_record(*, email: str, at: datetime.datetime) -> int:
    """The person with this address got in touch of their own accord (said yes to offers
    on their own page, or in writing): their prospecting period (policy §6) runs again
    from ``at``. Called only for what the person does: never for what we send, nor for
    staff edits. Returns how many records moved (0 or 1; never backwards)."""
    later = Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=at)
    trainees = Trainee.objects.filter(later, email__lower=email_normalise(email))
    return trainees.update(last_contact_at=at)


def trainees_archive(*, trainee_ids, now) -> int:
    """Of these trainees, those whose every enrolment is archived keep only their identity
    and the record of their training."""
    return (
        Trainee.objects.filter(pk__in=trainee_ids)
        .exclude(enrolments__archived_at__isnull=True)
        .update(**TRAINING_EVIDENCE_CLEARS, updated_at=now)
    )


def trainees_without_enrolments_delete(*, trainee_ids) -> int:
    """Delete those of these trainees who have no enrolment left."""
    return Trainee.objects.filter(pk__in=trainee_ids, enrolments__isnull=True).delete()[0]
