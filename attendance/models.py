"""Attendance per half-day and the certificates drawn from it. Change them through
attendance.services."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HalfDay(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")


class AttendanceSheet(models.Model):
    """One half-day of a session: the trainer's signature and a line per trainee."""

    # Deleted with the session only: a session with sheets cannot be deleted in the admin
    # (its enrolments protect it), and the sheets are evidence (attendance/purges.py).
    session = models.ForeignKey(
        "training.Session",
        on_delete=models.CASCADE,
        related_name="attendance_sheets",
        verbose_name=_("session"),
    )
    day = models.DateField(_("day"))
    half_day = models.CharField(_("half-day"), max_length=10, choices=HalfDay.choices)
    # Times copied from settings when the sheet is made: a later change of settings does
    # not rewrite the hours of a past sheet.
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    trainer_name = models.CharField(_("trainer"), max_length=150, blank=True)
    trainer_signed_at = models.DateTimeField(_("trainer signed at"), null=True, blank=True)
    trainer_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by (account)"),
    )

    class Meta:
        verbose_name = _("attendance sheet")
        verbose_name_plural = _("attendance sheets")
        ordering = ["session", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "day", "half_day"], name="attendance_sheet_once_per_half_day"
            ),
            models.CheckConstraint(
                name="attendance_sheet_ends_after_start",
                condition=Q(ends_at__gt=models.F("starts_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} · {self.day:%d/%m/%Y} · {self.get_half_day_display()}"

    @property
    def hours(self):
        """The half-day's length in hours."""
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)


class AttendanceLine(models.Model):
    """A trainee on a sheet: present, absent or excused, and how it was recorded."""

    class Status(models.TextChoices):
        UNKNOWN = "unknown", _("Not recorded")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused absence")

    class Method(models.TextChoices):
        CODE = "code", _("Own phone, QR code and personal code")
        LINK = "link", _("Own phone, personal link")
        STAFF = "staff", _("Marked by staff")

    sheet = models.ForeignKey(
        AttendanceSheet, on_delete=models.CASCADE, related_name="lines", verbose_name=_("sheet")
    )
    # An enrolment erased (or deleted at the limitation period) takes its lines with it.
    enrolment = models.ForeignKey(
        "training.Enrolment",
        on_delete=models.CASCADE,
        related_name="attendance_lines",
        verbose_name=_("enrolment"),
    )
    status = models.CharField(
        _("attendance"), max_length=10, choices=Status.choices, default=Status.UNKNOWN
    )
    signed_at = models.DateTimeField(_("signed or marked at"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )

    class Meta:
        verbose_name = _("attendance line")
        verbose_name_plural = _("attendance lines")
        ordering = ["sheet", "enrolment__trainee__surname", "enrolment__trainee__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "enrolment"], name="attendance_line_once"),
            # A signature says when and how: both or neither.
            models.CheckConstraint(
                name="attendance_line_signed_with_method",
                condition=(Q(signed_at__isnull=True) & Q(method=""))
                | (Q(signed_at__isnull=False) & ~Q(method="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.get_status_display()}"


class Certificate(models.Model):
    """What was issued to one trainee at the end of a session: the certificate of
    completion and the end-of-training attestation. The figures and texts are frozen
    here when issued; the PDFs are laid out from them on each download."""

    enrolment = models.OneToOneField(
        "training.Enrolment",
        on_delete=models.CASCADE,
        related_name="certificate",
        verbose_name=_("enrolment"),
    )
    issued_at = models.DateTimeField(_("issued on"))
    hours_planned = models.DecimalField(_("hours planned"), max_digits=6, decimal_places=2)
    hours_attended = models.DecimalField(_("hours attended"), max_digits=6, decimal_places=2)
    # L.6353-1: the result of the assessment of what was learnt; entered by staff, then
    # the certificate regenerated.
    evaluation = models.CharField(_("evaluation result"), max_length=300, blank=True)
    # Names, dates, course texts and per-half-day attendance as issued.
    snapshot = models.JSONField(_("content as issued"), default=dict, editable=False)
    emailed_at = models.DateTimeField(_("link emailed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                name="certificate_hours_within_planned",
                condition=Q(hours_attended__gte=0)
                & Q(hours_attended__lte=models.F("hours_planned")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot.get('trainee', '')} · {self.snapshot.get('course', '')}"
