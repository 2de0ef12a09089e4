"""What a person does from their own page or an unsubscribe link: withdrawing takes the
data that rested on the consent with it."""

import datetime

from django.core import signing
from django.db import transaction

from consent.emails import self_service_link_message
from consent.models import ConsentRecord
from consent.selectors import (
    CONSENT,
    MARKETING,
    address_on_file,
    consent_state,
    person_kinds,
    person_language,
    purpose_basis,
)
from consent.services import consent_record, suppression_add
from consent.tokens import self_service_token_read
from core.outbox import email_enqueue
from core.signals import consent_withdrawn_announce

Purpose, Action = ConsentRecord.Purpose, ConsentRecord.Action


@transaction.atomic
def consent_withdraw(
    *, email: str, purpose: str, channel: str, now: datetime.datetime, note: str = ""
) -> int:
    """The person says no: withdrawn (consent-based) or objected (the others).

    For allergy or disability data the data goes at once: returns how many records lost
    it. Processing before the withdrawal stays lawful. Saying no twice (a mail client
    posting the unsubscribe link again) records it once.
    """
    # The data that rested on the consent is its owners' (sensitive needs: training/).
    deleted = consent_withdrawn_announce(email=email, purpose=purpose)
    basis = purpose_basis(purpose=purpose, kinds=person_kinds(email=email))
    action = Action.WITHDRAWN if basis == CONSENT else Action.OBJECTED
    if consent_state(email=email).get(purpose) != action:
        consent_record(
            email=email, purpose=purpose, action=action, channel=channel, at=now, note=note
        )
    elif purpose in MARKETING:
        # Already recorded; make sure the suppression list agrees (it outlives records).
        suppression_add(email=email, purpose=purpose, now=now)
    return deleted


def object_to_marketing(
    *, email: str, now: datetime.datetime, channel: str = ConsentRecord.Channel.STAFF
) -> None:
    """An objection (Art. 21) covers every offer, prospecting and newsletter email: ours,
    our subsidiaries' (a consent to them is withdrawn) and the newsletter."""
    for purpose in sorted(MARKETING):
        consent_withdraw(email=email, purpose=purpose, channel=channel, now=now)


def self_service_link_send(*, email: str, language: str) -> bool:
    """Email a fresh self-service link, through the outbox, if the address is on file;
    False if it is not (the caller says the same thing either way)."""
    if not address_on_file(email=email):
        return False
    message = self_service_link_message(
        email=email, language=person_language(email=email, default=language)
    )
    email_enqueue(message=message, kind="consent.self_service_link")
    return True


@transaction.atomic
def self_service_link_requeue(*, token: str, language: str) -> bool:
    """A link asked for before the outbox existed (queued as a task, the address signed in
    the token) goes to the outbox; False if the token is bad or the address unknown."""
    try:
        email = self_service_token_read(token)
    except signing.BadSignature:
        return False
    return self_service_link_send(email=email, language=language)
