"""The emails waiting in, or recently sent through, the outbox (core/outbox.py): they
hold the person's address and what we wrote to them. The kernel app knows no provider,
so its provider lives here (see dpo_requests/providers.py)."""

from django.utils.translation import gettext_lazy as _

from consent.addresses import email_normalise
from core.models import OutboxEmail
from dpo_requests.providers import ERASE, Planned, Provider, Record


class OutboxProvider(Provider):
    label = _("Emails we sent you")
    models = (OutboxEmail,)

    def _emails(self, email):
        return list(OutboxEmail.objects.filter(email=email_normalise(email)).order_by("created_at"))

    def _record(self, e):
        return Record(
            self.label,
            _("email"),
            e.pk,
            f"{e.created_at:%d/%m/%Y} · {e.subject} · {e.get_status_display()}",
        )

    def records(self, *, email):
        return [self._record(e) for e in self._emails(email)]

    def export(self, *, email):
        return {
            "emails": [
                {
                    "created_at": e.created_at.isoformat(),
                    "sent_at": e.sent_at.isoformat() if e.sent_at else None,
                    "status": e.status,
                    "subject": e.subject,
                    "body": e.body,
                }
                for e in self._emails(email)
            ]
        }

    def erasure_plan(self, *, email, today):
        return [Planned(self._record(e), ERASE) for e in self._emails(email)]

    def erase(self, *, email, now):
        deleted = OutboxEmail.objects.filter(email=email_normalise(email)).delete()[0]
        return {ERASE: deleted}
