"""The person's own requests, for the DPO and for their access request."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.addresses import email_normalise
from core.periods import years_before
from core.providers import KEEP, Planned, Provider, Record
from dpo_requests.models import Request


class RequestsProvider(Provider):
    label = _("Your requests to the DPO")
    models = (Request,)

    def _requests(self, email):
        return list(Request.objects.filter(email=email_normalise(email)).order_by("received_at"))

    def _record(self, r):
        return Record(
            self.label,
            _("request"),
            r.pk,
            f"#{r.pk} · {r.get_kind_display()} · {r.get_status_display()}",
        )

    def records(self, *, email):
        return [self._record(r) for r in self._requests(email)]

    def export(self, *, email):
        return {
            "requests": [
                {
                    "number": r.pk,
                    "kind": r.kind,
                    "received_at": r.received_at.isoformat(),
                    "status": r.status,
                    "details": r.details,
                }
                for r in self._requests(email)
            ]
        }

    def erasure_plan(self, *, email, today):
        years = settings.RETENTION["CONSENT_PROOF_YEARS"]
        return [
            Planned(
                self._record(r),
                KEEP,
                _("Proof that we answered your request, kept for the limitation period."),
                years_before(r.received_at.date(), -years),
            )
            for r in self._requests(email)
        ]

    def erase(self, *, email, now):
        return {}
