from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PurgeLog(models.Model):
    """One run of one retention rule: when, how long, how many records. Counts only,
    never the data."""

    class Outcome(models.TextChoices):
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    rule = models.CharField(_("rule"), max_length=50, db_index=True)
    started_at = models.DateTimeField(_("started at"), db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    affected = models.PositiveIntegerField(_("records affected"))
    held = models.PositiveIntegerField(_("records held (restriction or legal hold)"))
    pending = models.PositiveIntegerField(_("records awaiting the DPO's approval"), default=0)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    # The exception's class name only: a message could quote data.
    error = models.CharField(_("error"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("purge log entry")
        verbose_name_plural = _("purge log")
        ordering = ["-started_at", "rule"]

    def __str__(self) -> str:
        return f"{self.rule} {self.started_at:%Y-%m-%d %H:%M}: {self.affected}"


class JobLock(models.Model):
    """A lease that keeps two runs of a job from overlapping; it expires by itself if the
    worker holding it dies."""

    name = models.CharField(max_length=50, primary_key=True)
    holder = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} until {self.expires_at:%Y-%m-%d %H:%M}"


class NightlyRun(models.Model):
    """The scheduled retention run of one night, written when its last rule has run.

    Beat started twice fires the job twice: the second task finds the night done and
    stops. Written under the lease, before it is released, so that a task starting
    while the first ends either waits for the lease or finds this row."""

    night = models.DateField(_("night"), unique=True)
    holder = models.CharField(max_length=64)
    finished_at = models.DateTimeField(_("finished at"))

    class Meta:
        verbose_name = _("nightly retention run")
        verbose_name_plural = _("nightly retention runs")
        ordering = ["-night"]

    def __str__(self) -> str:
        return f"{self.night:%Y-%m-%d}"


class Forecast(models.Model):
    """How many records each rule will find due, counted by the nightly run for the days
    ahead: the DPO's pages read it rather than counting millions of rows at each visit.
    Counts only; one row, replaced at each run."""

    computed_at = models.DateTimeField(_("computed at"))
    # Days from computed_at, and per rule (by name) the records due on each of them.
    days = models.JSONField(_("days ahead"))
    counts = models.JSONField(_("records due per rule"))

    class Meta:
        verbose_name = _("retention forecast")
        verbose_name_plural = _("retention forecasts")

    def __str__(self) -> str:
        return f"forecast {self.computed_at:%Y-%m-%d %H:%M}"


class RuleSetting(models.Model):
    """The DPO's choice for one rule of the schedule (by name): whether its due
    deletions wait for approval. No row: automatic, the default. retention/approvals.py
    refuses it for the rules that may never wait (sensitive needs, cookies)."""

    rule = models.CharField(_("rule"), max_length=50, primary_key=True)
    approval_required = models.BooleanField(_("due deletions wait for approval"), default=False)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("retention rule setting")
        verbose_name_plural = _("retention rule settings")

    def __str__(self) -> str:
        return self.rule


class PendingDeletion(models.Model):
    """Records a rule found due while it waits for approval: the keys of the rows (to
    review and delete exactly those), how many, since when. Approved, or older than
    settings.RETENTION_APPROVAL_DAYS, the next run deletes them; rows that stop being
    due (a hold, a change) leave the batch at each run. Keys and counts only."""

    rule = models.CharField(_("rule"), max_length=50, db_index=True)
    since = models.DateTimeField(_("due since"))
    keys = models.JSONField(_("keys of the records"))
    count = models.PositiveIntegerField(_("records"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("deletion awaiting approval")
        verbose_name_plural = _("deletions awaiting approval")
        ordering = ["since", "pk"]

    def __str__(self) -> str:
        return f"{self.rule} {self.since:%Y-%m-%d}: {self.count}"


class ManualRun(models.Model):
    """A run of the schedule the DPO asked for from the back-office: queued, then done
    (counts per rule) or refused because another run held the lease."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        DONE = "done", _("Done")
        BUSY = "busy", _("Not run: another run was in progress")

    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rules = models.JSONField(_("rules"), default=list)  # empty: every rule
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="queued")
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Per rule: {"affected": n, "held": n, "pending": n}. Counts only.
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        verbose_name = _("retention run asked for")
        verbose_name_plural = _("retention runs asked for")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.state}"
