"""Certificates for a session of 30 trainees, and the attendance PDF of 20 trainees x 6
half-days (issue 13's targets: < 5 s and < 1 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/attendance_documents.py

Creates (and drops) a database ``bench_attendance``, migrates it, and times: issuing the
30 certificates (figures frozen, 30 emails in the outbox), laying out the 30 French
certificate PDFs (what the downloads cost, as they are rendered on demand), and the
session's attendance PDF for 20 trainees over 3 days (6 half-days), every line signed.
"""

import datetime
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "bench_attendance"


def _database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def main() -> None:
    import psycopg

    admin_url = os.environ["DATABASE_URL"]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ.update(
        DATABASE_URL=_database(admin_url, BENCH_DB),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        ENV_FILE="/nonexistent",
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {BENCH_DB}")


def _session(trainees: int, days: int):
    from tests.factories import CourseFactory, EnrolmentFactory, SessionFactory

    start = datetime.date(2026, 3, 2)  # a Monday
    session = SessionFactory(
        course=CourseFactory(), start_date=start, end_date=start + datetime.timedelta(days=days - 1)
    )
    for _n in range(trainees):
        EnrolmentFactory(session=session, status="confirmed")
    return session


def _sign_everything(session_id: int) -> None:
    from attendance.models import AttendanceLine
    from attendance.services import sheets_ensure

    sheets_ensure(session_id=session_id)
    AttendanceLine.objects.filter(sheet__session_id=session_id).update(
        status="present", method="code", signed_at=datetime.datetime.now(datetime.UTC)
    )


def run() -> None:
    from unittest import mock

    from django.utils import timezone

    from attendance.certificates import certificates_issue
    from attendance.documents import certificate_pdf, sheets_pdf
    from attendance.models import Certificate

    session = _session(30, 5)
    _sign_everything(session.pk)
    # The outbox queues a Celery task after commit: not part of the figure.
    with mock.patch("core.outbox._queue"):
        began = time.perf_counter()
        issued = certificates_issue(session_id=session.pk, now=timezone.now())
        issue_s = time.perf_counter() - began
    began = time.perf_counter()
    for certificate in Certificate.objects.select_related("enrolment__trainee"):
        certificate_pdf(certificate=certificate, language="fr")
    render_s = time.perf_counter() - began
    print(f"certificates issued for {issued} trainees: {issue_s:.2f} s")
    print(f"their {issued} French PDFs laid out: {render_s:.2f} s ({render_s / issued:.3f} s each)")

    session = _session(20, 3)
    _sign_everything(session.pk)
    sheets_pdf(session_id=session.pk)  # fonts loaded once per process
    runs = []
    for _n in range(5):
        began = time.perf_counter()
        pdf = sheets_pdf(session_id=session.pk)
        runs.append(time.perf_counter() - began)
    print(
        f"attendance PDF, 20 trainees x 6 half-days: {min(runs):.2f} s best, "
        f"{max(runs):.2f} s worst of 5 ({len(pdf)} bytes)"
    )


if __name__ == "__main__":
    main()
