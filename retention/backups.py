"""Backups of the database, and restoring one without undoing people's rights.

A backup is the database as ``pg_dump`` (custom format) or SQLite's online backup sees
it: allergy and disability data stay the ciphertext they are in the database, so the
file is only readable together with ``CRYPTOGRAPHY_KEY``, which is never in it and must
be kept apart.

A restore puts the database back as it was, which would also bring back what happened
since: people erased, addresses that opted out, restrictions and legal holds. So before
overwriting anything, the restore reads those from the current database, then, once the
backup is in place, erases again the people whose erasure the backup does not show as
done, puts back the opt-outs and holds it lacks, and applies the retention schedule so
that nothing past its period survives. Finally every encrypted value is decrypted once
to prove the configured keys read the restored data.
"""

import dataclasses
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction


class BackupError(Exception):
    """The backup or restore could not be done; the message says why, without data."""


@dataclasses.dataclass(frozen=True)
class RestoreReport:
    erasures_reapplied: list[int]  # request numbers
    suppressions_kept: int
    holds_kept: int
    retention: dict  # rule name -> records affected
    encrypted_values: int


def _database() -> dict:
    return settings.DATABASES["default"]


def _pg_env() -> dict:
    db = _database()
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


def _run(command: list[str]) -> None:
    # The tool's own path, fixed options, and names from settings: no outside input.
    done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        # pg_dump and pg_restore report on the schema, never on rows.
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-500:]}")


def backup_create(*, path: Path) -> Path:
    """Write a backup of the whole database to ``path``, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=False)
    try:
        if connection.vendor == "postgresql":
            _run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={path}",
                    _database()["NAME"],
                ]
            )
        else:
            connection.ensure_connection()
            with sqlite3.connect(path) as target:
                connection.connection.backup(target)
            target.close()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    os.chmod(path, 0o600)
    return path


@dataclasses.dataclass(frozen=True)
class _Rights:
    """What people asked for that a restore must not undo, read from the current
    database before it is overwritten."""

    erasures: dict[int, str]  # request number -> address
    suppressions: list[tuple[str, str, object]]
    holds: list[dict]


def _rights_now() -> _Rights:
    from consent.models import Suppression
    from dpo_requests.models import Request
    from retention.models import Hold

    erasures = dict(
        Request.objects.filter(
            kind=Request.Kind.ERASURE, status=Request.Status.DONE, closed_at__isnull=False
        ).values_list("pk", "email")
    )
    suppressions = list(Suppression.objects.values_list("address_hash", "purpose", "created_at"))
    holds = list(Hold.objects.values("email", "kind", "reason", "until", "created_at", "lifted_at"))
    return _Rights(erasures, suppressions, holds)


def backup_restore(*, path: Path, now) -> RestoreReport:
    """Replace the database with the backup at ``path``, then re-apply the rights
    exercised since (see the module's docstring)."""
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    rights = _rights_now()
    if connection.vendor == "postgresql":
        connection.close()  # pg_restore drops and recreates every table
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={_database()['NAME']}",
                str(path),
            ]
        )
    else:
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        source.close()
    return _reapply(rights, now=now)


def _reapply(rights: _Rights, *, now) -> RestoreReport:
    from consent.models import Suppression
    from dpo_requests.audit import audit_record
    from dpo_requests.models import Request
    from dpo_requests.providers import providers
    from retention.models import Hold
    from retention.services import retention_run

    with transaction.atomic():
        done_in_backup = set(
            Request.objects.filter(
                pk__in=rights.erasures, kind=Request.Kind.ERASURE, status=Request.Status.DONE
            ).values_list("pk", flat=True)
        )
        reapplied = sorted(set(rights.erasures) - done_in_backup)
        for number in reapplied:
            for provider in providers():
                provider.erase(email=rights.erasures[number], now=now)
        known = set(Suppression.objects.values_list("address_hash", "purpose"))
        missing = [s for s in rights.suppressions if (s[0], s[1]) not in known]
        Suppression.objects.bulk_create(
            Suppression(address_hash=h, purpose=p, created_at=at) for h, p, at in missing
        )
        present = set(Hold.objects.values_list("email", "kind", "created_at"))
        lost = [h for h in rights.holds if (h["email"], h["kind"], h["created_at"]) not in present]
        Hold.objects.bulk_create(Hold(**h) for h in lost)
        audit_record(
            actor=None,
            action="backup_restored",
            obj=None,
            note=(
                f"erasures re-applied: {len(reapplied)} "
                f"({', '.join(f'#{n}' for n in reapplied) or '-'}), "
                f"opt-outs kept: {len(missing)}, holds kept: {len(lost)}"
            ),
        )
    results = retention_run(now=now, holder="restore")
    return RestoreReport(
        erasures_reapplied=reapplied,
        suppressions_kept=len(missing),
        holds_kept=len(lost),
        retention={name: result.affected for name, result in results.items()},
        encrypted_values=_restored_values_check(),
    )


def _restored_values_check() -> int:
    try:
        return encrypted_values_check()
    except BackupError as error:
        raise BackupError(f"The backup was restored, but: {error}") from None


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
                "Encrypted allergy or disability data cannot be read with the "
                "configured CRYPTOGRAPHY_KEY: set the key that was in use when the "
                "backup was taken (it is kept apart from the backups)."
            ) from None
        if not rows:
            return count
        count += sum(value is not None for row in rows for value in row[1:])
        last = rows[-1][0]
