"""Reads on trainees."""

from consent.addresses import email_normalise
from trainees.models import SensitiveNeeds, Trainee


def trainee_by_email(*, email: str) -> Trainee | None:
    return Trainee.objects.filter(email__iexact=email_normalise(email)).first()


def sensitive_needs_held(*, email: str) -> dict[str, bool]:
    """Whether any allergy or disability data is held for this address."""
    needs = SensitiveNeeds.objects.filter(enrolment__trainee__email__iexact=email_normalise(email))
    return {
        "allergies": needs.filter(food_allergies__isnull=False).exists(),
        "disability": needs.filter(disability_adaptations__isnull=False).exists(),
    }
