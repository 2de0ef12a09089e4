from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Request(models.Model):
    """A data-subject request (GDPR Art. 15–21), from receipt to answer."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access to my data")
        RECTIFICATION = "rectification", _("Rectification of my data")
        ERASURE = "erasure", _("Erasure of my data")
        OBJECTION = "objection", _("Objection to processing")
        RESTRICTION = "restriction", _("Restriction of processing")
        PORTABILITY = "portability", _("Portability of my data")

    class Status(models.TextChoices):
        AWAITING_VERIFICATION = "unverified", _("Awaiting email verification")
        OPEN = "open", _("Open")
        EXTENDED = "extended", _("Extended")
        WAITING_CLIENT = "client", _("Waiting for the client (controller)")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        POST = "post", _("Post")
        EMAIL = "email", _("Email")

    OPEN_STATUSES = (Status.OPEN, Status.EXTENDED, Status.WAITING_CLIENT)

    kind = models.CharField(_("request"), max_length=15, choices=Kind.choices)
    email = models.EmailField(_("email"), db_index=True)
    details = models.TextField(_("details"), max_length=3000, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    channel = models.CharField(_("received by"), max_length=5, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.AWAITING_VERIFICATION
    )
    received_at = models.DateTimeField(_("received on"))
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)
    # One month from verification (Art. 12(3)); an extension adds up to two months.
    due_on = models.DateField(_("answer due on"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    forwarded_to = models.CharField(_("forwarded to (client)"), max_length=200, blank=True)
    answer = models.TextField(_("answer sent"), blank=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    # The access or portability archive, while the person may download it.
    export_file = models.CharField(_("export file"), max_length=200, blank=True)
    export_expires_at = models.DateTimeField(_("export available until"), null=True, blank=True)
    # Set when the DPO asks for the archive, cleared once it is built: a request still
    # waiting after a while (the broker was down) is built by the beat job.
    export_requested_at = models.DateTimeField(_("archive asked for on"), null=True, blank=True)
    # The DPO reviews each archive before the person gets its link (DSR_EXPORT_REVIEW):
    # built, it waits; the link works only once sent.
    export_built_at = models.DateTimeField(_("archive built on"), null=True, blank=True)
    export_sent_at = models.DateTimeField(_("archive link sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["due_on", "received_at"]
        permissions = [("handle_request", _("Can handle data-subject requests (DPO)"))]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def export_awaits_review(self) -> bool:
        """An archive is built and the DPO has not sent its link yet."""
        return bool(self.export_file) and self.export_sent_at is None


class Recipient(models.Model):
    """Someone who receives personal data (Art. 30(1)(d)), maintained by the DPO."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal department")
        SUBCONTRACTOR = "subcontractor", _("Subcontractor")
        PARTNER = "partner", _("Partner (university, certification body…)")
        PUBLIC_BODY = "public", _("Public or private body (legal obligation)")

    class Safeguard(models.TextChoices):
        NONE = "", _("None needed (inside the EEA)")
        ADEQUACY = "adequacy", _("Adequacy decision")
        SCC = "scc", _("Standard contractual clauses")
        BCR = "bcr", _("Binding corporate rules")
        DEROGATION = "derogation", _("Art. 49 derogation")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    purposes = models.CharField(_("what for"), max_length=300)
    data = models.CharField(_("which data"), max_length=300)
    country = models.CharField(_("country"), max_length=100, default="France")
    outside_eea = models.BooleanField(_("outside the EEA"), default=False)
    safeguard = models.CharField(
        _("transfer safeguard"), max_length=12, choices=Safeguard.choices, blank=True
    )
    # Which processing activities of the register this recipient receives data from.
    activities = models.JSONField(_("for the processing activities"), default=list, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="transfer_outside_eea_has_safeguard",
                condition=models.Q(outside_eea=False) | ~models.Q(safeguard=""),
                violation_error_message=_("A transfer outside the EEA needs its safeguard."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Breach(models.Model):
    """A personal-data breach (Art. 33): the authority must know within 72 hours."""

    detected_at = models.DateTimeField(_("detected on"))
    description = models.TextField(_("what happened"))
    data_categories = models.CharField(_("data concerned"), max_length=300)
    people_affected = models.PositiveIntegerField(_("people affected (estimate)"))
    consequences = models.TextField(_("likely consequences"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    authority_notified_at = models.DateTimeField(_("CNIL notified on"), null=True, blank=True)
    not_notified_reason = models.TextField(
        _("why the CNIL was not notified"),
        blank=True,
        help_text=_("Only when the breach is unlikely to result in a risk (Art. 33(1))."),
    )
    people_notified_at = models.DateTimeField(_("people notified on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breach register")
        ordering = ["-detected_at"]

    def __str__(self) -> str:
        return f"{self.detected_at:%Y-%m-%d} · {self.data_categories}"
