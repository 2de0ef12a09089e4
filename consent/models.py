from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def one_line(value: str) -> None:
    """An email subject is one line (a line break would be a header injection)."""
    if "\n" in value or "\r" in value:
        raise ValidationError(_("The subject must fit on one line."), code="line_break")


class PolicyVersion(models.Model):
    """A published version of the privacy policy; choices point at the one they were made under."""

    number = models.CharField(_("version"), max_length=20, unique=True)
    published_on = models.DateField(_("published on"), unique=True)
    summary = models.TextField(_("what changed"), blank=True)

    class Meta:
        verbose_name = _("privacy policy version")
        verbose_name_plural = _("privacy policy versions")
        ordering = ["-published_on"]
        get_latest_by = "published_on"

    def __str__(self) -> str:
        return f"{self.number} ({self.published_on:%d/%m/%Y})"


class ConsentRecord(models.Model):
    """One choice a person made, appended, never edited: the current state is the latest."""

    class Purpose(models.TextChoices):
        ALLERGY_DATA = "allergy_data", _("Food allergy data (meal arrangements)")
        DISABILITY_DATA = "disability_data", _("Disability data (training adaptations)")
        # Objection-based (legitimate interest): allowed unless the person objected.
        TRAINEE_OFFERS = (
            "trainee_offers",
            _("Offers to trainees from us and our French subsidiaries"),
        )
        CLIENT_PROSPECTING = (
            "client_prospecting",
            _("Prospecting, studies and statistics (client contacts)"),
        )
        # Consent-based: not allowed until the person agreed. Offers from other companies
        # of the group need prior consent (CPCE L.34-5: the soft opt-in covers only our
        # own, similar services).
        SUBSIDIARY_OFFERS = "subsidiary_offers", _("Offers from our French subsidiaries")
        NEWSLETTER = "newsletter", _("Newsletter")

    class Action(models.TextChoices):
        # For an objection-based purpose, "given" means informed and not objecting.
        GIVEN = "given", _("Given")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        OBJECTED = "objected", _("Objected")

    class Channel(models.TextChoices):
        REGISTRATION_FORM = "registration_form", _("Registration form")
        SELF_SERVICE = "self_service", _("Self-service page")
        STAFF = "staff", _("Staff, on the person's written request")
        UNSUBSCRIBE_LINK = "unsubscribe_link", _("Unsubscribe link")

    email = models.EmailField(_("email (normalised)"), db_index=True)
    trainee = models.ForeignKey(
        "trainees.Trainee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consent_records",
        verbose_name=_("trainee"),
    )
    contact = models.ForeignKey(
        "clients.ClientContact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consent_records",
        verbose_name=_("client contact"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    action = models.CharField(_("choice"), max_length=10, choices=Action.choices)
    channel = models.CharField(_("how"), max_length=20, choices=Channel.choices)
    policy_version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.PROTECT,
        related_name="consent_records",
        verbose_name=_("privacy policy in force"),
    )
    at = models.DateTimeField(_("when"), db_index=True)
    # For a choice made in writing: which letter or email (no copy of it).
    note = models.CharField(_("reference of the written request"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["email", "purpose", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.get_action_display()}"


class Suppression(models.Model):
    """An address that must never receive this kind of message again, whatever happens to
    its records (deleted, re-imported, registered again). Only a keyed hash of the address
    is kept: the list cannot be read back into addresses."""

    address_hash = models.CharField(_("address (keyed hash)"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentRecord.Purpose.choices)
    created_at = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppression list")
        constraints = [
            models.UniqueConstraint(fields=["address_hash", "purpose"], name="suppression_once")
        ]

    def __str__(self) -> str:
        return f"{self.address_hash[:12]}… · {self.get_purpose_display()}"


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

    def __str__(self) -> str:
        return f"{self.campaign} → #{self.trainee_id or self.contact_id}"
