"""30 enrolments confirmed at once, as staff do with the admin action: each gets its
convocation email with its PDF, stored in the outbox and sent by a real Celery worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> REDIS_URL=redis://127.0.0.1:6379/<n> \\
        .venv/bin/python bench/convocations.py [--enrolments 30]

Uses the given (migrated) database: adds a course, a session and its trainees, then
removes them. Times the confirmation (rendering and storing) and the whole way to the
last email sent by the worker. Target: under 10 s end to end.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("EMAIL_URL", "memorymail://")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _worker() -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
    flags = ["--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"]
    return subprocess.Popen([*command, *flags], cwd=ROOT, env=os.environ.copy())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrolments", type=int, default=30)
    args = parser.parse_args()
    _setup()
    import datetime

    from django.utils import timezone

    from core.models import OutboxEmail
    from trainees.models import Trainee
    from training.models import Course, Enrolment, Session
    from training.services import enrolment_set_status
    from training.trainers import trainer_for_name

    start = timezone.localdate() + datetime.timedelta(days=7)
    course = Course.objects.create(code="BENCH-CONV", title="Bench", duration_hours=14)
    session = Session.objects.create(
        course=course,
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
        location="Lyon",
        capacity=args.enrolments,
        trainer=trainer_for_name(name="Nadia Benali"),
    )
    enrolments = [
        Enrolment.objects.create(
            session=session,
            source="self",
            trainee=Trainee.objects.create(
                surname="Bench", first_name=f"T{n}", email=f"bench{n}@example.org"
            ),
        )
        for n in range(args.enrolments)
    ]
    worker = _worker()
    try:
        time.sleep(4)  # the worker connects to the broker
        began = time.perf_counter()
        for enrolment in enrolments:  # as the admin action does
            enrolment_set_status(enrolment=enrolment, status=Enrolment.Status.CONFIRMED)
        stored = time.perf_counter() - began
        emails = OutboxEmail.objects.filter(email__startswith="bench", kind="documents.convocation")
        while emails.filter(status="sent").count() < args.enrolments:
            if time.perf_counter() - began > 120:
                raise SystemExit("not all sent after 120 s")
            time.sleep(0.05)
        total = time.perf_counter() - began
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        emails.delete()
        Enrolment.objects.filter(session=session).delete()
        Trainee.objects.filter(email__startswith="bench").delete()
        session.delete()
        course.delete()
    print(
        f"{args.enrolments} convocations: stored in {stored:.2f} s, all sent by the worker "
        f"in {total:.2f} s (target < 10 s)"
    )
    return 0 if total < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
