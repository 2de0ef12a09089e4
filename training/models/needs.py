"""Sensitive needs of an enrolment, and registrations awaiting their owner's confirmation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.encryption import EncryptedTextField


class SensitiveNeeds(models.Model):
    """Allergy and disability needs for one enrolment: encrypted, consented, short-lived.

    Kept apart from the trainee so that a model permission gates them and the retention
    job can delete them when the training ends without touching anything else.
    """

    enrolment = models.OneToOneField(
        "Enrolment",
        on_delete=models.CASCADE,
        related_name="sensitive_needs",
        verbose_name=_("enrolment"),
    )
    # Only for meal arrangements, and only when the session provides meals.
    food_allergies = EncryptedTextField(_("food allergies"), null=True, blank=True)
    allergies_consent_at = models.DateTimeField(
        _("allergy consent given on"), null=True, blank=True
    )
    # Only to adapt the training (Labour Code D.5211-3).
    disability_adaptations = EncryptedTextField(_("disability adaptations"), null=True, blank=True)
    disability_consent_at = models.DateTimeField(
        _("disability consent given on"), null=True, blank=True
    )
    purged_at = models.DateTimeField(_("purged on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sensitive needs")
        verbose_name_plural = _("sensitive needs")
        # Created by trainees, moved here with its rows (migration training 0003).
        db_table = "trainees_sensitiveneeds"
        constraints = [
            # No sensitive value without the explicit consent that allows it.
            models.CheckConstraint(
                name="allergies_need_consent",
                condition=models.Q(food_allergies__isnull=True)
                | models.Q(allergies_consent_at__isnull=False),
            ),
            models.CheckConstraint(
                name="disability_needs_consent",
                condition=models.Q(disability_adaptations__isnull=True)
                | models.Q(disability_consent_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Needs for enrolment #%(id)s") % {"id": self.enrolment_id})


class PendingRegistration(models.Model):
    """A registration from the public form that the address's owner has not confirmed yet.

    Nothing attached to the address changes until its owner follows the link emailed to
    it: until then the submission lives here, holding its seat until ``expires_at``. The
    sensitive needs are encrypted like SensitiveNeeds and shown to no one (no admin, no
    export): only the confirmation moves them to the enrolment, and the retention job
    deletes unconfirmed ones. Only a hash of the emailed token is stored.
    """

    session = models.ForeignKey(
        "Session",
        on_delete=models.CASCADE,
        related_name="pending_registrations",
        verbose_name=_("session"),
    )
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    # The identity fields the person typed, as RegistrationDetails names them.
    details = models.JSONField(_("details"), default=dict, blank=True)
    food_allergies = EncryptedTextField(_("food allergies"), null=True, blank=True)
    allergies_consent = models.BooleanField(_("allergy consent"), default=False)
    disability_adaptations = EncryptedTextField(_("disability adaptations"), null=True, blank=True)
    disability_consent = models.BooleanField(_("disability consent"), default=False)
    objects_to_offers = models.BooleanField(_("objects to offers"), default=False)
    accepts_subsidiary_offers = models.BooleanField(
        _("accepts subsidiaries' offers"), default=False
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("registration awaiting confirmation")
        verbose_name_plural = _("registrations awaiting confirmation")
        # Created by trainees, moved here with its rows (migration training 0003).
        db_table = "trainees_pendingregistration"
        constraints = [
            # One held seat per address and session: submitting again replaces the first.
            models.UniqueConstraint(fields=["session", "email"], name="pending_one_per_address"),
            models.CheckConstraint(
                name="pending_allergies_need_consent",
                condition=models.Q(food_allergies__isnull=True) | models.Q(allergies_consent=True),
            ),
            models.CheckConstraint(
                name="pending_disability_needs_consent",
                condition=models.Q(disability_adaptations__isnull=True)
                | models.Q(disability_consent=True),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Registration awaiting confirmation #%(id)s") % {"id": self.pk})
