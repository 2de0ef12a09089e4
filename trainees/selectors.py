"""Reads on trainees."""

from django.db.models import Exists, OuterRef

from core.addresses import email_normalise
from trainees.models import Trainee


def trainee_by_email(*, email: str) -> Trainee | None:
    """The trainee with this address, whatever its case, or None."""
    return Trainee.objects.filter(email__lower=email_normalise(email)).first()


def trainees_in_daily_use(queryset=None):
    """Trainees with an enrolment still managed, or none at all (the archived-only ones
    are left out)."""
    queryset = Trainee.objects.all() if queryset is None else queryset
    # training's model, reached through the relation: trainees sits below training.
    enrolments = Trainee.enrolments.rel.related_model.objects.filter(trainee=OuterRef("pk"))
    # EXISTS rather than a join made distinct: at 1M enrolments the join sorted 214k
    # rows twice per page. The managed test first: it is answered from a small partial
    # index (training's enrolment_managed), so the probe for "no enrolment at all" runs
    # only for the others.
    return queryset.filter(
        Exists(enrolments.filter(archived_at__isnull=True)) | ~Exists(enrolments)
    )


def trainee_emails():
    """Every trainee's address, as a subquery."""
    return Trainee.objects.values("email")
