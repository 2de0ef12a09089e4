"""The HTTP benchmark's data: a fresh migrated database with N enrolments (bench/seed.py
when it is there, else a small generate_series seeding of our own), and what each run
needs on top (a baseline table, registrations waiting for their confirmation click)."""

import importlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent.parent
SESSIONS, UPCOMING = 200, 20  # the first UPCOMING sessions take registrations


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate(url: str, env: dict) -> None:
    """Drop and create the database, then migrate it."""
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(database_url(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    migrate(url, env)


def migrate(url: str, env: dict) -> None:
    manage = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(manage, cwd=ROOT, env={**env, "DATABASE_URL": url}, check=True)


def seed(url: str, *, enrolments: int, env: dict) -> str:
    """A fresh database with this many enrolments (ten per trainee), plus the sessions
    the benchmark registers on: UPCOMING upcoming sessions without a seat limit.
    Returns which seeding made it."""
    shared = _shared_seed()
    if shared is None:
        recreate(url, env)
        with psycopg.connect(url, autocommit=True) as db:
            _sessions(db, count=SESSIONS, upcoming=UPCOMING)
            _seed_people(db, trainees=max(enrolments // 10, 1))
        how = "bench/web/fixtures.py"
    else:
        # Its own process migrates with its own tree's migrations: this tree's on top.
        saved = dict(os.environ)
        os.environ.update({**env, "DJANGO_SETTINGS_MODULE": "config.settings"})
        try:
            shared.seed(url, max(enrolments // 10, 1), enrolments, force=True)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        migrate(url, env)
        with psycopg.connect(url, autocommit=True) as db:
            _sessions(db, count=UPCOMING, upcoming=UPCOMING)
        how = f"{shared.__file__}"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE TABLE IF NOT EXISTS bench_web_insert (id bigserial, email text)")
        db.execute("VACUUM ANALYZE")
    return how


def _shared_seed():
    """bench/seed.py (helper perf-data's), or the one in BENCH_SEED_DIR, if there is one."""
    for folder in (ROOT / "bench", Path(os.environ.get("BENCH_SEED_DIR", "/nonexistent"))):
        if (folder / "seed.py").exists() and not os.environ.get("BENCH_OWN_SEED"):
            sys.path.insert(0, str(folder))
            return importlib.import_module("seed")
    return None


def _sessions(db, *, count: int, upcoming: int) -> None:
    """Courses BW-1..10 and ``count`` sessions, the first ``upcoming`` of them in the
    next weeks and taking every registration the benchmark sends (no seat limit)."""
    db.execute(
        "INSERT INTO training_course (code, title, description, duration_hours, price,"
        " nature, objectives) SELECT 'BW-' || n, 'Course ' || n, '', 14, 900, 'training', ''"
        " FROM generate_series(1, 10) n"
    )
    db.execute(
        "INSERT INTO training_session (course_id, start_date, end_date, location, format,"
        " capacity, meals_provided) SELECT c.id, d, d + 1, 'Lyon', 'in_person',"
        " CASE WHEN n <= %(up)s THEN 1000000 ELSE 20 END, true"
        " FROM generate_series(1, %(n)s) n,"
        " LATERAL (SELECT CASE WHEN n <= %(up)s THEN current_date + 10 + n"
        "   ELSE current_date - 5 * n END AS d) days,"
        " LATERAL (SELECT id FROM training_course WHERE code = 'BW-' || (n %% 10 + 1)) c",
        {"n": count, "up": upcoming},
    )


def _seed_people(db, *, trainees: int) -> None:
    db.execute(
        "INSERT INTO trainees_trainee (surname, first_name, email, phone, postal_address,"
        " occupation, diplomas_and_skills, notes, language, created_at, updated_at)"
        " SELECT 'Seed', 'T' || n, 'seed' || n || '@example.org', '0600000000', 'Lyon',"
        " 'Tester', '', '', 'fr', now(), now() FROM generate_series(1, %s) n",
        [trainees],
    )
    # Trainee t takes sessions t*7 + 20k (mod 200): ten different sessions each.
    db.execute(
        "INSERT INTO training_enrolment (source, employer_name, legal_basis, status,"
        " confirmation, confirmation_attempts, created_at, updated_at, trainee_id, session_id)"
        " SELECT 'self', '', 'contract', CASE WHEN k = 0 THEN 'cancelled' ELSE 'confirmed' END,"
        " 'not_needed', 0, now(), now(), t.id, s.id"
        " FROM trainees_trainee t CROSS JOIN generate_series(0, 9) k"
        " JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM training_session) s"
        "   ON s.i = (t.id * 7 + k * 20) %% %s",
        [SESSIONS],
    )


def upcoming_sessions(url: str) -> list[int]:
    """The sessions the benchmark registers on."""
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT s.id FROM training_session s JOIN training_course c ON c.id = s.course_id"
            " WHERE c.code LIKE 'BW-%%' AND s.start_date > current_date ORDER BY s.id"
        ).fetchall()
    return [row[0] for row in rows]


def pending_for_clicks(url: str, *, prefix: str, count: int, sessions: list[int]) -> None:
    """Registrations awaiting confirmation, whose tokens are prefix-1 ... prefix-count."""
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(
            "INSERT INTO trainees_pendingregistration (session_id, email, language, details,"
            " allergies_consent, disability_consent, objects_to_offers,"
            " accepts_subsidiary_offers, token_hash, created_at, expires_at)"
            " SELECT (%(sessions)s::bigint[])[1 + n %% cardinality(%(sessions)s::bigint[])],"
            " %(prefix)s || '-' || n || '@example.org', 'fr',"
            " jsonb_build_object('surname', 'Clic', 'first_name', 'N' || n, 'phone',"
            "   '0600000000', 'postal_address', 'Lyon', 'occupation', 'Tester',"
            "   'diplomas_and_skills', '', 'employer_name', ''),"
            " false, false, false, false,"
            " encode(sha256(convert_to(%(prefix)s || '-' || n, 'UTF8')), 'hex'),"
            " now(), now() + interval '2 days' FROM generate_series(1, %(count)s) n",
            {"sessions": sessions, "prefix": prefix, "count": count},
        )


def registrations_stored(url: str, *, prefix: str) -> int:
    """Registrations the benchmark's form stored (its addresses: prefix-<thread>x<n>@...)."""
    with psycopg.connect(url) as db:
        return db.execute(
            "SELECT count(*) FROM trainees_pendingregistration WHERE email LIKE %s",
            [f"{prefix}-%x%@example.org"],
        ).fetchone()[0]
