"""The outbox: every email the product sends is a row here first (core/outbox.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEmail(models.Model):
    """One rendered email, stored in the transaction that decided to send it, so that
    neither a broker nor a mail server outage can lose it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("to send")
        SENT = "sent", _("sent")
        # The mail server refused the address, or too many attempts failed.
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The (first) recipient, normalised: how the DPO finds a person's emails.
    email = models.EmailField(_("recipient"), max_length=254)
    from_email = models.CharField(max_length=254, blank=True)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=998)
    body = models.TextField(blank=True)
    # [[content, mimetype], ...]: the HTML version, in practice.
    alternatives = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # The exception class of the last failure only: never a message, which may hold an address.
    last_error = models.CharField(_("last error"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [
            models.Index(
                fields=["attempts", "created_at"],
                name="outbox_todo",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["email"], name="outbox_email"),
            models.Index(fields=["status", "sent_at"], name="outbox_status_sent"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"
