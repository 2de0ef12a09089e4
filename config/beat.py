"""The Celery beat schedule, in code (settings.CELERY_BEAT_SCHEDULE), and the scheduler
that lets only one beat send it (settings.CELERY_BEAT_SCHEDULER)."""

import contextlib
import logging
import os
import socket
import uuid

import redis
from celery.beat import PersistentScheduler
from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)
# Refresh the lease only if it is still ours (a GET then PEXPIRE could extend another's).
_REFRESH = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""


class SingleBeatScheduler(PersistentScheduler):
    """celery beat's own scheduler, sending only while it holds a lease in Redis.

    Two beats (one started twice by mistake, or a standby on a second host) would send
    every job twice. The one that holds the lease sends and renews it at every tick; the
    other sends nothing and takes over within BEAT_LEASE_SECONDS once the first stops
    renewing (stopped, killed, its host gone). Without Redis (the embedded default,
    tasks in-process) there is no second beat to fear and nothing is held.
    """

    def __init__(self, *args, **kwargs):
        self._holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._lease_seconds = settings.BEAT_LEASE_SECONDS
        self._holding = False
        super().__init__(*args, **kwargs)
        url = self.app.conf.broker_url or ""
        self._redis = redis.Redis.from_url(url) if url.startswith("redis") else None
        # One lease per installation: its queue names it (CELERY_QUEUE).
        self._key = f"beat-lease:{self.app.conf.task_default_queue}"

    def tick(self, *args, **kwargs):
        """Send what is due if this beat holds the lease; else wait and try again."""
        wait = self._lease_seconds / 3  # renewed well before it expires
        if not self._lease_hold():
            return wait
        return min(super().tick(*args, **kwargs), wait)

    def _lease_hold(self) -> bool:
        if self._redis is None:
            return True
        ms = int(self._lease_seconds * 1000)
        try:
            held = bool(self._redis.eval(_REFRESH, 1, self._key, self._holder, ms)) or bool(
                self._redis.set(self._key, self._holder, nx=True, px=ms)
            )
        except redis.RedisError as error:  # no broker: nothing could be sent anyway
            logger.warning("Beat lease not renewed: %s.", type(error).__name__)
            held = False
        if held != self._holding:
            logger.warning("This beat %s.", "sends the schedule" if held else "stands by")
            self._holding = held
        return held

    def close(self):
        """A beat stopped cleanly hands over at once."""
        super().close()
        if self._redis is not None and self._holding:
            with contextlib.suppress(redis.RedisError):
                self._redis.eval(_REFRESH, 1, self._key, self._holder, 1)  # expire now


def beat_schedule(*, retention_run_at: str, backup_at: str = "") -> dict:
    hour, minute = _clock("RETENTION_RUN_AT", retention_run_at)
    schedule = {**_daily(hour, minute), **_frequent()}
    if backup_at:
        # Regular backups (backups/scheduled.py), pruned to BACKUP_KEEP.
        hour, minute = _clock("BACKUP_SCHEDULE", backup_at)
        schedule["take-backup"] = {
            "task": "backups.tasks.take_backup",
            "schedule": crontab(hour=hour, minute=minute),
        }
    return schedule


def _clock(name: str, value: str) -> tuple[int, int]:
    try:
        hour, minute = (int(part) for part in value.split(":"))
    except ValueError:
        hour = minute = -1
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ImproperlyConfigured(f"{name}={value!r}: use HH:MM, e.g. 02:30")
    return hour, minute


def _daily(hour: int, minute: int) -> dict:
    """The jobs that run once a day: retention at night, then the day's training jobs."""
    return {
        # Every retention rule of core/schedule.py, once a day at night.
        "retention": {
            "task": "retention.tasks.run_retention",
            "schedule": crontab(hour=hour, minute=minute),
        },
        # The DPO hears of data-subject requests due within a week.
        "remind-requests-due-soon": {
            "task": "dpo_requests.tasks.remind_due_soon",
            "schedule": crontab(hour=8, minute=0),
        },
        # Trainees of a session that ended yesterday have completed it.
        "complete-ended-enrolments": {
            "task": "training.tasks.complete_ended_enrolments",
            "schedule": crontab(hour=1, minute=30),
        },
        # Sessions that ended yesterday: certificates issued from their sheets, and
        # each trainee emailed their link (after enrolments are completed at 01:30).
        "issue-certificates": {
            "task": "attendance.tasks.issue_certificates",
            "schedule": crontab(hour=6, minute=0),
        },
        # Trainees of the sessions that ended are asked for their opinion (surveys/).
        "invite-to-surveys": {
            "task": "surveys.tasks.invite_to_surveys",
            "schedule": crontab(hour=9, minute=0),
        },
    }


def _frequent() -> dict:
    """The jobs that run every few minutes or hours: what an outage held back."""
    return {
        # The outbox sweeper (core/outbox.py): every email the broker or the mail
        # server held back, whatever sent it.
        "sweep-outbox": {
            "task": "core.tasks.sweep_outbox",
            "schedule": crontab(minute="*"),
        },
        # Access archives asked for while the broker was down are built.
        "requeue-exports": {
            "task": "dpo_requests.tasks.requeue_exports",
            "schedule": crontab(minute="*/5"),
        },
        # Offer campaigns that the broker or a dead worker left half-way go on.
        "resume-campaigns": {
            "task": "campaigns.tasks.resume_campaigns",
            "schedule": crontab(minute="*/5"),
        },
        # Online learning platform: accesses close the day after their period ends (their
        # own job, not a retention rule: a restore re-runs the schedule and must not call
        # the platform); accesses the platform or the broker held back are opened.
        "revoke-lms-access": {
            "task": "lms.tasks.revoke_ended_lms_accesses",
            "schedule": crontab(minute=15),
        },
        "retry-lms-grants": {
            "task": "lms.tasks.retry_lms_grants",
            "schedule": crontab(minute="*/15"),
        },
        # Confirmations and information notices recorded before the outbox existed
        # are handed to it.
        "send-pending-confirmations": {
            "task": "training.tasks.send_pending_confirmations",
            "schedule": crontab(minute="*/5"),
        },
    }
