"""Finding and exporting one person's data, as the DPO does, in a database of N trainees.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/dpo_subject.py [--rows 100000]

Creates (and drops) a database ``bench_dpo`` with N trainees, each with an enrolment, a
consent record, and a tenth of them with sensitive needs; then, for one person with a
bit of everything, counts the queries and times ``subject_records`` + ``subject_export``
(every provider), once with a small database and once with N rows.
Targets: the same number of queries whatever N, and under 200 ms.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "bench_dpo"


def _setup(url):
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        ENV_FILE="/nonexistent",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fill(cursor, rows: int, start: int) -> None:
    from django.utils import timezone

    now = timezone.now()
    cursor.execute(
        """
        WITH t AS (
            INSERT INTO trainees_trainee (surname, first_name, email, phone, postal_address,
                occupation, diplomas_and_skills, notes, language, created_at, updated_at)
            SELECT 'T', 'N', 'p' || g || '@example.org', '', '', '', '', '', 'fr', %(now)s, %(now)s
            FROM generate_series(%(start)s, %(end)s) g RETURNING id, email
        ), e AS (
            INSERT INTO training_enrolment (trainee_id, session_id, source, legal_basis, status,
                confirmation, confirmation_attempts, employer_name, created_at, updated_at)
            SELECT id, (SELECT min(id) FROM training_session), 'self', 'contract', 'confirmed',
                   'not_needed', 0, '', %(now)s, %(now)s FROM t RETURNING id
        )
        , c AS (
            INSERT INTO consent_consentrecord (email, trainee_id, purpose, action, channel, at,
                policy_version_id, note)
            SELECT t.email, t.id, 'trainee_offers', 'given', 'registration_form', %(now)s,
                   (SELECT min(id) FROM consent_policyversion), '' FROM t RETURNING trainee_id
        )
        INSERT INTO consent_campaignrecipient (campaign_id, trainee_id, status, done_at)
        SELECT (SELECT min(id) FROM consent_campaign), trainee_id, 'sent', %(now)s FROM c
        """,
        {"now": now, "start": start, "end": start + rows - 1},
    )


def measure(email: str, repeat: int = 7) -> tuple[int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dpo_requests.selectors import subject_export, subject_records

    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            subject_records(email=email)
            subject_export(email=email)
            timings.append(time.perf_counter() - start)
    return len(queries), statistics.median(timings) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    import psycopg

    admin = os.environ["DATABASE_URL"]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    try:
        _setup(urlunparse(urlparse(admin)._replace(path=f"/{BENCH_DB}")))
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from clients.services import client_contact_create, organisation_create
        from consent.services import consent_record
        from trainees.services import trainee_create
        from training.models import Enrolment, Session
        from training.sensitive_needs import sensitive_needs_record
        from training.services import course_create, enrolment_create, session_save

        call_command("migrate", verbosity=0)
        from campaigns.models import Campaign

        Campaign.objects.create(
            name="Bench", purpose="trainee_offers", subject_fr="s", body_fr="b", status="done"
        )
        course = course_create(code="B", title="Bench", duration_hours=7)
        session = Session(
            course=course,
            start_date=timezone.localdate(),
            end_date=timezone.localdate(),
            location="Lyon",
            capacity=10**7,
            meals_provided=True,
        )
        session_save(session=session)
        # The person the DPO looks for: a bit of everything.
        org = organisation_create(name="Acme", registration_number="552100554", address="Lyon")
        client_contact_create(
            organisation=org, surname="Eve", first_name="E", email="eve@example.org"
        )
        eve = trainee_create(surname="Eve", first_name="E", email="eve@example.org")
        enrolment = enrolment_create(trainee=eve, session=session, source=Enrolment.Source.SELF)
        sensitive_needs_record(
            enrolment=enrolment,
            food_allergies="Gluten",
            allergies_consent=True,
            disability_adaptations="",
            disability_consent=False,
            now=timezone.now(),
        )
        consent_record(
            email="eve@example.org",
            purpose="newsletter",
            action="given",
            channel="self_service",
            at=timezone.now(),
        )
        with connection.cursor() as cursor:
            fill(cursor, 1000, 1)
            cursor.execute("ANALYZE")
        small = measure("eve@example.org")
        with connection.cursor() as cursor:
            fill(cursor, args.rows - 1000, 1001)
            cursor.execute("ANALYZE")
        large = measure("eve@example.org")
        connection.close()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    print(f"trainees: 1,000 -> queries {small[0]:3d}, median {small[1]:6.1f} ms")
    print(
        f"trainees: {args.rows:,} -> queries {large[0]:3d}, median {large[1]:6.1f} ms   (target: same queries, < 200 ms)"
    )
    return 0 if small[0] == large[0] and large[1] < 200 else 1


if __name__ == "__main__":
    sys.exit(main())
