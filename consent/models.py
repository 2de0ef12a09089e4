from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.purposes import Action, Channel, Purpose


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

    # The purposes, choices and channels are the kernel's (core/purposes.py): every app
    # names them.
    Purpose, Action, Channel = Purpose, Action, Channel

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
