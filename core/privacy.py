"""The kernel's personal data, for the DPO (the contract is core/providers.py): the emails
waiting in, or recently sent through, the outbox (they hold the person's address and
what we wrote to them), the restrictions and legal holds placed on a person, and the
recipients their data went to."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.addresses import email_normalise
from core.disclosures import disclosures_of
from core.holds import hold_lift, hold_place, holds_active
from core.models import Disclosure, Hold, OutboxEmail
from core.periods import years_before
from core.providers import ERASE, KEEP, Planned, Provider, Record


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

    def _active(self, email, today):
        return holds_active(today=today).filter(email=email_normalise(email))

    def holds(self, *, email, today):
        return [h.reason for h in self._active(email, today).filter(kind=Hold.Kind.LEGAL_HOLD)]

    def restrict(self, *, email, reason, now):
        hold_place(email=email, kind=Hold.Kind.RESTRICTION, reason=reason, now=now)

    def restricted(self, *, email, today):
        return self._active(email, today).filter(kind=Hold.Kind.RESTRICTION).exists()

    def lift_restriction(self, *, email, now):
        lifted = 0
        for hold in self._active(email, timezone.localdate(now)).filter(kind=Hold.Kind.RESTRICTION):
            hold_lift(hold=hold, now=now)
            lifted += 1
        return lifted


class DisclosuresProvider(Provider):
    """Who received this person's data (Art. 15(1)(c)): the actual recipients, not only
    their kinds. Kept after an erasure, as proof of what was shared and whom an erasure
    was passed on to (Art. 19), until the limitation period ends (retention rule
    ``disclosures``)."""

    label = _("Recipients of your data")
    models = (Disclosure,)

    def _record(self, d):
        summary = f"{d.at:%d/%m/%Y} · {d.recipient} · {d.categories}"
        return Record(self.label, d.get_kind_display(), d.pk, summary)

    def records(self, *, email):
        return [self._record(d) for d in disclosures_of(email=email)]

    def export(self, *, email):
        sent = [
            {
                "at": d.at.isoformat(),
                "recipient": d.recipient,
                "kind": d.kind,
                "categories": d.categories,
                "told_of_a_rectification_or_erasure_at": d.told_at.isoformat()
                if d.told_at
                else None,
            }
            for d in disclosures_of(email=email)
        ]
        return {"recipients": sent} if sent else {}

    def erasure_plan(self, *, email, today):
        years = settings.RETENTION["CONSENT_PROOF_YEARS"]
        why = _("Proof of whom your data was shared with, and that they were told.")
        return [
            Planned(self._record(d), KEEP, why, years_before(d.at.date(), -years))
            for d in disclosures_of(email=email)
        ]

    def erase(self, *, email, now):
        return {}
