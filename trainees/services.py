"""Writes on trainees and their sensitive needs (only with consent, only where their
purpose exists)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.models import ConsentRecord
from consent.services import address_change_by_staff_record, consent_record
from core.addresses import email_normalise
from core.periods import years_before
from core.purge import purge
from trainees.models import SensitiveNeeds, Trainee


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
    channel: str = ConsentRecord.Channel.STAFF,
) -> SensitiveNeeds | None:
    """Store the needs of one enrolment, replacing earlier ones; None when nothing is left.

    Consent without text stores nothing; a field whose consent is not (or no longer)
    given is emptied, since consent is its only legal basis. Each consent given or
    withdrawn here joins the person's consent history.
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
    before = {
        ConsentRecord.Purpose.ALLERGY_DATA: bool(needs and needs.food_allergies),
        ConsentRecord.Purpose.DISABILITY_DATA: bool(needs and needs.disability_adaptations),
    }
    after = {
        ConsentRecord.Purpose.ALLERGY_DATA: bool(food_allergies),
        ConsentRecord.Purpose.DISABILITY_DATA: bool(disability_adaptations),
    }
    if not food_allergies and not disability_adaptations:
        if needs is not None:
            needs.delete()
        needs = None
    else:
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

    for purpose, held in after.items():
        if held != before[purpose]:
            consent_record(
                email=enrolment.trainee.email,
                trainee=enrolment.trainee,
                purpose=purpose,
                action=ConsentRecord.Action.GIVEN if held else ConsentRecord.Action.WITHDRAWN,
                channel=channel,
                at=now,
            )
    return needs


def sensitive_needs_delete(*, enrolment) -> None:
    """Delete the sensitive needs of one enrolment, if any."""
    SensitiveNeeds.objects.filter(enrolment=enrolment).delete()


def sensitive_needs_drop_allergies(*, session_id: int) -> int:
    """The session no longer provides meals: its allergy data has lost its only purpose."""
    return SensitiveNeeds.objects.filter(
        enrolment__session_id=session_id, food_allergies__isnull=False
    ).update(food_allergies=None, allergies_consent_at=None, updated_at=timezone.now())


@transaction.atomic
def sensitive_needs_withdraw(*, email: str, allergies: bool, disability: bool) -> int:
    """Consent withdrawn: delete that data for every enrolment of this address, at once.

    Consent was its only legal basis; what was done before the withdrawal stays lawful.
    Returns how many enrolments lost data.
    """
    needs = SensitiveNeeds.objects.select_for_update().filter(
        enrolment__trainee__email__iexact=email_normalise(email)
    )
    changed = 0
    for record in needs:
        if allergies and record.food_allergies is not None:
            record.food_allergies, record.allergies_consent_at = None, None
            changed += 1
        if disability and record.disability_adaptations is not None:
            record.disability_adaptations, record.disability_consent_at = None, None
            changed += 1
        if record.food_allergies is None and record.disability_adaptations is None:
            record.delete()
        else:
            record.save()
    return changed


def sensitive_needs_due(*, today: datetime.date):
    """Needs whose session ended before ``today`` (Europe/Paris dates) minus the
    configured days: a session ending today keeps them until tomorrow."""
    cutoff = today - datetime.timedelta(
        days=settings.RETENTION["SENSITIVE_NEEDS_DAYS_AFTER_SESSION"]
    )
    return SensitiveNeeds.objects.filter(
        purged_at__isnull=True, enrolment__session__end_date__lt=cutoff
    )


def purge_sensitive_needs(*, now: datetime.datetime, batch_size: int, dry_run=False, progress=None):
    """Policy §6: allergy and disability data are kept only for the duration of the
    training. The day after a session's last day, their values (and consent dates) are
    erased; the row stays as a tombstone saying when."""
    today = timezone.localdate(now)

    def erase(ids):
        return SensitiveNeeds.objects.filter(pk__any_of=ids, purged_at__isnull=True).update(
            food_allergies=None,
            disability_adaptations=None,
            allergies_consent_at=None,
            disability_consent_at=None,
            purged_at=now,
            updated_at=now,
        )

    return purge(
        sensitive_needs_due(today=today),
        erase,
        today=today,
        email_path="enrolment__trainee__email",
        batch_size=batch_size,
        dry_run=dry_run,
        progress=progress,
    )


def trainee_prospects_due(*, today: datetime.date):
    """Trainees who never attended anything, untouched for the prospecting period."""
    cutoff = years_before(today, settings.RETENTION["PROSPECTING_YEARS"])
    return Trainee.objects.filter(enrolments__isnull=True, updated_at__date__lt=cutoff)


def purge_trainee_prospects(
    *, now: datetime.datetime, batch_size: int, dry_run=False, progress=None
):
    """Policy §6: prospecting data is kept at most 3 years: people on file who never
    enrolled are deleted 3 years after the last change to their record."""
    today = timezone.localdate(now)
    return purge(
        trainee_prospects_due(today=today),
        lambda ids: (
            Trainee.objects.filter(pk__any_of=ids, enrolments__isnull=True)
            .delete()[1]
            .get("trainees.Trainee", 0)
        ),
        today=today,
        email_path="email",
        batch_size=batch_size,
        dry_run=dry_run,
        progress=progress,
    )
