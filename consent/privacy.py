"""Consents, objections and the suppression list, for the DPO (see core/providers.py);
the offers a person received are campaigns' (campaigns/privacy.py)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentRecord, Suppression
from consent.self_service import object_to_marketing
from core.addresses import address_hash, email_normalise
from core.periods import years_before
from core.providers import KEEP, Planned, Provider, Record

PROOF = _("Proof of your choice, which we must be able to show until the limitation period ends.")
NEVER_AGAIN = _(
    "Kept as a keyed hash, not your address, so that you never receive these emails again, "
    "as you asked."
)


class ConsentProvider(Provider):
    label = _("Consents and communications")
    models = (ConsentRecord, Suppression)

    def _load(self, email):
        return (
            list(
                ConsentRecord.objects.filter(email=email_normalise(email))
                .select_related("policy_version")
                .order_by("at")
            ),
            list(Suppression.objects.filter(address_hash=address_hash(email))),
        )

    def _consent(self, r):
        return Record(
            self.label,
            _("consent or objection"),
            r.pk,
            f"{r.at:%d/%m/%Y} · {r.get_purpose_display()} · {r.get_action_display()}",
        )

    def _suppression(self, s):
        return Record(self.label, _("suppression list"), s.pk, str(s.get_purpose_display()))

    def records(self, *, email):
        consents, suppressed = self._load(email)
        return [self._consent(r) for r in consents] + [self._suppression(s) for s in suppressed]

    def export(self, *, email):
        consents, suppressed = self._load(email)
        return {
            "consent_history": [
                {
                    "at": r.at.isoformat(),
                    "purpose": r.purpose,
                    "choice": r.action,
                    "how": r.channel,
                    "privacy_policy_version": r.policy_version.number,
                }
                for r in consents
            ],
            "never_send_again": [s.purpose for s in suppressed],
        }

    def erasure_plan(self, *, email, today):
        consents, suppressed = self._load(email)
        years = settings.RETENTION["CONSENT_PROOF_YEARS"]
        return [
            Planned(self._consent(r), KEEP, PROOF, years_before(r.at.date(), -years))
            for r in consents
        ] + [Planned(self._suppression(s), KEEP, NEVER_AGAIN) for s in suppressed]

    def erase(self, *, email, now):
        # Proofs and the suppression list are kept (see the plan); nothing is erased.
        return {}

    def object(self, *, email, now):
        object_to_marketing(email=email, now=now)
