"""The outbox: the one way the product sends email.

A caller renders its email (in the recipient's language) and calls ``email_enqueue``
inside its own transaction: the email is stored with the change that caused it, or not
at all. Once the transaction commits, a Celery task delivers it. If the broker is down,
queuing fails quietly and the row waits; if the mail server is down, the attempt is
counted and retried later with a growing delay. The beat sweeper (``outbox_sweep``,
every minute) delivers whatever is still pending after a short grace. Delivery locks
the row, so a task and a sweeper, or two sweepers, never send the same email twice.

This module is the kernel's: it imports no other app of the project.
"""

import base64
import datetime
import logging
import uuid
from email.utils import parseaddr
from smtplib import SMTPRecipientsRefused
from urllib.parse import urlsplit

from celery import current_task
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q

from core.models import OutboxEmail
from core.signals import email_failed, email_sent

logger = logging.getLogger(__name__)
Status = OutboxEmail.Status
# A few PDF pages: the database row stays small, and mail servers accept it everywhere.
MAX_ATTACHMENTS_BYTES = 2 * 1024 * 1024


def email_enqueue(*, message: EmailMessage, kind: str) -> OutboxEmail:
    """Store the email in the outbox within the current transaction; a worker sends it
    after commit, the sweeper retries."""
    recipients = [*message.to, *message.cc, *message.bcc]
    if not recipients:
        raise ValueError("An email needs a recipient.")
    email = OutboxEmail.objects.create(
        kind=kind,
        email=parseaddr(recipients[0])[1].strip().lower(),
        from_email=message.from_email or "",
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        headers=_headers_with_message_id(message.extra_headers),
        subject=message.subject,
        body=message.body,
        alternatives=[
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        attachments=_attachments_stored(message),
    )
    transaction.on_commit(lambda: _queue(email))
    return email


def _message_id_domain() -> str:
    """The site's own domain (the same on every host that sends), for Message-IDs."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _headers_with_message_id(headers: dict) -> dict:
    """The caller's headers, with a Message-ID fixed now and stored with the email.

    Django would make a new one at each attempt. A worker killed after the mail server
    took the email, but before the row said "sent", sends it again: with the same
    Message-ID, the receiving side can tell it is the same email and drop the copy.
    """
    if any(name.lower() == "message-id" for name in headers):
        return dict(headers)
    return {**headers, "Message-ID": f"<{uuid.uuid4().hex}@{_message_id_domain()}>"}


def _attachments_stored(message: EmailMessage) -> list[list[str]]:
    """The message's attached files as [filename, base64, mimetype]: small documents
    only (a convocation, an agreement), a larger file is linked to instead."""
    stored, size = [], 0
    for attachment in message.attachments:
        if not isinstance(attachment, tuple) or isinstance(attachment[1], str):
            raise ValueError("The outbox carries attached files given as bytes only.")
        filename, content, mimetype = attachment
        size += len(content)
        stored.append([filename, base64.b64encode(content).decode("ascii"), mimetype])
    if size > MAX_ATTACHMENTS_BYTES:
        raise ValueError("Too large for the outbox: link to a download instead.")
    return stored


def _queue(email: OutboxEmail) -> None:
    # This app's service -> task loop: core.tasks imports this module.
    from core.tasks import deliver_email

    # Stored by a task (a campaign): delivered from the queue that task came from, so
    # a worker dedicated to a queue delivers its own emails. Otherwise the default queue.
    queue = None
    if current_task and not getattr(current_task.request, "is_eager", True):
        queue = (current_task.request.delivery_info or {}).get("routing_key")
    try:
        deliver_email.apply_async((email.pk,), queue=queue)
    except Exception as error:  # the broker is down: the sweeper delivers it later
        logger.warning(
            "Outbox email %s (%s) left to the sweeper: %s.",
            email.pk,
            email.kind,
            type(error).__name__,
        )


def outbox_message(email: OutboxEmail) -> EmailMultiAlternatives:
    """The stored email, as Django sends it, with the same Message-ID at every attempt."""
    headers = dict(email.headers)
    if not any(name.lower() == "message-id" for name in headers):
        # Stored before emails carried their own: one derived from the row, as stable.
        created = email.created_at.strftime("%Y%m%d%H%M%S%f")
        headers["Message-ID"] = f"<outbox.{email.pk}.{created}@{_message_id_domain()}>"
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email or None,
        to=email.to,
        cc=email.cc,
        bcc=email.bcc,
        reply_to=email.reply_to,
        headers=headers,
    )
    for content, mimetype in email.alternatives:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in email.attachments:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


def _retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, ... minutes, at most an hour: a mail server back soon gets its emails
    soon, one down for a day is not hammered."""
    return datetime.timedelta(minutes=min(2 ** (attempts - 1), 60))


def outbox_deliver(*, email_id: int, now: datetime.datetime) -> bool:
    """Send one pending email; True if it went out now.

    The row stays locked while the email goes out, and a locked row is skipped: whoever
    holds it is sending it. A mail server failure is counted and the row waits for its
    next attempt; a refused address, or too many failures, mark it failed.
    """
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=Status.PENDING)
            .first()
        )
        if email is None:  # sent, given up, or being sent by another worker right now
            return False
        try:
            outbox_message(email).send()
        except Exception as error:  # the mail server is down, or refuses the address
            email.attempts += 1
            email.last_error = type(error).__name__[:100]
            email.next_attempt_at = now + _retry_delay(email.attempts)
            refused = isinstance(error, SMTPRecipientsRefused)
            if refused or email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = Status.FAILED
            email.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
            logger.warning(
                "Outbox email %s (%s) not sent, attempt %s: %s.",
                email.pk,
                email.kind,
                email.attempts,
                email.last_error,
            )
            if email.status == Status.FAILED:
                email_failed.send(sender=OutboxEmail, email=email)
            return False
        email.status, email.sent_at, email.last_error = Status.SENT, now, ""
        email.save(update_fields=["status", "sent_at", "last_error"])
        email_sent.send(sender=OutboxEmail, email=email)
    return True


def outbox_due(*, now: datetime.datetime):
    """Pending emails past the grace (their task had its chance) and due for an attempt."""
    grace = datetime.timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)
    return OutboxEmail.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        status=Status.PENDING,
        created_at__lt=now - grace,
    )


def outbox_sweep(*, now: datetime.datetime, batch_size: int = 200) -> tuple[int, int]:
    """Deliver what the broker or the mail server held back; returns (sent, not sent).

    The least-tried go first, so a few addresses that keep failing cannot hold back
    the others.
    """
    due = outbox_due(now=now).order_by("attempts", "created_at")
    sent = failed = 0
    for email_id, attempts in list(due.values_list("pk", "attempts")[:batch_size]):
        if outbox_deliver(email_id=email_id, now=now):
            sent += 1
        # Not sent: failed now, or skipped (another worker holds it, or sent it meanwhile).
        elif OutboxEmail.objects.filter(pk=email_id, attempts__gt=attempts).exists():
            failed += 1
    if sent or failed:
        logger.info("Outbox sweep: %s sent, %s not sent.", sent, failed)
    return sent, failed
