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
