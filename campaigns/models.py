"""Offer campaigns: an offer or newsletter email that staff send to a selection of
trainees and client contacts, and what became of each recipient."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentRecord, one_line


class Campaign(models.Model):
    """An offer or newsletter email that staff send to a selection of people."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Sent")

    PURPOSES = [
        (ConsentRecord.Purpose.TRAINEE_OFFERS, ConsentRecord.Purpose.TRAINEE_OFFERS.label),
        (ConsentRecord.Purpose.CLIENT_PROSPECTING, ConsentRecord.Purpose.CLIENT_PROSPECTING.label),
        (ConsentRecord.Purpose.SUBSIDIARY_OFFERS, ConsentRecord.Purpose.SUBSIDIARY_OFFERS.label),
        (ConsentRecord.Purpose.NEWSLETTER, ConsentRecord.Purpose.NEWSLETTER.label),
    ]

    name = models.CharField(_("name"), max_length=150)
    purpose = models.CharField(_("purpose"), max_length=20, choices=PURPOSES)
    subject_fr = models.CharField(_("subject (French)"), max_length=150, validators=[one_line])
    body_fr = models.TextField(_("text (French)"), max_length=10_000)
    subject_en = models.CharField(
        _("subject (English)"),
        validators=[one_line],
        max_length=150,
        blank=True,
        help_text=_("Empty: English speakers receive the French text."),
    )
    body_en = models.TextField(_("text (English)"), max_length=10_000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    sent = models.PositiveIntegerField(_("sent"), default=0)
    skipped = models.PositiveIntegerField(
        _("skipped (objected, withdrawn or suppressed)"), default=0
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("sending started on"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished on"), null=True, blank=True)

    class Meta:
        verbose_name = _("offer campaign")
        verbose_name_plural = _("offer campaigns")
        ordering = ["-created_at"]
        permissions = [("send_campaign", _("Can send an offer campaign"))]
        # Created by consent, moved here with its rows (migration campaigns 0001).
        db_table = "consent_campaign"

    def __str__(self) -> str:
        return self.name


class CampaignRecipient(models.Model):
    """One person a campaign is addressed to, and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To send")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        # The mail server refused this address: the others go on.
        FAILED = "failed", _("Refused by the mail server")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("campaign")
    )
    trainee = models.ForeignKey(
        "trainees.Trainee",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trainee"),
    )
    contact = models.ForeignKey(
        "clients.ClientContact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client contact"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    done_at = models.DateTimeField(_("when"), null=True, blank=True)
    # The email in the outbox: if the mail server refuses it, this recipient is marked so.
    outbox_email = models.ForeignKey(
        "core.OutboxEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("campaign recipient")
        verbose_name_plural = _("campaign recipients")
        constraints = [
            models.CheckConstraint(
                name="recipient_is_one_person",
                condition=models.Q(trainee__isnull=False, contact__isnull=True)
                | models.Q(trainee__isnull=True, contact__isnull=False),
            ),
            models.UniqueConstraint(fields=["campaign", "trainee"], name="recipient_trainee_once"),
            models.UniqueConstraint(fields=["campaign", "contact"], name="recipient_contact_once"),
        ]
        indexes = [models.Index(fields=["campaign", "status"])]
        # Created by consent, moved here with its rows (migration campaigns 0001).
        db_table = "consent_campaignrecipient"

    def __str__(self) -> str:
        return f"{self.campaign} → #{self.trainee_id or self.contact_id}"
