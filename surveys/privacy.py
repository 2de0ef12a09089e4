"""Whether a person was asked for their opinion and answered: personal data, exported
and erased here. The answers themselves name nobody: no provider exports them, as
nothing links them to anyone (see surveys/models.py)."""

from django.utils.translation import gettext_lazy as _

from core.addresses import email_normalise
from core.providers import ERASE, Planned, Provider, Record
from surveys.models import SurveyInvitation


class SurveyInvitationsProvider(Provider):
    label = _("Satisfaction surveys")
    models = (SurveyInvitation,)

    def _invitations(self, email):
        return list(
            SurveyInvitation.objects.filter(
                enrolment__trainee__email=email_normalise(email)
            ).select_related("enrolment__session__course")
        )

    def _record(self, invitation):
        session = invitation.enrolment.session
        answered = _("answered") if invitation.answered_on else _("not answered")
        summary = f"{session.course.title} · {session.start_date:%d/%m/%Y} · {answered}"
        return Record(self.label, _("survey invitation"), invitation.pk, summary)

    def records(self, *, email):
        return [self._record(invitation) for invitation in self._invitations(email)]

    def export(self, *, email):
        invitations = self._invitations(email)
        if not invitations:
            return {}
        return {
            "satisfaction_surveys": [
                {
                    "course": i.enrolment.session.course.title,
                    "session_start": i.enrolment.session.start_date.isoformat(),
                    "invited_at": i.invited_at.isoformat(),
                    "answered_on": i.answered_on.isoformat() if i.answered_on else None,
                }
                for i in invitations
            ]
        }

    def erasure_plan(self, *, email, today):
        return [Planned(record, ERASE) for record in self.records(email=email)]

    def erase(self, *, email, now):
        invitations = SurveyInvitation.objects.filter(
            enrolment__trainee__email=email_normalise(email)
        )
        return {ERASE: invitations.delete()[0]}
