"""What the retention schedule (core/schedule.py) deletes among consent records."""

import datetime

from django.conf import settings
from django.utils import timezone

from clients.selectors import contact_emails
from consent.models import ConsentRecord
from core.periods import years_before
from trainees.selectors import trainee_emails


def consent_proofs_due(*, now: datetime.datetime):
    """Choices of addresses no longer on file, older than the proof period: the
    suppression list still honours any objection among them."""
    cutoff = years_before(timezone.localdate(now), settings.RETENTION["CONSENT_PROOF_YEARS"])
    return (
        ConsentRecord.objects.filter(at__date__lt=cutoff)
        .exclude(email__in=trainee_emails())
        .exclude(email__in=contact_emails())
    )


def purge_consent_proofs(*, ids, now: datetime.datetime) -> int:
    """Proof of a consent or objection is kept 5 years (the limitation period) from the
    choice; once that has passed and the person is no longer on file, it is deleted, and
    only the suppression list's hash remains to honour an objection."""
    return ConsentRecord.objects.filter(pk__any_of=ids).delete()[0]
