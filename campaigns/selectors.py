"""Reads on campaigns: whom a campaign's emails may reach."""

import datetime

from consent.selectors import CONTACT, TRAINEE, communication_allowed_among
from core.addresses import email_normalise
from training.selectors import trainees_not_for_offers


def recipients_reachable(recipients, *, purpose: str, today: datetime.date) -> set[int]:
    """The recipients (their ids), among these, that this purpose's emails may reach now.

    Each kind of person on the purpose's own basis (consent/selectors.py, BASIS): a
    subsidiary offer reaches a trainee who agreed and a client contact who did not object;
    our offers of similar training, trainees who did not object; prospecting, contacts
    who did not object; the newsletter, whoever subscribed. Suppressed and restricted
    addresses never. Trainees whose data we hold only as an employer's processor, or whose
    last training is older than the prospecting period, receive nothing."""
    recipients = list(recipients)
    # Per kind: one address may be both a trainee's and a client contact's.
    allowed = {
        kind: communication_allowed_among(
            emails=[getattr(r, kind).email for r in recipients if getattr(r, f"{kind}_id")],
            purpose=purpose,
            kind=kind,
        )
        for kind in (TRAINEE, CONTACT)  # named as the recipient's two fields
    }
    excluded = trainees_not_for_offers(
        trainee_ids=[r.trainee_id for r in recipients if r.trainee_id], today=today
    )
    return {
        r.pk
        for r in recipients
        if r.trainee_id not in excluded
        and (
            email_normalise(r.trainee.email) in allowed[TRAINEE]
            if r.trainee_id
            else email_normalise(r.contact.email) in allowed[CONTACT]
        )
    }
