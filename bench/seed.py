"""A PostgreSQL database the size of a real organisation after years of use, for benchmarks.

    .venv/bin/python bench/seed.py postgres://postgres@127.0.0.1:5432/bench_data_1m \\
        [--trainees 100000] [--enrolments 1000000] [--force]

``seed(database_url, trainees, enrolments)`` creates (or recreates) the database named in
the URL, migrates it and fills it with set-based SQL (``generate_series`` and
``INSERT … SELECT``): 100,000 trainees and 1,000,000 enrolments take a few minutes. A
table ``bench_seed`` records what was seeded: calling it again with the same sizes (and
the same seed version) on a database that has them does nothing, so ``make bench``
seeds once.

What is in it, spread the way years of use spread it (today is the day it runs):

- client companies (one per 50 trainees: active, prospects, former) with 3 contacts each;
- courses, trainers, and one session per 12 enrolments: 95 % over the last five years,
  a few just past the five-year limitation period (due for deletion tonight), 5 % in the
  next six months; capacities leave seats on two future sessions in three;
- each trainee enrolled about ``enrolments / trainees`` times (never twice on a
  session), 40 % through their employer (processor enrolments); past enrolments
  completed or cancelled, archived 91 days after their session (those ended 90 to 93
  days ago not yet: the nightly job's work); future ones confirmed or pending;
- sensitive needs on a tenth of the enrolments of sessions with meals, real ciphertexts
  (a handful of values encrypted with the configured key, reused), erased the day after
  the session as the policy says, except those of sessions that ended yesterday;
- consent history (offers to trainees for everyone, newsletter for a tenth, objections,
  allergy and disability consents, prospecting for contacts), registrations awaiting
  confirmation (some expired), audit entries, data-subject requests in every state,
  campaigns (recipients kept 90 days), disclosures, holds, outbox emails, a year of
  purge logs;
- staff: ``bench-admin`` (superuser), ``bench-dpo`` (DPO group), ``bench-training``
  (training team), all with the password ``bench``.

The fill itself runs in a child process with Django configured for that database (it
migrates, encrypts with the configured ``CRYPTOGRAPHY_KEY`` and creates the staff), so
that the caller's own Django settings are left alone.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
# Bump when what is seeded changes: a database seeded by an older version is refilled.
VERSION = 1
MARKER = "bench_seed"
PASSWORD = "bench"  # noqa: S105 (throwaway staff of a benchmark database)
STAFF = {"admin": "bench-admin", "dpo": "bench-dpo", "training": "bench-training"}


def _server_url(database_url: str) -> str:
    return urlunparse(urlparse(database_url)._replace(path="/postgres"))


def _name(database_url: str) -> str:
    name = urlparse(database_url).path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unexpected database name {name!r}")
    return name


def seeded(database_url: str) -> tuple[int, int] | None:
    """(trainees, enrolments) the database was seeded with by this version, or None."""
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=5) as conn:
            marker = f"SELECT trainees, enrolments FROM {MARKER} WHERE version = %s"  # noqa: S608
            row = conn.execute(marker, [VERSION]).fetchone()
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        return None
    return tuple(row) if row else None


def seed(database_url: str, trainees: int, enrolments: int, force: bool = False) -> float:
    """Make the database hold a seeded data set of this size; returns the seconds spent
    (0 when an existing one of the same size was reused)."""
    if not force and seeded(database_url) == (trainees, enrolments):
        return 0.0
    import psycopg

    name = _name(database_url)
    began = time.perf_counter()
    with psycopg.connect(_server_url(database_url), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    env = {**os.environ, "DATABASE_URL": database_url}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    command = [sys.executable, __file__, database_url, "--fill"]
    command += ["--trainees", str(trainees), "--enrolments", str(enrolments)]
    subprocess.run(command, check=True, cwd=ROOT, env=env)
    return time.perf_counter() - began


def _fill(trainees: int, enrolments: int) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()
    import seed_sql
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    _staff()
    ciphers = seed_sql.ciphertexts()
    with connection.cursor() as cursor:
        # Every row is generated consistent: no need to queue millions of deferred
        # foreign-key checks (the constraints stay; only their triggers are skipped).
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for step, sql in seed_sql.steps(trainees, enrolments):
            began = time.perf_counter()
            cursor.execute(sql, {**seed_sql.params(trainees, enrolments), **ciphers})
            print(f"  {step}: {time.perf_counter() - began:.1f} s", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(
            f"CREATE TABLE {MARKER} (trainees integer, enrolments integer, version integer, "
            "seeded_at timestamptz DEFAULT now())"
        )
        cursor.execute(
            f"INSERT INTO {MARKER} (trainees, enrolments, version) VALUES (%s, %s, %s)",  # noqa: S608
            [trainees, enrolments, VERSION],
        )
    connection.close()
    began = time.perf_counter()
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"  vacuum analyze: {time.perf_counter() - began:.1f} s", flush=True)


def _staff() -> None:
    from django.contrib.auth.models import Group, User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = User.objects.create_superuser(STAFF["admin"], password=PASSWORD)
    dpo = User.objects.create_user(STAFF["dpo"], password=PASSWORD, is_staff=True)
    dpo.groups.set([Group.objects.get(name="DPO")])
    training = User.objects.create_user(STAFF["training"], password=PASSWORD, is_staff=True)
    training.groups.set([Group.objects.get(name="Équipe formation")])
    for user in (admin, dpo, training):
        TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", nargs="?", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--trainees", type=int, default=100_000)
    parser.add_argument("--enrolments", type=int, default=1_000_000)
    parser.add_argument("--force", action="store_true", help="reseed even if already seeded")
    parser.add_argument("--fill", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give a database URL (or set BENCH_DATABASE_URL)")
    if args.fill:
        _fill(args.trainees, args.enrolments)
        return 0
    seconds = seed(args.database_url, args.trainees, args.enrolments, force=args.force)
    what = f"{args.trainees:,} trainees, {args.enrolments:,} enrolments"
    if seconds:
        print(f"seeded {_name(args.database_url)}: {what} in {seconds:.0f} s")
    else:
        print(f"{_name(args.database_url)} already holds {what}: reused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
