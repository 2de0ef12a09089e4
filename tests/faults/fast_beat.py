"""Celery beat for the fault tests: the project's app, sweeping the outbox every second
instead of every minute, so that a test sees in seconds what production does in a
minute or two. Started as ``celery -A tests.faults.fast_beat beat``."""

from config.celery import app

app.conf.beat_schedule = {
    "sweep-outbox": {"task": "core.tasks.sweep_outbox", "schedule": 1.0},
}
