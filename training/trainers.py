"""Trainers: who delivers a session, and what a subcontracted trainer receives.

A subcontracted trainer is another organisation: the names of the trainees they train
leave us. We record that (core/disclosures.py) at the moment they get them, which is
when an enrolment on their session is confirmed: from then on the trainee is on the
session's list that the trainer prepares with (convocation, attendance sheet). Recording
is idempotent, so confirming again, resending or changing the trainer back and forth
adds one line per trainee and recipient, not one per click.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from core.disclosures import Kind, disclosure_record, disclosures_of
from training.models import Enrolment, Session, Trainer

# What the trainer sees of each trainee: who they are and that they attend this session.
SUBCONTRACTOR_CATEGORIES = ["identity", "enrolment"]
# Enrolments whose trainee is on the trainer's list.
LISTED = (Enrolment.Status.CONFIRMED, Enrolment.Status.COMPLETED)


def trainer_save(*, trainer: Trainer) -> Trainer:
    """Create or change a trainer, validated."""
    trainer.full_clean()
    trainer.save()
    return trainer


def trainer_for_name(*, name: str, **details) -> Trainer:
    """The trainer of this name, created with these details if there is none (the demo;
    an employee unless ``status`` says otherwise)."""
    trainer = Trainer.objects.filter(name__iexact=name.strip()).first()
    return trainer or trainer_save(trainer=Trainer(name=name.strip(), **details))


@transaction.atomic
def session_trainer_disclosures_record(
    *, session_id: int, now: datetime.datetime | None = None, enrolment_ids=None
) -> int:
    """Record, once per trainee, that the session's subcontracted trainer received the
    names of its confirmed trainees (all of them, or only ``enrolment_ids``); returns how
    many were recorded now. An employee trainer is no recipient: nothing is recorded."""
    session = Session.objects.select_related("trainer").get(pk=session_id)
    trainer = session.trainer
    if trainer is None or trainer.status != Trainer.Status.SUBCONTRACTOR:
        return 0
    enrolments = Enrolment.objects.filter(session=session, status__in=LISTED).select_related(
        "trainee"
    )
    if enrolment_ids is not None:
        enrolments = enrolments.filter(pk__in=enrolment_ids)
    recorded = 0
    for enrolment in enrolments:
        told = disclosures_of(email=enrolment.trainee.email).filter(
            kind=Kind.SUBCONTRACTOR,
            recipient=trainer.recipient[:200],
            object_type=Enrolment._meta.label_lower,
            object_id=str(enrolment.pk),
        )
        if told.exists():
            continue
        disclosure_record(
            email=enrolment.trainee.email,
            recipient=trainer.recipient,
            kind=Kind.SUBCONTRACTOR,
            categories=SUBCONTRACTOR_CATEGORIES,
            now=now or timezone.now(),
            obj=enrolment,
        )
        recorded += 1
    return recorded
