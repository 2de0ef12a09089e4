"""A real Celery worker process, fed through Redis, changes the database."""

import datetime
import os
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app
from tests.conftest import IN_CI
from tests.factories import EnrolmentFactory, SessionFactory
from training.models import Enrolment

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def redis_url():
    url = settings.REDIS_URL or "redis://127.0.0.1:6379/0"
    try:
        with app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as error:
        if IN_CI:
            pytest.fail(f"CI needs Redis at REDIS_URL: {error}")
        pytest.skip(f"no Redis reachable at {url}")
    return url


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(redis_url):
    """A worker on its own queue, so that it takes nothing but this test's task."""
    queue = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": redis_url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    yield redis_url, queue
    process.terminate()
    process.wait(timeout=20)


@pytest.mark.django_db(transaction=True)
def test_a_worker_completes_the_enrolments_of_ended_sessions(worker):
    redis_url, queue = worker
    today = timezone.localdate()
    ended = SessionFactory(
        start_date=today - datetime.timedelta(days=2), end_date=today - datetime.timedelta(days=1)
    )
    upcoming = SessionFactory()
    done = EnrolmentFactory(session=ended, status=Enrolment.Status.CONFIRMED)
    not_yet = EnrolmentFactory(session=upcoming, status=Enrolment.Status.CONFIRMED)

    with app.connection_for_write(redis_url) as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the embedded default runs tasks eagerly; not this one
        app.send_task("training.tasks.complete_ended_enrolments", queue=queue, connection=conn)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done.refresh_from_db()
        if done.status == Enrolment.Status.COMPLETED:
            break
        time.sleep(0.2)
    assert done.status == Enrolment.Status.COMPLETED
    not_yet.refresh_from_db()
    assert not_yet.status == Enrolment.Status.CONFIRMED
