from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from clients.models import Organisation
from clients.validators import phone_validator


class Trainee(models.Model):
    """A person who attends training, registered by their employer or by themself."""

    surname = models.CharField(_("surname"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    email = models.EmailField(_("email"), db_index=True)
    phone = models.CharField(_("phone"), max_length=25, blank=True, validators=[phone_validator])
    postal_address = models.TextField(_("postal address"), max_length=500, blank=True)
    employer = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("employer"),
    )
    occupation = models.CharField(_("occupation"), max_length=150, blank=True)
    diplomas_and_skills = models.TextField(_("diplomas and skills"), max_length=1000, blank=True)
    notes = models.TextField(_("notes"), max_length=500, blank=True)
    # Every email to the trainee is written in this language.
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # The last time the person got in touch themself: confirmed a registration, or said
    # yes to offers on their own page or in writing (trainees.services). The prospecting
    # period (policy §6) runs from it or from their last session; nothing we send, and no
    # staff edit, moves it.
    last_contact_at = models.DateTimeField(
        _("last contact from the person"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["surname", "first_name"]
        # The admin's list in that order, a page at a time, at 100k trainees.
        indexes = [models.Index(fields=["surname", "first_name"], name="trainee_by_name")]
        constraints = [
            # One person, one record: the email is how a person is found for their rights.
            models.UniqueConstraint(
                Lower("email"),
                name="trainee_email_unique_ci",
                violation_error_message=_("A trainee with this email already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.surname}"

    def clean(self):
        # One spelling per address, so that holds, consents and requests find the person.
        self.email = self.email.strip().lower()
