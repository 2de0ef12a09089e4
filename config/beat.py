"""The Celery beat schedule, in code (read by settings as CELERY_BEAT_SCHEDULE)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Trainees of a session that ended yesterday have completed it: their enrolments
    # leave the active list and certificates can be issued.
    "complete-ended-enrolments": {
        "task": "training.tasks.complete_ended_enrolments",
        "schedule": crontab(hour=1, minute=30),
    },
    # The outbox sweeper: confirmations the broker or the mail server held back.
    "send-pending-confirmations": {
        "task": "training.tasks.send_pending_confirmations",
        "schedule": crontab(minute="*/5"),
    },
}
