"""Reads on trainees."""

from django.db.models import Q

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


def trainees_in_daily_use(queryset=None):
    """Trainees with an enrolment still managed, or none at all (the archived-only ones
    are left out)."""
    queryset = Trainee.objects.all() if queryset is None else queryset
    return queryset.filter(
        Q(enrolments__isnull=True) | Q(enrolments__archived_at__isnull=True)
    ).distinct()
