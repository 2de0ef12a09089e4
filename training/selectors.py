"""Reads about courses, sessions and enrolments."""

import dataclasses
import datetime

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.addresses import email_normalise
from core.periods import years_before
from trainees.selectors import trainees_with_prospecting_clock
from training.models import Enrolment, PendingRegistration, SensitiveNeeds, Session


def _pending_holds(*, now: datetime.datetime | None = None):
    """Registrations awaiting their owner's confirmation hold a seat until they expire:
    an expired one holds nothing, whether or not the retention job has deleted it yet."""
    return PendingRegistration.objects.filter(expires_at__gt=now or timezone.now())


def _count_per_session(rows: QuerySet) -> Coalesce:
    """A correlated COUNT over ``rows`` for each session: read from an index on
    (session) for each session shown, not by joining every enrolment there is."""
    counted = (
        rows.filter(session=OuterRef("pk")).order_by().values("session").annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def session_list_with_seats() -> QuerySet[Session]:
    """Sessions annotated with ``seats_taken`` and ``seats_left``, in one query."""
    enrolled = _count_per_session(Enrolment.objects.filter(status__in=Enrolment.SEAT_HOLDING))
    held = _count_per_session(_pending_holds())
    return (
        Session.objects.select_related("course")
        .annotate(seats_taken=enrolled + held)
        .annotate(seats_left=F("capacity") - F("seats_taken"))
    )


def session_is_open(*, session: Session, today: datetime.date) -> bool:
    """Registration is open until the day before the session starts."""
    return session.start_date > today


def session_list_upcoming(*, today: datetime.date) -> QuerySet[Session]:
    """Sessions still open for registration, soonest first, with their seats."""
    return session_list_with_seats().filter(start_date__gt=today).order_by("start_date", "pk")


def session_seats_taken(*, session_id: int) -> int:
    """How many seats of this session are taken: by enrolments, and by registrations
    awaiting confirmation."""
    enrolled = Enrolment.objects.filter(
        session_id=session_id, status__in=Enrolment.SEAT_HOLDING
    ).count()
    return enrolled + _pending_holds().filter(session_id=session_id).count()


@dataclasses.dataclass(frozen=True)
class SeatsForAddress:
    """What a submission of one address to one session needs to know."""

    taken: int  # by enrolments and live holds, but this address's own hold
    enrolled: bool  # the address holds a seat on it (any status but cancelled)
    held: bool  # a submission of this address is on file, expired or not


def session_seats_for_address(*, session_id: int, email: str) -> SeatsForAddress:
    """The seats taken on this session and where this (normalised) address stands, in
    one statement. Decisive only under the session's row lock (registration_submit)."""
    email = email_normalise(email)
    own = Enrolment.objects.filter(session=OuterRef("pk"), trainee__email__lower=email)
    row = (
        Session.objects.filter(pk=session_id)
        .values(
            enrolled_n=_count_per_session(
                Enrolment.objects.filter(status__in=Enrolment.SEAT_HOLDING)
            ),
            held_n=_count_per_session(_pending_holds().exclude(email=email)),
            enrolled=Exists(own.exclude(status=Enrolment.Status.CANCELLED)),
            held=Exists(PendingRegistration.objects.filter(session=OuterRef("pk"), email=email)),
        )
        .get()
    )
    return SeatsForAddress(
        taken=row["enrolled_n"] + row["held_n"], enrolled=row["enrolled"], held=row["held"]
    )


def enrolment_refusal(*, trainee_id: int | None, session: Session) -> str | None:
    """Why this trainee cannot take a seat on this session ("already_enrolled", "full"),
    or None if they can.

    Advisory when called outside a lock: ``enrolment_create`` asks again under it.
    """
    existing = Enrolment.objects.filter(trainee_id=trainee_id, session=session).first()
    if existing is not None and existing.status != Enrolment.Status.CANCELLED:
        return "already_enrolled"
    if session_seats_taken(session_id=session.pk) >= session.capacity:
        return "full"
    return None


def trainees_not_for_offers(*, trainee_ids, today: datetime.date) -> set[int]:
    """Among these trainees, those we may not send our own offers to: people whose data
    we hold only as an employer's processor (Art. 28(10): no use for our own purposes),
    and people whose prospecting clock (the end of their last session, or the last
    contact they started: trainees.selectors) runs from longer ago than the prospecting
    period, the one after which trainee-prospects deletes people who never enrolled."""

    cutoff = years_before(today, settings.RETENTION["PROSPECTING_YEARS"])
    theirs = Enrolment.objects.filter(trainee=OuterRef("pk"))
    rows = trainees_with_prospecting_clock().filter(pk__in=list(trainee_ids))
    rows = rows.annotate(
        enrolled=Exists(theirs), own=Exists(theirs.filter(source=Enrolment.Source.SELF))
    ).values_list("pk", "enrolled", "own", "prospecting_clock")
    return {pk for pk, enrolled, own, clock in rows if (enrolled and not own) or clock < cutoff}


def sensitive_needs_held(*, email: str) -> dict[str, bool]:
    """Whether any allergy or disability data is held for this address."""
    needs = SensitiveNeeds.objects.filter(enrolment__trainee__email__lower=email_normalise(email))
    return {
        "allergies": needs.filter(food_allergies__isnull=False).exists(),
        "disability": needs.filter(disability_adaptations__isnull=False).exists(),
    }


@dataclasses.dataclass(frozen=True)
class SensitiveNeedsSnapshot:
    """Which allergy and disability values a database holds (keys only, nothing
    decrypted), for a restore: what was withdrawn, erased or purged since must stay gone."""

    highest_key: int  # the last key its sequence gave out, deleted rows included
    keys: set[int]
    no_allergies: set[int]
    no_disability: set[int]


def sensitive_needs_snapshot(*, highest_key: int) -> SensitiveNeedsSnapshot:
    """The keys of the sensitive needs held, and of those without allergies or disability data."""
    needs = SensitiveNeeds.objects.all()
    return SensitiveNeedsSnapshot(
        highest_key=highest_key,
        keys=set(needs.values_list("pk", flat=True)),
        no_allergies=set(needs.filter(food_allergies__isnull=True).values_list("pk", flat=True)),
        no_disability=set(
            needs.filter(disability_adaptations__isnull=True).values_list("pk", flat=True)
        ),
    )


def session_roster(*, session_id: int) -> QuerySet[Enrolment]:
    """The session's enrolments that hold a seat (every status but cancelled), with their
    trainees, by name: the people an attendance sheet lists."""
    return (
        Enrolment.objects.filter(session_id=session_id)
        .exclude(status=Enrolment.Status.CANCELLED)
        .select_related("trainee")
        .order_by("trainee__surname", "trainee__first_name", "pk")
    )


def session_with_course(*, session_id: int) -> Session:
    """One session and its course."""
    return Session.objects.select_related("course").get(pk=session_id)


def sessions_ended(*, before: datetime.date, since: datetime.date, formats) -> QuerySet[Session]:
    """Sessions of these formats whose last day is in [since, before)."""
    return Session.objects.filter(
        end_date__lt=before, end_date__gte=since, format__in=formats
    ).select_related("course")


def enrolment_with_trainee(*, enrolment_id: int) -> Enrolment:
    """One enrolment and its trainee; Enrolment.DoesNotExist if gone."""
    return Enrolment.objects.select_related("trainee").get(pk=enrolment_id)


def enrolment_with_documents(*, enrolment_id: int) -> Enrolment:
    """One enrolment with its trainee, session, course and client (what documents read)."""
    return Enrolment.objects.select_related("trainee", "session__course", "client").get(
        pk=enrolment_id
    )


def enrolments_of_sessions_ended(
    *, ended_from: datetime.date, ended_until: datetime.date
) -> QuerySet[Enrolment]:
    """Enrolments not cancelled on sessions whose last day falls between these dates
    (inclusive), with their trainee, session and course."""
    return (
        Enrolment.objects.filter(
            session__end_date__gte=ended_from, session__end_date__lte=ended_until
        )
        .exclude(status=Enrolment.Status.CANCELLED)
        .select_related("trainee", "session__course")
        .order_by("pk")
    )


def session_logistics_needs(*, session_id: int) -> list[SensitiveNeeds]:
    """The meal and adaptation needs on file for the session's trainees who hold a seat,
    by name: what the logistics list shows. Purged needs (the session ended) show none."""
    return list(
        SensitiveNeeds.objects.filter(
            enrolment__session_id=session_id,
            enrolment__status__in=Enrolment.SEAT_HOLDING,
            purged_at__isnull=True,
        )
        .filter(Q(food_allergies__isnull=False) | Q(disability_adaptations__isnull=False))
        .select_related("enrolment__trainee")
        .order_by("enrolment__trainee__surname", "enrolment__trainee__first_name")
    )


def client_enrolments(*, client_id: int) -> QuerySet[Enrolment]:
    """The enrolments this client made (we hold them as its processor), with trainee,
    session and course, and ``trainee_elsewhere``: whether the trainee is on file for
    anyone else too (registered themself, or by another client)."""
    elsewhere = Enrolment.objects.filter(trainee=OuterRef("trainee_id")).exclude(
        client_id=client_id
    )
    return (
        Enrolment.objects.filter(source=Enrolment.Source.EMPLOYER, client_id=client_id)
        .select_related("trainee", "session__course")
        .annotate(trainee_elsewhere=Exists(elsewhere))
        .order_by("trainee__surname", "trainee__first_name", "session__start_date", "pk")
    )
