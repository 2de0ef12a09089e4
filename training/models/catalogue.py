"""Courses, trainers and sessions: what is offered, by whom, when."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


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
        indexes = [
            models.Index(fields=["end_date"]),
            # The public catalogue: the sessions starting after today, soonest first.
            models.Index(fields=["start_date"], name="session_start_date"),
        ]

    def __str__(self) -> str:
        return f"{self.course.code} · {self.start_date:%d/%m/%Y} · {self.location}"
