"""Backups of the database, and restoring one without undoing people's rights.

A backup is the database as ``pg_dump`` (custom format) or SQLite's online backup sees
it: allergy and disability data stay the ciphertext they are in the database, so the
file is only readable together with ``CRYPTOGRAPHY_KEY``, which is never in it and must
be kept apart.

Putting a backup back would also bring back what happened since: people erased,
consent withdrawn, addresses that opted out, restrictions and legal holds placed or
lifted. So a restore:

1. checks that the file is a whole backup, and reads those rights from the current
   database;
2. loads the backup into a scratch database beside the current one, brings it to the
   current schema (``migrate``), records the rights again there and carries out their
   effects (erasures, withdrawals), then applies the retention schedule, so that nothing
   past its period comes back, and decrypts every encrypted value with the configured
   keys;
3. only when all that succeeded, swaps the scratch database in for the current one.

Any failure before the swap leaves the current database exactly as it was.
"""

import contextlib
import dataclasses
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction

NOTHING_RESTORED = "Nothing was restored"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why, without data."""


@dataclasses.dataclass(frozen=True)
class RestoreReport:
    erasures_reapplied: list[int]  # request numbers
    withdrawals_reapplied: int
    suppressions_kept: int
    holds_kept: int
    retention: dict  # rule name -> records affected
    encrypted_values: int


def _pg_env() -> dict:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client).")
    return path


def _run(command: list[str]) -> subprocess.CompletedProcess:
    # The tool's own path, fixed options, and names from settings: no outside input.
    return subprocess.run(command, env=_pg_env(), capture_output=True, text=True)  # noqa: S603


# --- Taking a backup ----------------------------------------------------------------


def backup_create(*, path: Path) -> Path:
    """Write a backup of the whole database to ``path``, readable by its owner only."""
    if path.exists():
        raise BackupError(f"{path} already exists: choose another file.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=False)
    except OSError as error:
        raise BackupError(f"Cannot write {path}: {error.strerror}.") from None
    try:
        if connection.vendor == "postgresql":
            name = connection.settings_dict["NAME"]
            done = _run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                 f"--file={path}", name]
            )  # fmt: skip
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()[-300:]}")
        else:
            connection.ensure_connection()
            target = sqlite3.connect(path)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    os.chmod(path, 0o600)
    return path


# --- What a restore must not undo ----------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Rights:
    erasures: list[dict]  # done erasure requests, whole rows
    audit: list[dict]  # the audit entries of those requests
    withdrawals: list[dict]  # consent withdrawn or objected to
    suppressions: list[dict]
    holds: list[dict]


def _rights_now() -> _Rights:
    """Read from the current database; an empty one (nothing migrated yet, as after a
    disaster) has nothing to carry over."""
    from consent.models import ConsentRecord, Suppression
    from dpo_requests.models import AuditEntry, Request
    from retention.models import Hold

    try:
        erasures = list(
            Request.objects.filter(kind=Request.Kind.ERASURE, status=Request.Status.DONE).values()
        )
        audit = list(
            AuditEntry.objects.filter(
                object_type=Request._meta.label_lower,
                object_id__in=[str(row["id"]) for row in erasures],
            ).values("at", "actor_id", "action", "object_type", "object_id", "note")
        )
        withdrawals = list(
            ConsentRecord.objects.exclude(action=ConsentRecord.Action.GIVEN).values(
                "email", "purpose", "action", "channel", "at", "note", "policy_version__number"
            )
        )
        suppressions = list(Suppression.objects.values("address_hash", "purpose", "created_at"))
        holds = list(
            Hold.objects.values("email", "kind", "reason", "until", "created_at", "lifted_at")
        )
    except DatabaseError:
        return _Rights([], [], [], [], [])
    return _Rights(erasures, audit, withdrawals, suppressions, holds)


# --- Restoring -----------------------------------------------------------------------


def backup_restore(*, path: Path, now) -> RestoreReport:
    """Replace the database with the backup at ``path`` (see the module's docstring)."""
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    postgres = connection.vendor == "postgresql"
    (_pg_check if postgres else _sqlite_check)(path)
    rights = _rights_now()
    live = connection.settings_dict["NAME"]
    scratch = f"{live}_restore" if postgres else f"{live}.restore"
    (_pg_create if postgres else _sqlite_create)(scratch, path)
    try:
        with _pointed_at(scratch):
            call_command("migrate", interactive=False, verbosity=0)
            report = _reapply(rights, now=now)
        (_pg_swap if postgres else _sqlite_swap)(scratch, live)
    except BaseException:
        (_pg_drop if postgres else _sqlite_drop)(scratch)
        raise
    return report


@contextlib.contextmanager
def _pointed_at(name: str):
    """The default connection on another database of the same server (or file)."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def _pg_check(path: Path) -> None:
    if _run([_tool("pg_restore"), "--list", str(path)]).returncode != 0:
        raise BackupError(f"{NOTHING_RESTORED}: {path} is not a backup made by 'backup create'.")


def _pg_admin(*statements: str) -> None:
    # Databases are created, renamed and dropped from the server's maintenance database.
    with connection._nodb_cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _pg_create(scratch: str, path: Path) -> None:
    quoted = connection.ops.quote_name(scratch)
    _pg_admin(f"DROP DATABASE IF EXISTS {quoted}", f"CREATE DATABASE {quoted}")
    # Messages go to files, not pipes, so that neither tool can block on a full pipe.
    with tempfile.TemporaryFile() as loader_errors, tempfile.TemporaryFile() as reader_errors:
        loader = subprocess.Popen(  # noqa: S603 (fixed tool and options)
            [_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
             f"--dbname={scratch}"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=loader_errors,
            env=_pg_env(),
        )  # fmt: skip
        reader = subprocess.Popen(  # noqa: S603 (fixed tool and options)
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(path)],
            stdout=subprocess.PIPE, stderr=reader_errors, env=_pg_env(),
        )  # fmt: skip
        try:
            shutil.copyfileobj(reader.stdout, loader.stdin, 1 << 20)
            if reader.wait() != 0:  # a truncated file: fail the transaction
                loader.stdin.write(b"\nDO $$ BEGIN RAISE EXCEPTION 'incomplete backup'; END $$;\n")
            loader.stdin.close()
        except BrokenPipeError:  # psql stopped at an error
            reader.kill()
        reader.wait()
        if loader.wait() != 0:
            # Only the last line: PostgreSQL's context lines could quote a row.
            loader_errors.seek(0)
            lines = loader_errors.read().decode(errors="replace").strip().splitlines()
            reason = next((line for line in lines if "ERROR" in line), "psql failed")
            raise BackupError(f"{NOTHING_RESTORED}: the backup could not be loaded ({reason}).")


def _pg_swap(scratch: str, live: str) -> None:
    quote = connection.ops.quote_name
    old = f"{live}_before_restore"
    try:
        _pg_admin(
            f"DROP DATABASE IF EXISTS {quote(old)}",
            "BEGIN",
            f"ALTER DATABASE {quote(live)} RENAME TO {quote(old)}",
            f"ALTER DATABASE {quote(scratch)} RENAME TO {quote(live)}",
            "COMMIT",
        )
    except DatabaseError:
        raise BackupError(
            f"{NOTHING_RESTORED}: other sessions are using the database. Stop the web app, "
            "the Celery worker and beat, then restore again."
        ) from None
    _pg_admin(f"DROP DATABASE {quote(old)}")


def _pg_drop(scratch: str) -> None:
    connection.close()
    _pg_admin(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(scratch)} WITH (FORCE)")


def _sqlite_check(path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            # The whole file is checked: a truncated copy must not be loaded.
            if source.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                raise sqlite3.DatabaseError("integrity check failed")
            source.execute("SELECT count(*) FROM django_migrations").fetchone()
        finally:
            source.close()
    except sqlite3.DatabaseError:
        raise BackupError(
            f"{NOTHING_RESTORED}: {path} is not a backup made by 'backup create'."
        ) from None


def _sqlite_create(scratch: str, path: Path) -> None:
    Path(scratch).unlink(missing_ok=True)
    source, target = sqlite3.connect(f"file:{path}?mode=ro", uri=True), sqlite3.connect(scratch)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    os.chmod(scratch, 0o600)


def _sqlite_swap(scratch: str, live: str) -> None:
    connection.close()
    os.replace(scratch, live)


def _sqlite_drop(scratch: str) -> None:
    Path(scratch).unlink(missing_ok=True)


# --- On the scratch database ---------------------------------------------------------


def _reapply(rights: _Rights, *, now) -> RestoreReport:
    from dpo_requests.audit import audit_record
    from retention.models import JobLock
    from retention.schedule import BY_NAME
    from retention.services import retention_run

    with transaction.atomic():
        JobLock.objects.all().delete()  # no run is at work on a database nobody else sees
        reapplied = _erasures_reapply(rights, now=now)
        withdrawals = _withdrawals_reapply(rights)
        suppressions = _suppressions_keep(rights)
        holds = _holds_keep(rights)
    results = retention_run(now=now, holder="restore")
    failed = sorted(set(BY_NAME) - set(results))
    if failed:
        raise BackupError(
            f"{NOTHING_RESTORED}: retention rules failed on the backup's data: {', '.join(failed)}."
        )
    try:
        values = encrypted_values_check()
    except BackupError as error:
        raise BackupError(f"{NOTHING_RESTORED}: {error}") from None
    audit_record(
        actor=None,
        action="backup_restored",
        note=(
            f"erasures re-applied: {len(reapplied)}, withdrawals: {withdrawals}, "
            f"opt-outs kept: {suppressions}, holds kept: {holds}"
        ),
    )
    return RestoreReport(
        erasures_reapplied=reapplied,
        withdrawals_reapplied=withdrawals,
        suppressions_kept=suppressions,
        holds_kept=holds,
        retention={name: result.affected for name, result in results.items()},
        encrypted_values=values,
    )


def _erasures_reapply(rights: _Rights, *, now) -> list[int]:
    """Erasures the backup does not show as done: the person is erased again, and the
    request (the proof of the erasure) and its audit entries are put back."""
    from django.contrib.auth import get_user_model

    from dpo_requests.models import AuditEntry, Request
    from dpo_requests.providers import providers

    reapplied = []
    users = set(get_user_model().objects.values_list("pk", flat=True))
    for row in rights.erasures:
        there = Request.objects.filter(pk=row["id"]).first()
        same = there is not None and (there.email, there.received_at) == (
            row["email"],
            row["received_at"],
        )
        if same and there.status == Request.Status.DONE:
            continue
        for provider in providers():
            provider.erase(email=row["email"], now=now)
        if same:
            Request.objects.filter(pk=row["id"]).update(
                **{k: v for k, v in row.items() if k != "id"}
            )
            number = row["id"]
        else:  # lost, or its number since reused: back under its number if free
            number = Request.objects.create(**{**row, "id": None if there else row["id"]}).pk
        reapplied.append(number)
        AuditEntry.objects.bulk_create(
            AuditEntry(
                **{
                    **entry,
                    "object_id": str(number),
                    "actor_id": entry["actor_id"] if entry["actor_id"] in users else None,
                }
            )
            for entry in rights.audit
            if entry["object_id"] == str(row["id"])
            and not AuditEntry.objects.filter(
                at=entry["at"], action=entry["action"], object_id=str(number)
            ).exists()
        )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Request, AuditEntry]):
            cursor.execute(sql)
    return reapplied


def _withdrawals_reapply(rights: _Rights) -> int:
    """Consent withdrawn or objected to since the backup: recorded again, and allergy or
    disability data whose consent was withdrawn deleted again."""
    from clients.models import ClientContact
    from consent.models import ConsentRecord, PolicyVersion
    from trainees.models import Trainee
    from trainees.services import sensitive_needs_withdraw

    Purpose = ConsentRecord.Purpose
    count = 0
    for row in rights.withdrawals:
        key = {k: row[k] for k in ("email", "purpose", "action", "at")}
        if ConsentRecord.objects.filter(**key).exists():
            continue
        version = (
            PolicyVersion.objects.filter(number=row["policy_version__number"]).first()
            or PolicyVersion.objects.order_by("-published_on").first()
        )
        if version is not None:
            ConsentRecord.objects.create(
                **key,
                channel=row["channel"],
                note=row["note"],
                policy_version=version,
                trainee=Trainee.objects.filter(email=row["email"]).first(),
                contact=ClientContact.objects.filter(email=row["email"]).first(),
            )
        if row["purpose"] in (Purpose.ALLERGY_DATA, Purpose.DISABILITY_DATA):
            sensitive_needs_withdraw(
                email=row["email"],
                allergies=row["purpose"] == Purpose.ALLERGY_DATA,
                disability=row["purpose"] == Purpose.DISABILITY_DATA,
            )
        count += 1
    return count


def _suppressions_keep(rights: _Rights) -> int:
    from consent.models import Suppression

    known = set(Suppression.objects.values_list("address_hash", "purpose"))
    missing = [
        row for row in rights.suppressions if (row["address_hash"], row["purpose"]) not in known
    ]
    Suppression.objects.bulk_create(Suppression(**row) for row in missing)
    return len(missing)


def _holds_keep(rights: _Rights) -> int:
    """Holds placed since the backup come back; holds lifted since stay lifted."""
    from retention.models import Hold

    changed = 0
    for row in rights.holds:
        there = Hold.objects.filter(
            email=row["email"], kind=row["kind"], created_at=row["created_at"]
        ).first()
        if there is None:
            Hold.objects.create(**row)
            changed += 1
        elif row["lifted_at"] and there.lifted_at is None:
            Hold.objects.filter(pk=there.pk).update(lifted_at=row["lifted_at"])
            changed += 1
    return changed


def encrypted_values_check(*, batch_size: int = 2000) -> int:
    """Decrypt every encrypted value in the database with the configured keys; returns
    how many there are, or raises ``BackupError`` (naming no value) if one is unreadable."""
    from trainees.encryption import DecryptionError
    from trainees.models import SensitiveNeeds

    fields = ("food_allergies", "disability_adaptations")
    count, last = 0, 0
    while True:
        keyset = SensitiveNeeds.objects.filter(pk__gt=last).order_by("pk")
        try:
            # Reading the fields decrypts them, with every configured key in turn.
            rows = list(keyset.values_list("pk", *fields)[:batch_size])
        except DecryptionError:
            raise BackupError(
                "encrypted allergy or disability data cannot be read with the configured "
                "CRYPTOGRAPHY_KEY: set the key that was in use when the backup was taken "
                "(it is kept apart from the backups)."
            ) from None
        if not rows:
            return count
        count += sum(value is not None for row in rows for value in row[1:])
        last = rows[-1][0]
