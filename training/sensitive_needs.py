"""Writes on sensitive needs (allergies, disability adaptations): only with consent, only
where their purpose exists, and the consent recorded with the data."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.services import consent_record
from core.addresses import email_normalise
from core.purposes import Action, Channel, Purpose
from training.models import SensitiveNeeds
from training.selectors import SensitiveNeedsSnapshot


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
    channel: str = Channel.STAFF,
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
        Purpose.ALLERGY_DATA: bool(needs and needs.food_allergies),
        Purpose.DISABILITY_DATA: bool(needs and needs.disability_adaptations),
    }
    after = {
        Purpose.ALLERGY_DATA: bool(food_allergies),
        Purpose.DISABILITY_DATA: bool(disability_adaptations),
    }
    needs = _needs_store(needs, enrolment, food_allergies, disability_adaptations, now)
    for purpose, held in after.items():
        if held != before[purpose]:
            consent_record(
                email=enrolment.trainee.email,
                trainee=enrolment.trainee,
                purpose=purpose,
                action=Action.GIVEN if held else Action.WITHDRAWN,
                channel=channel,
                at=now,
            )
    return needs


def _needs_store(needs, enrolment, food_allergies: str, disability_adaptations: str, now):
    """Write the values (a consent date for each new or changed one); delete the row when
    nothing is left. Returns the row, or None."""
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
        enrolment__trainee__email__lower=email_normalise(email)
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


def sensitive_needs_withdrawals_reapply(*, snapshot: SensitiveNeedsSnapshot) -> int:
    """Clear what the snapshot no longer holds (withdrawn, erased, purged); returns rows changed."""
    # Only rows the snapshot's database has known (keys up to its highest) are compared:
    # after a disaster, an empty database says nothing.

    def isnull(field):
        return ExpressionWrapper(Q(**{f"{field}__isnull": True}), output_field=BooleanField())

    rows = (
        SensitiveNeeds.objects.filter(pk__lte=snapshot.highest_key)
        .annotate(no_a=isnull("food_allergies"), no_d=isnull("disability_adaptations"))
        .values_list("pk", "no_a", "no_d")
    )
    gone, clear_a, clear_d = [], [], []
    for pk, no_a, no_d in rows.iterator():
        if pk not in snapshot.keys:
            gone.append(pk)
            continue
        if not no_a and pk in snapshot.no_allergies:
            clear_a.append(pk)
        if not no_d and pk in snapshot.no_disability:
            clear_d.append(pk)
    for start in range(0, max(len(gone), len(clear_a), len(clear_d)), 500):
        SensitiveNeeds.objects.filter(pk__in=gone[start : start + 500]).delete()
        SensitiveNeeds.objects.filter(pk__in=clear_a[start : start + 500]).update(
            food_allergies=None, allergies_consent_at=None
        )
        SensitiveNeeds.objects.filter(pk__in=clear_d[start : start + 500]).update(
            disability_adaptations=None, disability_consent_at=None
        )
    return len(gone) + len(set(clear_a) | set(clear_d))
