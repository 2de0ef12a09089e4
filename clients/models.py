from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.validators import phone_validator, registration_number_validator


class Organisation(models.Model):
    """A client company whose employees we train."""

    class Relationship(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active client")
        ENDED = "ended", _("Relationship ended")

    class EndInstruction(models.TextChoices):
        # GDPR Art. 28(3)(g): the client chooses, in the processing agreement.
        RETURN = "return", _("Return to the client, then delete")
        DELETE = "delete", _("Delete")

    name = models.CharField(_("company name"), max_length=200)
    registration_number = models.CharField(
        _("registration number"),
        max_length=20,
        unique=True,
        validators=[registration_number_validator],
        help_text=_("SIREN (9 digits) or SIRET (14 digits)."),
    )
    address = models.TextField(_("address"), max_length=500)
    relationship = models.CharField(
        _("commercial relationship"),
        max_length=10,
        choices=Relationship.choices,
        default=Relationship.PROSPECT,
    )
    # The prospecting retention period (3 years) runs from this date.
    relationship_ended_on = models.DateField(
        _("relationship ended on"),
        null=True,
        blank=True,
        help_text=_("Required when the relationship has ended."),
    )
    # Prospects that never became clients are deleted some years after the last contact.
    last_contact_on = models.DateField(
        _("last contact on"),
        default=timezone.localdate,
        help_text=_("The last exchange with this company (meeting, call, email)."),
    )
    # As processor we inform the employees the client registers (GDPR Art. 14), unless
    # the client's contract says the client does it itself.
    informs_its_employees = models.BooleanField(
        _("the client informs its employees itself"),
        default=False,
        help_text=_(
            "Tick only if the contract with this client says the client gives its employees "
            "the GDPR information notice; otherwise we send it when we register them."
        ),
    )
    informs_its_employees_since = models.DateTimeField(
        _("since"), null=True, blank=True, editable=False
    )
    # The processing agreement (GDPR Art. 28(3)) under which we hold the data of the
    # employees this client registers; its instruction applies at the end of the services
    # (training/purges.py, rule "processor-data"). None recorded: our own schedule applies.
    processing_agreement_signed_on = models.DateField(
        _("processing agreement signed on"), null=True, blank=True
    )
    processing_agreement_reference = models.CharField(
        _("processing agreement reference"),
        max_length=100,
        blank=True,
        help_text=_("The agreement's number, or the contract and clause that hold it."),
    )
    end_of_services_instruction = models.CharField(
        _("instruction at the end of the services"),
        max_length=10,
        choices=EndInstruction.choices,
        blank=True,
        help_text=_(
            "As the agreement says. Data the law requires us to keep (attendance sheets, "
            "certificates, what the training agreements state) is kept in any case."
        ),
    )
    # Staff mark it once the export was sent to the client; the deletion follows.
    processor_data_returned_on = models.DateField(
        _("employees' data returned on"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("client organisation")
        verbose_name_plural = _("client organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="organisation_end_date_iff_ended",
                condition=(Q(relationship="ended") & Q(relationship_ended_on__isnull=False))
                | (~Q(relationship="ended") & Q(relationship_ended_on__isnull=True)),
                violation_error_message=_(
                    "An ended relationship needs its end date, and only an ended one has it."
                ),
            ),
            models.CheckConstraint(
                name="organisation_agreement_dated_with_instruction",
                condition=(
                    Q(processing_agreement_signed_on__isnull=True)
                    & Q(end_of_services_instruction="")
                    & Q(processing_agreement_reference="")
                )
                | (
                    Q(processing_agreement_signed_on__isnull=False)
                    & ~Q(end_of_services_instruction="")
                ),
                violation_error_message=_(
                    "A processing agreement is recorded with the date it was signed and its "
                    "instruction for the end of the services."
                ),
            ),
        ]
        permissions = [
            (
                "return_data_organisation",
                _("Can export a client's employees' data and mark it returned"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        # "552 100 554" and "552100554" are one company: store the digits only.
        self.registration_number = "".join(self.registration_number.split())


class ClientContact(models.Model):
    """A person at a client company (training, HR or procurement department)."""

    class Department(models.TextChoices):
        TRAINING = "training", _("Training")
        HR = "hr", _("Human resources")
        PROCUREMENT = "procurement", _("Procurement")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    surname = models.CharField(_("surname"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    email = models.EmailField(_("email"), db_index=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    department = models.CharField(
        _("department"), max_length=12, choices=Department.choices, default=Department.TRAINING
    )
    postal_address = models.TextField(_("postal address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=25, blank=True, validators=[phone_validator])
    notes = models.TextField(_("notes"), max_length=500, blank=True)
    # Emails to this contact are written in this language.
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("client contact")
        verbose_name_plural = _("client contacts")
        ordering = ["surname", "first_name"]
        # A person's rights request finds their contact records by address (email__lower).
        indexes = [models.Index(Lower("email"), name="clientcontact_email_lower")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.surname}"

    def clean(self):
        self.email = self.email.strip().lower()
