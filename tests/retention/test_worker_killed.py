"""A Celery worker killed in the middle of the retention job leaves no half-purged
record, and the next run finishes the work (PostgreSQL, Redis, a real worker)."""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
import warnings

import pytest
from django.db import connection
from django.utils import timezone

from config.celery import app
from core.encryption import encrypt_text
from retention.models import JobLock, PurgeLog
from retention.services import retention_run
from tests.factories import SessionFactory
from tests.test_celery_worker import ROOT, _database_url, redis_url  # noqa: F401

ROWS = 3000


def _seed_ended_needs(count: int) -> None:
    """Needs on a session that ended last week, written in bulk (encrypted once: the
    ciphertext does not matter to the purge, only that there is one)."""
    ended = timezone.localdate() - datetime.timedelta(days=7)
    session = SessionFactory(start_date=ended, end_date=ended, capacity=count)
    cipher = encrypt_text("Arachides")
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH t AS (
                INSERT INTO trainees_trainee (surname, first_name, email, phone, postal_address,
                    occupation, diplomas_and_skills, notes, language, created_at, updated_at)
                SELECT 'T', 'N', 'bulk' || g || '@example.org', '', '', '', '', '', 'fr', %(now)s, %(now)s
                FROM generate_series(1, %(n)s) g RETURNING id
            ), e AS (
                INSERT INTO training_enrolment (trainee_id, session_id, source, legal_basis, status,
                    confirmation, confirmation_attempts, employer_name, created_at, updated_at)
                SELECT id, %(session)s, 'self', 'contract', 'completed', 'not_needed', 0, '', %(now)s, %(now)s
                FROM t RETURNING id
            )
            INSERT INTO trainees_sensitiveneeds (enrolment_id, food_allergies, allergies_consent_at,
                disability_adaptations, disability_consent_at, created_at, updated_at)
            SELECT id, %(cipher)s, %(now)s, %(cipher)s, %(now)s, %(now)s, %(now)s FROM e
            """,
            {"now": now, "n": count, "session": session.pk, "cipher": cipher},
        )


def _counts():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT
                 count(*) FILTER (WHERE purged_at IS NULL AND food_allergies IS NOT NULL
                                  AND disability_adaptations IS NOT NULL),
                 count(*) FILTER (WHERE purged_at IS NOT NULL AND food_allergies IS NULL
                                  AND disability_adaptations IS NULL),
                 count(*)
               FROM trainees_sensitiveneeds"""
        )
        untouched, purged, total = cursor.fetchone()
    return untouched, purged, total


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_leaves_nothing_half_done(require_postgres, redis_url, settings):  # noqa: F811
    _seed_ended_needs(ROWS)
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "RETENTION_BATCH_SIZE": "50",
        "RETENTION_BATCH_PAUSE": "0.05",  # slow enough to be caught in the middle
    }
    worker = subprocess.Popen(
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
    try:
        with app.connection_for_write(redis_url) as conn, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            app.send_task("retention.tasks.run_retention", queue=queue, connection=conn)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _counts()[1] < ROWS // 5:
            time.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)  # no warning, no cleanup
        worker.wait(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()

    untouched, purged, total = _counts()
    assert 0 < purged < ROWS, "the worker should have died in the middle of the job"
    assert untouched + purged == total == ROWS  # every row is whole: untouched or purged
    assert JobLock.objects.filter(name="retention").exists()  # the dead worker's lease

    # The lease expires; the next run (here the management path, same service) finishes.
    JobLock.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    settings.RETENTION_BATCH_PAUSE = 0
    result = retention_run(now=timezone.now(), rules=["sensitive-needs"])["sensitive-needs"]

    assert result.affected == untouched
    assert _counts() == (0, ROWS, ROWS)
    assert PurgeLog.objects.filter(rule="sensitive-needs", outcome="done").exists()
