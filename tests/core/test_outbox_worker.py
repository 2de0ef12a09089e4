"""A real Celery worker, fed through Redis, delivers an outbox email: the request's
process only stores it and publishes its id."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.db import transaction

from config.celery import app
from core.models import OutboxEmail
from core.outbox import email_enqueue
from tests.test_celery_worker import ROOT, _database_url, redis_url  # noqa: F401

# Outbox deliveries go to Celery's default queue; this Redis database is the test run's own.
QUEUE = "celery"


@pytest.fixture
def mail_worker(redis_url, tmp_path):  # noqa: F811
    """A worker on the default queue, writing the emails it sends to files."""
    with app.connection_for_write(redis_url) as conn:
        conn.default_channel.queue_purge(QUEUE)  # nothing left over from an earlier run
    outbox = tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        # Four slashes: django-environ drops one from an absolute file path.
        "EMAIL_URL": f"filemail:///{outbox}",
    }
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
            QUEUE,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    yield outbox
    process.terminate()
    process.wait(timeout=20)


@pytest.mark.django_db(transaction=True)
def test_a_worker_delivers_an_outbox_email_after_commit(mail_worker, redis_url):  # noqa: F811
    saved = app.conf.task_always_eager, app.conf.broker_url
    # Published to Redis, as in production, even where the embedded default (no REDIS_URL)
    # would run the task in this process.
    app.conf.task_always_eager, app.conf.broker_url = False, redis_url
    app.amqp._producer_pool = app._pool = None  # forget connections to another broker
    try:
        with transaction.atomic():
            email = email_enqueue(
                message=EmailMessage(
                    subject="Votre demande", body="Bonjour.", to=["gus@example.org"]
                ),
                kind="dsr.verify",
            )
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        app.amqp._producer_pool = app._pool = None

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status == OutboxEmail.Status.SENT:
            break
        time.sleep(0.3)
    assert email.status == OutboxEmail.Status.SENT
    delivered = "".join(path.read_text() for path in Path(mail_worker).glob("*.log"))
    assert "To: gus@example.org" in delivered
    assert "Subject: Votre demande" in delivered
