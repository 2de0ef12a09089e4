"""Reads on trainees."""

from django.db.models import Q

from core.addresses import email_normalise
from trainees.models import Trainee


def trainee_by_email(*, email: str) -> Trainee | None:
    """The trainee with this address, whatever its case, or None."""
    return Trainee.objects.filter(email__lower=email_normalise(email)).first()


def trainees_in_daily_use(queryset=None):
    """Trainees with an enrolment still managed, or none at all (the archived-only ones
    are left out)."""
    queryset = Trainee.objects.all() if queryset is None else queryset
    return queryset.filter(
        Q(enrolments__isnull=True) | Q(enrolments__archived_at__isnull=True)
    ).distinct()


def trainee_emails():
    """Every trainee's address, as a subquery."""
    return Trainee.objects.values("email")
