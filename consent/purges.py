"""What the retention schedule (core/schedule.py) deletes among consent records."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from clients.selectors import contact_emails
from consent.models import ConsentRecord
from core.periods import day_start, years_before
from trainees.selectors import trainee_emails


def consent_proofs_due(*, now: datetime.datetime):
    """Choices of addresses no longer on file, older than the proof period: the
    suppression list still honours any objection among them."""
    cutoff = years_before(timezone.localdate(now), settings.RETENTION["CONSENT_PROOF_YEARS"])
    # Through the index on ``at``, then one probe per old record: hashing every
    # address on file (NOT IN) cost 0.3 s at 100,000 trainees, for none due.
    on_file = trainee_emails().filter(email=OuterRef("email"))
    in_contacts = contact_emails().filter(email=OuterRef("email"))
    return ConsentRecord.objects.filter(at__lt=day_start(cutoff)).exclude(
        Exists(on_file) | Exists(in_contacts)
    )


def purge_consent_proofs(*, ids, now: datetime.datetime) -> int:
    """Proof of a consent or objection is kept 5 years (the limitation period) from the
    choice; once that has passed and the person is no longer on file, it is deleted, and
    only the suppression list's hash remains to honour an objection."""
    return ConsentRecord.objects.filter(pk__any_of=ids).delete()[0]
