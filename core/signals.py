"""Signals by which a lower layer tells the apps above it what happened, without knowing
them. Each is sent inside the transaction that records the event, so a receiver's write
commits (or rolls back) with it.

- ``email_sent`` once an outbox email left, ``email_failed`` once the outbox gave up on
  it (kwargs: ``email``, the OutboxEmail row);
- ``consent_withdrawn`` when a person withdraws a consent or objects (kwargs: ``email``,
  ``purpose``): the apps holding data that rested on it delete it and return how many
  records lost data;
- ``enrolment_confirmed`` when an enrolment becomes confirmed, by staff in the admin or
  by any other path (kwargs: ``enrolment_id``): documents/ queues the convocation, in the
  same transaction, so the confirmation and its email commit together.
"""

from django.dispatch import Signal

email_sent = Signal()
email_failed = Signal()
consent_withdrawn = Signal()
enrolment_confirmed = Signal()


def consent_withdrawn_announce(*, email: str, purpose: str) -> int:
    """Tell the apps holding data that rested on this consent; how many records lost it."""
    answers = consent_withdrawn.send(sender=None, email=email, purpose=purpose)
    return sum(count for _receiver, count in answers)
