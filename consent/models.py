from django.db import models
from django.utils.translation import gettext_lazy as _


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
        # Consent-based: not allowed until the person agreed.
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

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["email", "purpose", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.get_action_display()}"
