"""What a person does from their own page or an unsubscribe link: withdrawing takes the
data that rested on the consent with it."""

import datetime

from django.db import transaction

from consent.models import ConsentRecord
from consent.selectors import CONSENT_BASED
from consent.services import consent_record
from trainees.services import sensitive_needs_withdraw

Purpose, Action = ConsentRecord.Purpose, ConsentRecord.Action


@transaction.atomic
def consent_withdraw(*, email: str, purpose: str, channel: str, now: datetime.datetime) -> int:
    """The person says no: withdrawn (consent-based) or objected (the others).

    For allergy or disability data the data goes at once: returns how many records lost
    it. Processing before the withdrawal stays lawful.
    """
    deleted = 0
    if purpose in (Purpose.ALLERGY_DATA, Purpose.DISABILITY_DATA):
        deleted = sensitive_needs_withdraw(
            email=email,
            allergies=purpose == Purpose.ALLERGY_DATA,
            disability=purpose == Purpose.DISABILITY_DATA,
        )
    consent_record(
        email=email,
        purpose=purpose,
        action=Action.WITHDRAWN if purpose in CONSENT_BASED else Action.OBJECTED,
        channel=channel,
        at=now,
    )
    return deleted
