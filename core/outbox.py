"""Temporary shim of the outbox's contract (replaced at merge by the real outbox)."""

from django.core.mail import EmailMessage
from django.db import transaction


def email_enqueue(*, message: EmailMessage, kind: str) -> None:
    """Send ``message`` once the current transaction commits."""
    transaction.on_commit(message.send)
