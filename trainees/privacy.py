"""Trainees and their sensitive needs, for the DPO (see core/providers.py)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.addresses import email_normalise
from core.audit import admin_history_redact
from core.periods import years_before
from core.providers import ANONYMISE, ERASE, Planned, Provider, Record
from trainees.models import PendingRegistration, SensitiveNeeds, Trainee

# At an erasure, a trainee kept as attendance evidence keeps only name and email.
_CLEARED = {
    "phone": "",
    "postal_address": "",
    "occupation": "",
    "diplomas_and_skills": "",
    "notes": "",
    "employer": None,
}


class TraineesProvider(Provider):
    label = _("Trainee record and special needs")
    models = (Trainee, SensitiveNeeds)

    def _trainee(self, email):
        return (
            Trainee.objects.filter(email=email_normalise(email))
            .select_related("employer")
            .prefetch_related("enrolments__session")
            .first()
        )

    def _needs(self, email):
        return list(
            SensitiveNeeds.objects.filter(
                enrolment__trainee__email=email_normalise(email)
            ).select_related("enrolment__session__course")
        )

    def records(self, *, email):
        trainee = self._trainee(email)
        if trainee is None:
            return []
        enrolments = list(trainee.enrolments.all())
        by_employer = [e for e in enrolments if e.source == "employer"]
        # The record came from the employer alone: we hold it as its processor.
        processor = bool(enrolments) and len(by_employer) == len(enrolments)
        records = [
            Record(
                self.label,
                _("trainee"),
                trainee.pk,
                f"{trainee.first_name} {trainee.surname} · {trainee.occupation or '—'}",
                role="processor" if processor else "controller",
                client_id=trainee.employer_id if processor else None,
                client=trainee.employer.name if processor and trainee.employer else "",
                model="trainees.trainee",
            )
        ]
        for needs in self._needs(email):
            held = []
            if needs.food_allergies:
                held.append(str(_("food allergies")))
            if needs.disability_adaptations:
                held.append(str(_("disability adaptations")))
            what = ", ".join(held) or str(_("purged"))
            records.append(
                Record(
                    self.label,
                    _("special needs"),
                    needs.pk,
                    f"{needs.enrolment.session.course.title}: {what}",
                    model="trainees.sensitiveneeds",
                )
            )
        return records

    def sensitive(self, *, email):
        return any(n.food_allergies or n.disability_adaptations for n in self._needs(email))

    def export(self, *, email):
        trainee = self._trainee(email)
        if trainee is None:
            return {}
        fields = [
            "surname",
            "first_name",
            "email",
            "phone",
            "postal_address",
            "occupation",
            "diplomas_and_skills",
            "notes",
            "language",
            "created_at",
            "updated_at",
        ]
        data = {f: getattr(trainee, f) for f in fields}
        data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}
        data["employer"] = trainee.employer.name if trainee.employer else ""
        return {
            "trainee": data,
            "special_needs": [
                {
                    "course": n.enrolment.session.course.title,
                    "session_start": n.enrolment.session.start_date.isoformat(),
                    "food_allergies": n.food_allergies,
                    "disability_adaptations": n.disability_adaptations,
                    "purged_at": n.purged_at.isoformat() if n.purged_at else None,
                }
                for n in self._needs(email)
            ],
        }

    def _evidence_until(self, trainee, today):
        """The latest date the training evidence about this trainee must be kept to."""
        years = settings.RETENTION["TRAINING_LIMITATION_YEARS"]
        cutoff = years_before(today, years)
        ends = [
            e.session.end_date
            for e in trainee.enrolments.all()
            if cutoff <= e.session.end_date < today
        ]
        return years_before(max(ends), -years) if ends else None

    def erasure_plan(self, *, email, today):
        trainee = self._trainee(email)
        plan = [Planned(r, ERASE) for r in self.records(email=email)[1:]]  # needs: always
        if trainee is None:
            return plan
        record = self.records(email=email)[0]
        until = self._evidence_until(trainee, today)
        if until:
            plan.insert(
                0,
                Planned(
                    record,
                    ANONYMISE,
                    _(
                        "Your name and email stay on the attendance records the law requires us to "
                        "keep; everything else about you is erased."
                    ),
                    until,
                ),
            )
        else:
            plan.insert(0, Planned(record, ERASE))
        return plan

    def erase(self, *, email, now):
        trainee = self._trainee(email)
        if trainee is not None:
            admin_history_redact(model=Trainee, pks=[trainee.pk])
        needs = SensitiveNeeds.objects.filter(
            enrolment__trainee__email=email_normalise(email)
        ).delete()[0]
        trainee = self._trainee(email)
        if trainee is None:
            return {ERASE: needs}
        if trainee.enrolments.exists():
            # The training provider kept only what the law needs; so does this record.
            Trainee.objects.filter(pk=trainee.pk).update(**_CLEARED, updated_at=now)
            return {ERASE: needs, ANONYMISE: 1}
        trainee.delete()
        return {ERASE: needs + 1}


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
