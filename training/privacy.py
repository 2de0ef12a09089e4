"""Enrolments (training history) for the DPO: what a person attended, under which role,
and what the law makes us keep (see core/providers.py)."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.addresses import email_normalise
from core.audit import admin_history_redact
from core.periods import years_before
from core.providers import ERASE, KEEP, Planned, Provider, Record
from core.purposes import Purpose
from training.models import (
    Enrolment,
    PendingRegistration,
    ProcessorNotice,
    SensitiveNeeds,
    Trainer,
)


def kept_until(enrolment: Enrolment) -> datetime.date:
    """Attendance and certificate evidence is kept until the limitation period ends."""
    return years_before(
        enrolment.session.end_date, -settings.RETENTION["TRAINING_LIMITATION_YEARS"]
    )


class EnrolmentsProvider(Provider):
    label = _("Training history")
    # The notices follow the trainee (deleted with them); they are exported with the rest.
    models = (Enrolment, ProcessorNotice)

    def _enrolments(self, email):
        return list(
            Enrolment.objects.filter(trainee__email=email_normalise(email))
            .select_related("session__course", "client")
            .order_by("session__start_date")
        )

    def _record(self, e):
        return Record(
            self.label,
            _("enrolment"),
            e.pk,
            f"{e.session.course.title} · {e.session.start_date:%d/%m/%Y} · {e.get_status_display()}",
            role=e.role,
            client_id=e.client_id,
            client=e.client.name if e.client else "",
        )

    def records(self, *, email):
        return [self._record(e) for e in self._enrolments(email)]

    def export(self, *, email):
        return {
            "enrolments": [
                {
                    "course": e.session.course.title,
                    "code": e.session.course.code,
                    "start": e.session.start_date.isoformat(),
                    "end": e.session.end_date.isoformat(),
                    "location": e.session.location,
                    "status": e.status,
                    "registered_by": e.source,
                    "client": e.client.name if e.client else "",
                    "employer_named": e.employer_name,
                    "our_role": e.role,
                    "legal_basis": e.legal_basis,
                    "created_at": e.created_at.isoformat(),
                    "archived_at": e.archived_at.isoformat() if e.archived_at else None,
                }
                for e in self._enrolments(email)
            ],
            "information_notices": [
                {"client": n.client.name, "sent_at": n.sent_at.isoformat()}
                for n in ProcessorNotice.objects.filter(
                    trainee__email=email_normalise(email)
                ).select_related("client")
            ],
        }

    def _plan(self, enrolment, today):
        # A cancelled enrolment is no attendance evidence.
        ended = (
            enrolment.session.end_date < today and enrolment.status != Enrolment.Status.CANCELLED
        )
        cutoff = years_before(today, settings.RETENTION["TRAINING_LIMITATION_YEARS"])
        if ended and enrolment.session.end_date >= cutoff:
            return Planned(
                self._record(enrolment),
                KEEP,
                _(
                    "Attendance and certificate evidence the law requires us to keep for inspections "
                    "and claims, until the limitation period ends."
                ),
                kept_until(enrolment),
            )
        return Planned(self._record(enrolment), ERASE)

    def erasure_plan(self, *, email, today):
        return [self._plan(e, today) for e in self._enrolments(email)]

    def erase(self, *, email, now):
        today = timezone.localdate(now)
        doomed = [
            p.record.pk for p in self.erasure_plan(email=email, today=today) if p.action == ERASE
        ]
        admin_history_redact(model=Enrolment, pks=doomed)
        deleted = Enrolment.objects.filter(pk__in=doomed).delete()[1].get("training.Enrolment", 0)
        return {ERASE: deleted, KEEP: len(self._enrolments(email))}


class PendingRegistrationsProvider(Provider):
    """Registrations awaiting their owner's confirmation. Nothing in them was confirmed as
    the person's, and their needs are seen by no one: the DPO and the export see how
    many there are and for which session, never what they say. They expire by
    themselves (REGISTRATION_CONFIRM_HOURS); an erasure deletes them at once."""

    label = _("Registrations awaiting confirmation")
    models = (PendingRegistration,)

    def _pending(self, email):
        return PendingRegistration.objects.filter(email=email_normalise(email)).select_related(
            "session__course"
        )

    def records(self, *, email):
        return [
            Record(
                self.label,
                _("registration awaiting confirmation"),
                pending.pk,
                f"{pending.session.course.title} · {pending.session.start_date.isoformat()}",
            )
            for pending in self._pending(email)
        ]

    def export(self, *, email):
        count = self._pending(email).count()
        return {"registrations_awaiting_confirmation": count} if count else {}

    def erasure_plan(self, *, email, today):
        return [Planned(record, ERASE) for record in self.records(email=email)]

    def erase(self, *, email, now):
        return {ERASE: self._pending(email).delete()[0]}


class SensitiveNeedsProvider(Provider):
    """Allergy and disability needs (Art. 9 data): the export holds their values, and an
    erasure deletes them whatever else is kept."""

    label = _("Special needs")
    models = (SensitiveNeeds,)

    def _needs(self, email):
        return list(
            SensitiveNeeds.objects.filter(
                enrolment__trainee__email=email_normalise(email)
            ).select_related("enrolment__session__course")
        )

    def _record(self, needs):
        held = []
        if needs.food_allergies:
            held.append(str(_("food allergies")))
        if needs.disability_adaptations:
            held.append(str(_("disability adaptations")))
        what = ", ".join(held) or str(_("purged"))
        title = needs.enrolment.session.course.title
        return Record(self.label, _("special needs"), needs.pk, f"{title}: {what}")

    def records(self, *, email):
        return [self._record(needs) for needs in self._needs(email)]

    def sensitive(self, *, email):
        return any(n.food_allergies or n.disability_adaptations for n in self._needs(email))

    def purposes(self, *, email):
        needs = self._needs(email)
        held = {Purpose.ALLERGY_DATA: any(n.food_allergies is not None for n in needs)}
        held[Purpose.DISABILITY_DATA] = any(n.disability_adaptations is not None for n in needs)
        return {purpose for purpose, is_held in held.items() if is_held}

    def export(self, *, email):
        needs = self._needs(email)
        if not needs:
            return {}
        return {
            "special_needs": [
                {
                    "course": n.enrolment.session.course.title,
                    "session_start": n.enrolment.session.start_date.isoformat(),
                    "food_allergies": n.food_allergies,
                    "disability_adaptations": n.disability_adaptations,
                    "purged_at": n.purged_at.isoformat() if n.purged_at else None,
                }
                for n in needs
            ]
        }

    def erasure_plan(self, *, email, today):
        return [Planned(record, ERASE) for record in self.records(email=email)]

    def erase(self, *, email, now):
        deleted = SensitiveNeeds.objects.filter(enrolment__trainee__email=email_normalise(email))
        return {ERASE: deleted.delete()[0]}


class TrainersProvider(Provider):
    """Trainers are people too: their record, and the sessions they delivered. It is kept
    while they train and for the limitation period after their last session (the
    retention rule ``trainers``): attendance sheets and certificates name them, and
    quality audits (Qualiopi) ask who trained whom."""

    label = _("Trainer")
    models = (Trainer,)

    def _trainers(self, email):
        return list(
            Trainer.objects.filter(email__lower=email_normalise(email)).prefetch_related(
                "sessions__course"
            )
        )

    def _record(self, trainer):
        summary = f"{trainer.name} · {trainer.get_status_display()}"
        return Record(self.label, _("trainer"), trainer.pk, summary, model="training.trainer")

    def records(self, *, email):
        return [self._record(trainer) for trainer in self._trainers(email)]

    def export(self, *, email):
        trainers = self._trainers(email)
        if not trainers:
            return {}
        return {
            "trainer": [
                {
                    "name": t.name,
                    "email": t.email,
                    "status": t.status,
                    "company": t.company,
                    "sessions": [
                        {
                            "course": s.course.title,
                            "start": s.start_date.isoformat(),
                            "end": s.end_date.isoformat(),
                        }
                        for s in t.sessions.all()
                    ],
                }
                for t in trainers
            ]
        }

    def _plan(self, trainer, today):
        cutoff = years_before(today, settings.RETENTION["TRAINING_LIMITATION_YEARS"])
        last = max((s.end_date for s in trainer.sessions.all()), default=None)
        if last is None or last < cutoff:
            return Planned(self._record(trainer), ERASE)
        return Planned(
            self._record(trainer),
            KEEP,
            _(
                "Attendance sheets and certificates name the trainer; quality audits and "
                "claims need them until the limitation period after their last session."
            ),
            years_before(last, -settings.RETENTION["TRAINING_LIMITATION_YEARS"]),
        )

    def erasure_plan(self, *, email, today):
        return [self._plan(t, today) for t in self._trainers(email)]

    def erase(self, *, email, now):
        plans = self.erasure_plan(email=email, today=timezone.localdate(now))
        doomed = [p.record.pk for p in plans if p.action == ERASE]
        admin_history_redact(model=Trainer, pks=doomed)
        deleted = Trainer.objects.filter(pk__in=doomed).delete()[0]
        return {ERASE: deleted, KEEP: len(plans) - len(doomed)}
