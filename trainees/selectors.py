"""Reads on trainees."""

from django.db.models import DateField, Exists, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate

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


def _live_enrolments():
    """Each trainee's enrolments but cancelled ones (training's model, as above)."""
    enrolments = Trainee.enrolments.rel.related_model.objects.filter(trainee=OuterRef("pk"))
    return enrolments.exclude(status="cancelled")


def trainees_with_prospecting_clock(queryset=None):
    """Trainees annotated with ``prospecting_clock``, the day the prospecting period
    (policy §6) runs from: the later of the end of their last session (cancelled ones
    aside) and the last contact they started themself (``last_contact_at``). Someone who
    never did either (a lead staff put on file) runs from the day they were put on file.
    What we send, and what staff edit, never moves it."""
    queryset = Trainee.objects.all() if queryset is None else queryset
    # MAX over the person's enrolments (their index on trainee), not an ORDER BY on the
    # end date, which PostgreSQL may serve by walking every session backwards.
    last_end = Subquery(
        _live_enrolments()
        .order_by()
        .values("trainee")
        .annotate(last=Max("session__end_date"))
        .values("last"),
        output_field=DateField(),
    )
    on_file, contact = TruncDate("created_at"), TruncDate("last_contact_at")
    return queryset.annotate(
        prospecting_clock=Greatest(
            Coalesce(last_end, on_file), Coalesce(contact, last_end, on_file)
        )
    )
