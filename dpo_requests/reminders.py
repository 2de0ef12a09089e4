"""The DPO's morning reminder of requests due within a week: once a day, however many
beats fire it (a second beat, a redelivered task)."""

import datetime

from core.models import OutboxEmail
from core.outbox import email_enqueue
from dpo_requests.emails import due_soon_message
from dpo_requests.selectors import requests_due_soon
from retention.services import lease_release, lease_take

KIND = "dsr.due_soon"


def requests_due_soon_remind(*, today: datetime.date, now: datetime.datetime, holder: str) -> int:
    """Tell the DPO which requests are due soon (numbers and dates only), unless today's
    reminder is already in the outbox; returns how many requests it named."""
    if not lease_take(name="dsr-reminder", holder=holder, now=now):
        return 0
    try:
        if OutboxEmail.objects.filter(kind=KIND, created_at__date=today).exists():
            return 0
        due = list(requests_due_soon(today=today).values_list("pk", "kind", "due_on"))
        if due:
            email_enqueue(message=due_soon_message(due=due), kind=KIND)
        return len(due)
    finally:
        lease_release(name="dsr-reminder", holder=holder)
