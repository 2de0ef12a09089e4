"""Restrictions and legal holds on a person, for the DPO (see dpo_requests/providers.py)."""

from django.utils.translation import gettext_lazy as _

from consent.addresses import email_normalise
from dpo_requests.providers import KEEP, Planned, Provider, Record
from retention.models import Hold


class HoldsProvider(Provider):
    label = _("Restrictions and legal holds")
    models = (Hold,)

    def _holds(self, email):
        return list(Hold.objects.filter(email=email_normalise(email)).order_by("created_at"))

    def _record(self, hold):
        state = _("lifted") if hold.lifted_at else _("active")
        return Record(self.label, _("hold"), hold.pk, f"{hold.get_kind_display()} · {state}")

    def records(self, *, email):
        return [self._record(h) for h in self._holds(email)]

    def export(self, *, email):
        return {
            "restrictions_and_holds": [
                {
                    "kind": h.kind,
                    "since": h.created_at.isoformat(),
                    "until": h.until.isoformat() if h.until else None,
                    "lifted_at": h.lifted_at.isoformat() if h.lifted_at else None,
                }
                for h in self._holds(email)
            ]
        }

    def erasure_plan(self, *, email, today):
        return [
            Planned(
                self._record(h),
                KEEP,
                _("The record that your data was set aside, kept as proof."),
                h.until,
            )
            for h in self._holds(email)
        ]

    def erase(self, *, email, now):
        return {}
