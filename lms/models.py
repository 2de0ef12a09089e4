from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class LmsAccess(models.Model):
    """A trainee's account on the online learning platform for one enrolment: opened
    (granted) through the connector, closed (revoked) by its own job when the access
    period ends. Change it through lms.services.

    The address and course code the platform knows are copied here: the account must
    still be closed if the enrolment is erased before its period ends.
    """

    class State(models.TextChoices):
        TO_GRANT = "to_grant", _("To open")
        GRANTED = "granted", _("Open")
        REVOKED = "revoked", _("Closed")

    enrolment = models.ForeignKey(
        "training.Enrolment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lms_accesses",
        verbose_name=_("enrolment"),
    )
    email = models.EmailField(_("email (as the platform knows it)"))
    course_code = models.CharField(_("course code on the platform"), max_length=30)
    platform = models.CharField(_("platform"), max_length=200)
    login = models.CharField(_("login identifier"), max_length=150, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.TO_GRANT
    )
    requested_at = models.DateTimeField(_("requested on"))
    granted_at = models.DateTimeField(_("granted on"), null=True, blank=True)
    # Staff closed it before the period's end (or the person's data was erased).
    revoke_requested_at = models.DateTimeField(
        _("closing asked on"), null=True, blank=True, editable=False
    )
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    # The platform refused or did not answer: the jobs try again, and staff see why.
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt on"), null=True, blank=True)

    class Meta:
        verbose_name = _("LMS access")
        verbose_name_plural = _("LMS accesses")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                name="lms_granted_has_date",
                condition=~models.Q(state="granted") | models.Q(granted_at__isnull=False),
            ),
            models.CheckConstraint(
                name="lms_revoked_has_date",
                condition=~models.Q(state="revoked") | models.Q(revoked_at__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["enrolment", "platform"],
                condition=~models.Q(state="revoked"),
                name="lms_one_open_access_per_enrolment",
                violation_error_message=_("This enrolment already has an access on this platform."),
            ),
        ]
        indexes = [
            models.Index(fields=["state"]),
            # Kept as the platform knows it; found by a person's rights request whatever
            # its case (email__lower).
            models.Index(Lower("email"), name="lmsaccess_email_lower"),
        ]

    def __str__(self) -> str:
        return f"{self.platform} · {self.login or self.email}"
