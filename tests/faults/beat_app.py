"""The production Celery app with a beat schedule of seconds, for the two-beats test:
the same tasks under the same names, fired every second instead of nightly, daily or
every minute (``celery -A tests.faults.beat_app beat``)."""

from config.celery import app

app.conf.beat_schedule = {
    name: {"task": task, "schedule": 1.0}
    for name, task in {
        "retention": "retention.tasks.run_retention",
        "issue-certificates": "attendance.tasks.issue_certificates",
        "sweep-outbox": "core.tasks.sweep_outbox",
        "requeue-exports": "dpo_requests.tasks.requeue_exports",
    }.items()
}
