"""What the retention schedule (core/schedule.py) applies to training data: each rule
names a ``*_due`` selector and a ``purge_*`` service of this module; the schedule carries
the rest (the people's address path for holds, batches, the log)."""

import datetime

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from clients.selectors import processor_data_deleted_from
from core.periods import years_before
from trainees.services import trainees_archive, trainees_without_enrolments_delete
from training.models import Enrolment, PendingRegistration, SensitiveNeeds, Session, Trainer


def sensitive_needs_due(*, now: datetime.datetime):
    """Needs whose session ended before today (Europe/Paris dates) minus the configured
    days: a session ending today keeps them until tomorrow."""
    days = settings.RETENTION["SENSITIVE_NEEDS_DAYS_AFTER_SESSION"]
    cutoff = timezone.localdate(now) - datetime.timedelta(days=days)
    return SensitiveNeeds.objects.filter(
        purged_at__isnull=True, enrolment__session__end_date__lt=cutoff
    )


def purge_sensitive_needs(*, ids, now: datetime.datetime) -> int:
    """Policy §6: allergy and disability data are kept only for the duration of the
    training. The day after a session's last day, their values (and consent dates) are
    erased; the row stays as a tombstone saying when."""
    return SensitiveNeeds.objects.filter(pk__any_of=ids, purged_at__isnull=True).update(
        food_allergies=None,
        disability_adaptations=None,
        allergies_consent_at=None,
        disability_consent_at=None,
        purged_at=now,
        updated_at=now,
    )


def unconfirmed_registrations_due(*, now: datetime.datetime):
    """Submissions whose owner never confirmed, past their expiry."""
    return PendingRegistration.objects.filter(expires_at__lte=now)


def purge_unconfirmed_registrations(*, ids, now: datetime.datetime) -> int:
    """An unconfirmed submission is no registration: once its link expired it goes, with
    its encrypted needs; the purge log keeps the count only."""
    return PendingRegistration.objects.filter(pk__any_of=ids).delete()[0]


def enrolments_to_archive_due(*, now: datetime.datetime):
    """Enrolments of sessions that ended longer ago than the archive delay."""
    days = settings.RETENTION["TRAINING_ARCHIVE_DAYS_AFTER_SESSION"]
    cutoff = timezone.localdate(now) - datetime.timedelta(days=days)
    return Enrolment.objects.filter(archived_at__isnull=True, session__end_date__lt=cutoff)


def archive_training_records(*, ids, now: datetime.datetime) -> int:
    """Policy §6: training data is kept while the training is managed, then archived.
    Some weeks after a session ends (settings.RETENTION), its enrolments move to the
    restricted archive, and trainees with nothing left to manage keep only their
    identity and the record of their training."""
    changed = Enrolment.objects.filter(pk__any_of=ids).update(archived_at=now, updated_at=now)
    trainees_archive(
        trainee_ids=Enrolment.objects.filter(pk__any_of=ids).values("trainee_id"), now=now
    )
    return changed


def training_records_due(*, now: datetime.datetime):
    """Enrolments, archived or not (the archive rule runs first), of sessions that ended
    before the limitation period: past it, nothing is kept."""
    years = settings.RETENTION["TRAINING_LIMITATION_YEARS"]
    return Enrolment.objects.filter(
        session__end_date__lt=years_before(timezone.localdate(now), years)
    )


def purge_training_records(*, ids, now: datetime.datetime) -> int:
    """Policy §6: archived training data is deleted when the statutory limitation period
    expires (settings.RETENTION): the enrolments go, and the trainees left with none."""
    trainee_ids = list(
        Enrolment.objects.filter(pk__any_of=ids).values_list("trainee_id", flat=True)
    )
    deleted = Enrolment.objects.filter(pk__any_of=ids).delete()[1].get("training.Enrolment", 0)
    trainees_without_enrolments_delete(trainee_ids=trainee_ids)
    return deleted


def trainers_due(*, now: datetime.datetime):
    """Trainers with no session that ended within the limitation period, on file for
    longer than that (a trainer added but never chosen goes too)."""
    cutoff = years_before(timezone.localdate(now), settings.RETENTION["TRAINING_LIMITATION_YEARS"])
    recent = Session.objects.filter(trainer=OuterRef("pk"), end_date__gte=cutoff)
    return Trainer.objects.filter(created_at__date__lt=cutoff).exclude(Exists(recent))


def purge_trainers(*, ids, now: datetime.datetime) -> int:
    """A trainer's record is kept while they train and for the limitation period after
    their last session (settings.RETENTION, 5 years): the attendance sheets and
    certificates name them, and quality audits (Qualiopi, indicators 21-22: the trainers'
    competences) ask who trained whom. Then it is deleted; the sessions keep no trainer."""
    return Trainer.objects.filter(pk__any_of=ids).delete()[0]


# What the law does not require us to keep of an enrolment made by a client: one
# cancelled before anything was signed or issued for it. The others are the training
# agreement's facts (Labour Code L.6353-1, L.6362-5), kept as the law requires, with
# their attendance sheets and certificates (rule "attendance-evidence"). The relations
# are the attendance app's, named here only as lookups.
_NOT_EVIDENCE = (
    Q(status=Enrolment.Status.CANCELLED)
    & ~Q(attendance_lines__isnull=False)
    & ~Q(certificate__isnull=False)
)


def processor_data_due(*, now: datetime.datetime):
    """Enrolments made by clients whose services ended, once the client's instruction is
    due (clients.selectors.processor_data_deleted_from), that still hold more than the
    law requires: not archived yet, or not evidence at all.

    The services end with the relationship (``relationship_ended_on``), or with the
    client's last session if that ended later. No instruction recorded: the rule leaves
    the client's data to the rest of the schedule.
    """
    pending = (
        Enrolment.objects.filter(
            source=Enrolment.Source.EMPLOYER, client__relationship_ended_on__isnull=False
        )
        .exclude(client__end_of_services_instruction="")
        .filter(Q(archived_at__isnull=True) | _NOT_EVIDENCE)
    )
    # Per client with something pending (a few), the end of its last session: one pass.
    clients = (
        Enrolment.objects.filter(client_id__in=pending.values("client_id"))
        .values("client_id")
        .annotate(last=Max("session__end_date", filter=~Q(status=Enrolment.Status.CANCELLED)))
        .values_list(
            "client_id",
            "last",
            "client__relationship_ended_on",
            "client__end_of_services_instruction",
            "client__processor_data_returned_on",
        )
    )
    today = timezone.localdate(now)
    due = [
        client_id
        for client_id, last, ended, instruction, returned in clients
        if processor_data_deleted_from(
            instruction=instruction,
            services_ended_on=max(ended, last or ended),
            returned_on=returned,
        )[0]
        <= today
    ]
    # No client due: a condition no row meets (an empty IN list makes no SQL for the cursor
    # the purge reads).
    return pending.filter(client_id__in=due) if due else pending.filter(pk__isnull=True)


def purge_processor_data(*, ids, now: datetime.datetime) -> int:
    """Policy §1, GDPR Art. 28(3)(g): at the end of the services, the data we hold as a
    client's processor is deleted (after its return, if the client asked for it), except
    what the law requires us to keep, which we then keep as controller. Enrolments that
    are not evidence go; the others move to the restricted archive; their trainees keep
    only their identity once nothing else is managed for them, and go if nothing is left.
    A trainee who registered themself, or is still trained for another client, keeps
    what that needs; consent proofs and rights requests are kept by their own rules."""
    trainee_ids = list(
        Enrolment.objects.filter(pk__any_of=ids).values_list("trainee_id", flat=True)
    )
    deleted = Enrolment.objects.filter(Q(pk__any_of=ids) & _NOT_EVIDENCE).delete()[1]
    archived = Enrolment.objects.filter(pk__any_of=ids, archived_at__isnull=True).update(
        archived_at=now, updated_at=now
    )
    trainees_archive(trainee_ids=trainee_ids, now=now)
    trainees_without_enrolments_delete(trainee_ids=trainee_ids)
    return deleted.get("training.Enrolment", 0) + archived
