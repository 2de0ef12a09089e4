"""Enrolments: a trainee's place on a session, and what the law asks us to note of it."""

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _

from clients.models import Organisation
from trainees.models import Trainee
from training.models.catalogue import Session


class LegalBasis(models.TextChoices):
    """GDPR Art. 6(1) bases the policy relies on."""

    CONTRACT = "contract", _("Contract")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
    CONSENT = "consent", _("Consent")


class Enrolment(models.Model):
    """A trainee's place on a session. Create and change it through training.services."""

    class Source(models.TextChoices):
        EMPLOYER = "employer", _("Registered by the employer")
        SELF = "self", _("Registered themself")

    class Role(models.TextChoices):
        # Art. 28: the employer client is controller, we process on its instructions.
        PROCESSOR = "processor", _("Processor (for the client)")
        CONTROLLER = "controller", _("Controller")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    class Confirmation(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Not needed")
        PENDING = "pending", _("To send")
        SENT = "sent", _("Sent")
        # Still refused after every retry (e.g. the address does not exist): staff see it.
        FAILED = "failed", _("Could not be sent")

    class Funding(models.TextChoices):
        # A training agreement (convention, Labour Code L.6353-1) with the client.
        EMPLOYER = "employer", _("Paid by the employer")
        # An individual contract with its withdrawal period (L.6353-3 to -7).
        SELF = "self", _("Paid by the trainee")
        # The CPF platform's general conditions apply: neither document.
        CPF = "cpf", _("Personal training account (CPF)")
        OTHER = "other", _("Other funding")

    # Every status but "cancelled" holds a seat.
    SEAT_HOLDING = (Status.PENDING, Status.CONFIRMED, Status.COMPLETED)

    trainee = models.ForeignKey(
        Trainee, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("trainee")
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("session")
    )
    source = models.CharField(_("registered by"), max_length=10, choices=Source.choices)
    client = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("client organisation"),
        help_text=_(
            "The employer that registered the trainee (required when registered by the employer)."
        ),
    )
    # A trainee who registers themself for their employer names it here (for the training
    # agreement); staff link the client organisation when there is one.
    employer_name = models.CharField(
        _("registered for employer (as given)"), max_length=200, blank=True
    )
    # Derived from the source in the database, so it can never be typed wrongly.
    role = models.GeneratedField(
        expression=Case(
            When(source="employer", then=Value("processor")),
            default=Value("controller"),
        ),
        output_field=models.CharField(max_length=10, choices=Role.choices),
        db_persist=True,
        verbose_name=_("our role"),
    )
    funding = models.CharField(
        _("funding"),
        max_length=10,
        choices=Funding.choices,
        default=Funding.SELF,
        # Rows written outside the ORM (bulk loads, benchmarks) get it too.
        db_default=Funding.SELF,
        help_text=_("Who pays: decides the agreement or contract sent."),
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.CONTRACT
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # A registration commits with its email "to send", stored in the outbox; once the
    # outbox sends it (or gives up), these fields say so (training.services).
    confirmation = models.CharField(
        _("confirmation email"),
        max_length=10,
        choices=Confirmation.choices,
        default=Confirmation.NOT_NEEDED,
    )
    confirmation_sent_at = models.DateTimeField(_("confirmation sent on"), null=True, blank=True)
    confirmation_attempts = models.PositiveSmallIntegerField(
        _("failed sending attempts"), default=0
    )
    # The email in the outbox (core/outbox.py), whose fate the two fields above follow.
    confirmation_email = models.ForeignKey(
        "core.OutboxEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Once the training is no longer managed, the enrolment moves to the restricted
    # archive: kept only as evidence the law requires, out of the staff's daily views.
    archived_at = models.DateTimeField(_("archived on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="enrolment_confirmation_todo",
                condition=models.Q(confirmation="pending"),
            ),
            # Seats taken, counted per session from the index alone (the public pages,
            # every registration): the status filter of SEAT_HOLDING is in the index.
            models.Index(
                fields=["session"],
                name="enrolment_seat_holding",
                condition=models.Q(status__in=["pending", "confirmed", "completed"]),
            ),
            # The admin's lists at 1M enrolments, the managed and the archived: the newest
            # first (the model's order, then the key, as the admin adds it) without
            # sorting them all, nor reading the other list's rows on the way;
            models.Index(
                fields=["created_at", "id"],
                name="enrolment_newest_managed",
                condition=models.Q(archived_at__isnull=True),
            ),
            models.Index(
                fields=["created_at", "id"],
                name="enrolment_newest_archived",
                condition=models.Q(archived_at__isnull=False),
            ),
            # and the trainees still managed, told from the archived-only ones by this
            # small index (a tenth of the rows) rather than by reading every enrolment;
            models.Index(
                fields=["trainee"],
                name="enrolment_managed",
                condition=models.Q(archived_at__isnull=True),
            ),
            # the nightly archive (and its forecast) finds the ended sessions' managed
            # enrolments without reading the archived nine tenths.
            models.Index(
                fields=["session"],
                name="enrolment_managed_by_session",
                condition=models.Q(archived_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "session"],
                name="enrolment_once_per_session",
                violation_error_message=_("This trainee is already enrolled on this session."),
            ),
            models.CheckConstraint(
                name="enrolment_client_iff_employer",
                condition=(Q(source="employer") & Q(client__isnull=False))
                | (Q(source="self") & Q(client__isnull=True)),
                violation_error_message=_(
                    "An enrolment by the employer names the client organisation; "
                    "a self-registration names none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} → {self.session}"


class ProcessorNotice(models.Model):
    """The GDPR Art. 14 notice a trainee received when this client registered them: once
    per trainee and client, so that a second employer is named too."""

    trainee = models.ForeignKey(
        Trainee, on_delete=models.CASCADE, related_name="+", verbose_name=_("trainee")
    )
    client = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("client organisation"),
    )
    sent_at = models.DateTimeField(_("sent on"))

    class Meta:
        verbose_name = _("information notice sent")
        verbose_name_plural = _("information notices sent")
        constraints = [
            models.UniqueConstraint(fields=["trainee", "client"], name="notice_once_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.trainee_id} / {self.client_id}"


class ArchivedEnrolment(Enrolment):
    """Enrolments in the restricted archive: evidence the law requires, seen only by
    staff holding this model's view permission."""

    class Meta:
        proxy = True
        verbose_name = _("archived enrolment")
        verbose_name_plural = _("archive of enrolments")
