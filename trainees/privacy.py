"""Trainees, for the DPO (see core/providers.py); their sensitive needs are training's
(training/privacy.py)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.addresses import email_normalise
from core.audit import admin_history_redact
from core.periods import years_before
from core.providers import ANONYMISE, ERASE, Planned, Provider, Record
from core.purposes import Purpose
from trainees.models import Trainee
from trainees.services import TRAINING_EVIDENCE_CLEARS


class TraineesProvider(Provider):
    label = _("Trainee record")
    models = (Trainee,)

    def _trainee(self, email):
        return (
            Trainee.objects.filter(email=email_normalise(email))
            .select_related("employer")
            .prefetch_related("enrolments__session")
            .first()
        )

    def purposes(self, *, email):
        # Offers concern trainees who registered themselves: a trainee known only through
        # an employer is that employer's data, which we do not use for our own offers.
        trainee = self._trainee(email)
        if trainee and any(e.source == "self" for e in trainee.enrolments.all()):
            return {Purpose.TRAINEE_OFFERS}
        return set()

    def records(self, *, email):
        trainee = self._trainee(email)
        if trainee is None:
            return []
        enrolments = list(trainee.enrolments.all())
        by_employer = [e for e in enrolments if e.source == "employer"]
        # The record came from the employer alone: we hold it as its processor.
        processor = bool(enrolments) and len(by_employer) == len(enrolments)
        return [
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
            "last_contact_at",
        ]
        data = {f: getattr(trainee, f) for f in fields}
        data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}
        data["employer"] = trainee.employer.name if trainee.employer else ""
        return {"trainee": data}

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
        if trainee is None:
            return []
        [record] = self.records(email=email)
        until = self._evidence_until(trainee, today)
        if not until:
            return [Planned(record, ERASE)]
        keeps = _(
            "Your name and email stay on the attendance records the law requires us to "
            "keep; everything else about you is erased."
        )
        return [Planned(record, ANONYMISE, keeps, until)]

    def erase(self, *, email, now):
        trainee = self._trainee(email)
        if trainee is None:
            return {}
        admin_history_redact(model=Trainee, pks=[trainee.pk])
        if trainee.enrolments.exists():
            # The training provider kept only what the law needs; so does this record.
            Trainee.objects.filter(pk=trainee.pk).update(**TRAINING_EVIDENCE_CLEARS, updated_at=now)
            return {ANONYMISE: 1}
        trainee.delete()
        return {ERASE: 1}
