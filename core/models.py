"""The kernel's records: the outbox every email goes through (core/outbox.py), the audit
log (core/audit.py) and the holds that keep a person's records from every retention rule
(core/holds.py)."""

from django.conf import settings
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
    # [[filename, base64 content, mimetype], ...]: a convocation or an agreement as PDF,
    # stored with the email so that it leaves, or is retried, exactly as rendered.
    attachments = models.JSONField(default=list, blank=True)
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


class AuditEntry(models.Model):
    """Who did what to which object, and when: append-only (no edit, no delete)."""

    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=50, db_index=True)
    object_type = models.CharField(_("object"), max_length=50)
    object_id = models.CharField(_("object id"), max_length=50, blank=True)
    # Never personal data: a request number, a rule name, a count.
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        # Created by dpo_requests, moved here with its rows (migration core 0002).
        db_table = "dpo_requests_auditentry"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class Hold(models.Model):
    """Keeps a person's records from every retention rule: a restriction of processing
    (GDPR Art. 18) or a legal hold (litigation, inspection), until lifted or a date."""

    class Kind(models.TextChoices):
        RESTRICTION = "restriction", _("Restriction of processing (Art. 18)")
        LEGAL_HOLD = "legal_hold", _("Legal hold")

    email = models.EmailField(_("person (email, normalised)"), db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    until = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: until lifted."))
    created_at = models.DateTimeField(_("placed on"))
    lifted_at = models.DateTimeField(_("lifted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["-created_at"]
        # Created by retention, moved here with its rows (migration core 0002).
        db_table = "retention_hold"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.email}"


class Disclosure(models.Model):
    """Personal data that left the organisation (GDPR Art. 15(1)(c), 19, 30(1)(d)): to
    whom, about whom, which categories, when, and what. Written by the code that sends
    the data (core/disclosures.py); the person's access export lists these recipients,
    and a rectification or erasure lists those to tell."""

    class Kind(models.TextChoices):
        CLIENT = "client", _("Client company (employer)")
        FUNDER = "funder", _("Funding body")
        CERTIFIER = "certifier", _("Certification body")
        LMS = "lms", _("Online learning platform")
        SUBCONTRACTOR = "subcontractor", _("Subcontracted trainer")

    at = models.DateTimeField(_("when"), db_index=True)
    email = models.EmailField(_("person (email, normalised)"), db_index=True)
    recipient = models.CharField(_("recipient"), max_length=200)
    kind = models.CharField(_("kind of recipient"), max_length=20, choices=Kind.choices)
    # Comma-separated, from a short fixed vocabulary (identity, attendance, results...).
    categories = models.CharField(_("data categories"), max_length=200)
    # What was sent: an object type and id, never its content.
    object_type = models.CharField(_("what"), max_length=50, blank=True)
    object_id = models.CharField(_("which"), max_length=50, blank=True)
    # Art. 19: when the recipient was told of a rectification or an erasure.
    told_at = models.DateTimeField(
        _("told of a rectification or erasure on"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("disclosure to a recipient")
        verbose_name_plural = _("recipients log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} → {self.recipient}"
