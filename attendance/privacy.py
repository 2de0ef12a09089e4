"""Attendance and certificates for the DPO: exported in full; an erasure keeps what is
evidence the law requires (see core/providers.py)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.models import AttendanceLine, Certificate
from core.addresses import email_normalise
from core.periods import years_before
from core.providers import ERASE, KEEP, Planned, Provider, Record


class AttendanceProvider(Provider):
    label = _("Attendance and certificates")
    models = (AttendanceLine, Certificate)

    def _lines(self, email):
        return list(
            AttendanceLine.objects.filter(enrolment__trainee__email=email_normalise(email))
            .select_related("sheet", "enrolment__session__course")
            .order_by("sheet__starts_at")
        )

    def _certificates(self, email):
        return list(
            Certificate.objects.filter(
                enrolment__trainee__email=email_normalise(email)
            ).select_related("enrolment__session__course")
        )

    def _record(self, obj, kind, summary):
        enrolment = obj.enrolment
        return Record(
            self.label, kind, obj.pk, summary, role=enrolment.role, client_id=enrolment.client_id
        )

    def records(self, *, email):
        lines = [
            self._record(
                line,
                _("attendance"),
                f"{line.enrolment.session.course.title} · {line.sheet.day:%d/%m/%Y} "
                f"{line.sheet.half_day} · {line.status}",
            )
            for line in self._lines(email)
        ]
        return lines + [
            self._record(
                c, _("certificate"), f"{c.snapshot.get('course', '')} · {c.hours_attended} h"
            )
            for c in self._certificates(email)
        ]

    def export(self, *, email):
        lines, certificates = self._lines(email), self._certificates(email)
        if not lines and not certificates:
            return {}
        return {
            "attendance": [
                {
                    "course": line.enrolment.session.course.title,
                    "day": line.sheet.day.isoformat(),
                    "half_day": line.sheet.half_day,
                    "status": line.status,
                    "signed_at": line.signed_at.isoformat() if line.signed_at else None,
                    "method": line.method,
                }
                for line in lines
            ],
            "certificates": [
                {
                    "course": c.snapshot.get("course", ""),
                    "issued_at": c.issued_at.isoformat(),
                    "hours_planned": str(c.hours_planned),
                    "hours_attended": str(c.hours_attended),
                    "evaluation": c.evaluation,
                    "emailed_at": c.emailed_at.isoformat() if c.emailed_at else None,
                }
                for c in certificates
            ],
        }

    def _plan(self, obj, record, today):
        # Evidence of a session that took place is kept for the statutory period
        # (settings.RETENTION["ATTENDANCE_EVIDENCE_YEARS"]); anything else goes.
        session = obj.enrolment.session
        years = settings.RETENTION["ATTENDANCE_EVIDENCE_YEARS"]
        if session.end_date < today and session.end_date >= years_before(today, years):
            reason = _(
                "Attendance sheets and certificates are evidence of the training that the "
                "law requires us to keep for inspections and funders, until the period ends."
            )
            return Planned(record, KEEP, reason, years_before(session.end_date, -years))
        return Planned(record, ERASE)

    def erasure_plan(self, *, email, today):
        objects = self._lines(email) + self._certificates(email)
        return [
            self._plan(obj, record, today)
            for obj, record in zip(objects, self.records(email=email), strict=True)
        ]

    def erase(self, *, email, now):
        plan = self.erasure_plan(email=email, today=timezone.localdate(now))
        doomed = {
            p.record.pk for p in plan if p.action == ERASE and p.record.kind == _("attendance")
        }
        doomed_certs = {
            p.record.pk for p in plan if p.action == ERASE and p.record.kind != _("attendance")
        }
        erased = AttendanceLine.objects.filter(pk__in=doomed).delete()[0]
        erased += Certificate.objects.filter(pk__in=doomed_certs).delete()[0]
        return {ERASE: erased, KEEP: len(plan) - len(doomed) - len(doomed_certs)}
