"""What the outbox tells the apps that care about one of their emails (by its row):
``email_sent`` once it left, ``email_failed`` once the outbox gave up on it. Both are
sent inside the transaction that records the outcome, so a receiver's write commits
with it."""

from django.dispatch import Signal

email_sent = Signal()  # kwargs: email (OutboxEmail)
email_failed = Signal()  # kwargs: email (OutboxEmail)
