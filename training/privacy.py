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
from training.models import Enrolment, ProcessorNotice


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
