"""The Celery app: settings from Django (CELERY_*), tasks autodiscovered in each app."""

import os

from celery import Celery
from celery.signals import beat_init, worker_init

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
