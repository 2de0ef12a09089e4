"""The Celery app: settings from Django (CELERY_*), tasks autodiscovered in each app."""

import os

from celery import Celery
from celery.signals import beat_init, task_postrun, task_prerun, worker_init
from django.db import close_old_connections

from config.production import require_services

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# A worker or beat started with DEBUG off is production: it stops, naming what is
# missing, rather than run with no broker and an SQLite file (config/production.py).
@worker_init.connect
def _worker_needs_its_services(**kwargs):
    require_services("The Celery worker")


@beat_init.connect
def _beat_needs_its_services(**kwargs):
    require_services("Celery beat")


# Persistent database connections in the worker too (CONN_MAX_AGE): Celery's Django fixup
# would close them around every task (CELERY_DB_REUSE_MAX makes it rare), so each task
# is treated like a request instead: a connection too old, or that saw an error, is
# closed, and the next query checks the one kept (CONN_HEALTH_CHECKS), so a restarted
# PostgreSQL costs no task. Tasks run in-process (eager, in tests and `make run`) are
# inside their caller's transaction and are left alone, as the fixup does.
@task_prerun.connect
@task_postrun.connect
def _database_connections_as_around_a_request(task=None, **kwargs):
    if not getattr(task.request, "is_eager", False):
        close_old_connections()
