from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from clients.models import Organisation
from core.encryption import EncryptedTextField
from trainees.models import Trainee


class Course(models.Model):
    """A training programme; sessions are its dated occurrences."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    duration_hours = models.DecimalField(_("duration (hours)"), max_digits=6, decimal_places=1)
    # Per trainee, before VAT: the agreement and the individual contract state it.
    price = models.DecimalField(
        _("price per trainee (excl. VAT)"), max_digits=9, decimal_places=2, default=0
    )

    class Nature(models.TextChoices):
        # The categories of Code du travail L.6313-1, printed on the end-of-training
        # attestation (L.6353-1).
        TRAINING = "training", _("Training action")
        SKILLS_REVIEW = "skills_review", _("Skills assessment")
        VAE = "vae", _("Validation of prior experience")
        APPRENTICESHIP = "apprenticeship", _("Apprenticeship")

    objectives = models.TextField(_("objectives"), blank=True)
    nature = models.CharField(
        _("nature of the action"), max_length=20, choices=Nature.choices, default=Nature.TRAINING
    )

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="course_duration_positive", condition=Q(duration_hours__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class Trainer(models.Model):
    """Who delivers sessions: an employee, or a subcontractor who receives the names of
    the trainees they train (training.services records that disclosure)."""

    class Status(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        SUBCONTRACTOR = "subcontractor", _("Subcontractor")

    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.EMPLOYEE
    )
    # A subcontractor's company, as named on their contract (the recipient of the data).
    company = models.CharField(_("company (subcontractor)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def recipient(self) -> str:
        """How the recipients log names this trainer."""
        return f"{self.name} ({self.company})" if self.company else self.name


class Session(models.Model):
    """One occurrence of a course, on given dates, at a given place."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        BLENDED = "blended", _("Blended")

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    location = models.CharField(_("location"), max_length=200)
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.IN_PERSON
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    trainer = models.ForeignKey(
        Trainer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("trainer"),
    )
    # Allergy data may be collected only when there are meals to arrange.
    meals_provided = models.BooleanField(_("meals provided"), default=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["start_date", "course__code"]
        constraints = [
            models.CheckConstraint(
                name="session_ends_after_start",
                condition=Q(end_date__gte=F("start_date")),
                violation_error_message=_("A session cannot end before it starts."),
            ),
            models.CheckConstraint(
                name="session_capacity_not_negative", condition=Q(capacity__gte=0)
            ),
        ]
        indexes = [models.Index(fields=["end_date"])]

    def __str__(self) -> str:
        return f"{self.course.code} · {self.start_date:%d/%m/%Y} · {self.location}"


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
