"""Backups of the database, and restoring one without undoing people's rights.

A backup is the database as ``pg_dump`` (custom format) or SQLite's online backup sees
it: allergy and disability data stay the ciphertext they are in the database, so the
file is only readable together with ``CRYPTOGRAPHY_KEY``, which is never in it and must
be kept apart.

Putting a backup back would also undo what happened since: people erased, requests
received and answered, consent withdrawn or given again, addresses that opted out,
restrictions and legal holds placed or lifted. The current database's record of those is
newer than any backup's, so a restore:

1. checks that the file is a whole backup; on PostgreSQL, refuses while other sessions
   are connected and lets no new one in until it is over; reads those records from the
   current database;
2. loads the backup into a scratch database beside the current one, brings it to the
   current schema (``migrate``), puts back the requests (under their numbers), the audit
   log, the consent history, the suppression list and the holds, carries out their
   effects again (erasures; allergy or disability data whose consent was withdrawn),
   then applies the retention schedule, so that nothing past its period comes back, and
   decrypts every encrypted value with the configured keys;
3. only when all that succeeded, swaps the scratch database in for the current one.

Any failure before the swap leaves the current database exactly as it was. The records
are read and carried over in ``backups/rights.py``, through each owning app's services;
the PostgreSQL and SQLite work is in ``backups/databases.py``.
"""

import contextlib
import dataclasses
import os
from pathlib import Path

from django.core.management import call_command
from django.db import DatabaseError, connection

from backups import databases
from backups.errors import NOTHING_RESTORED, BackupError
from backups.keys import backup_manifest_write, manifest_path
from backups.rights import Carried, Rights, rights_carry, rights_read
from core.audit import audit_record
from core.encryption import DecryptionError, encrypted_fields
from core.schedule import BY_NAME
from retention.services import retention_run


@dataclasses.dataclass(frozen=True)
class RestoreReport:
    erasures_reapplied: list[int]  # request numbers
    withdrawals_reapplied: int
    sensitive_rows_cleared: int
    suppressions_kept: int
    holds_kept: int
    retention: dict  # rule name -> records affected
    encrypted_values: int


# --- Taking a backup ----------------------------------------------------------------


def backup_create(*, path: Path) -> Path:
    """Write a backup of the whole database to ``path``, readable by its owner only,
    with the manifest of the keys its encrypted values need beside it."""
    if path.exists():
        raise BackupError(f"{path} already exists: choose another file.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=False)
    except OSError as error:
        raise BackupError(f"Cannot write {path}: {error.strerror}.") from None
    try:
        databases.database_dump(path)
        os.chmod(path, 0o600)
        # Which keys its values need, read back from the file just written (a file that
        # cannot be read back is no backup): SECURITY.md, key rotation.
        backup_manifest_write(path)
    except BaseException:
        path.unlink(missing_ok=True)
        manifest_path(path).unlink(missing_ok=True)
        raise
    return path


# --- Restoring -----------------------------------------------------------------------


def backup_restore(*, path: Path, now) -> RestoreReport:
    """Replace the database with the backup at ``path`` (see the module's docstring)."""
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    postgres = connection.vendor == "postgresql"
    (databases.pg_check if postgres else databases.sqlite_check)(path)
    live = connection.settings_dict["NAME"]
    scratch = f"{live}__restore_scratch" if postgres else f"{live}.restore"
    if postgres:
        databases.pg_leftovers_refuse(scratch, live)
    with databases.app_shut_out(live) if postgres else contextlib.nullcontext():
        rights = rights_read()
        try:
            (databases.pg_create if postgres else databases.sqlite_create)(scratch, path)
            with databases.pointed_at(scratch):
                call_command("migrate", interactive=False, verbosity=0)
                report = _reapply(rights, now=now)
            (databases.pg_swap if postgres else databases.sqlite_swap)(scratch, live)
        except BaseException:
            (databases.pg_drop if postgres else databases.sqlite_drop)(scratch)
            raise
    return report


def _reapply(rights: Rights, *, now) -> RestoreReport:
    """On the scratch database: the rights carried over, the retention schedule applied,
    every encrypted value decrypted; raises ``BackupError`` if a rule or a key fails."""
    carried = rights_carry(rights, now=now)
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
    _restore_audit(carried)
    return RestoreReport(
        **dataclasses.asdict(carried),
        retention={name: result.affected for name, result in results.items()},
        encrypted_values=values,
    )


def _restore_audit(carried: Carried) -> None:
    audit_record(
        actor=None,
        action="backup_restored",
        note=(
            f"erasures re-applied: {len(carried.erasures_reapplied)}, "
            f"withdrawals: {carried.withdrawals_reapplied}, "
            f"opt-outs: {carried.suppressions_kept}, holds: {carried.holds_kept}"
        ),
    )


# --- Checking ------------------------------------------------------------------------


def encrypted_values_check(*, batch_size: int = 2000) -> int:
    """Decrypt every encrypted value in the database with the configured keys; returns
    how many there are, or raises ``BackupError`` (naming no value) if one is unreadable.
    Every encrypted column is found by walking the models (sensitive needs, and those of
    registrations awaiting confirmation)."""
    count = 0
    for model, columns in encrypted_fields():
        fields = [field.name for field in columns]
        last = None
        while True:
            rows = _decrypted_batch(model, fields, after=last, size=batch_size)
            if not rows:
                break
            count += sum(value is not None for row in rows for value in row[1:])
            last = rows[-1][0]
    return count


def _decrypted_batch(model, fields: list[str], *, after, size: int) -> list[tuple]:
    keyset = model._default_manager.order_by("pk")
    if after is not None:
        keyset = keyset.filter(pk__gt=after)
    try:
        # Reading the fields decrypts them, with every configured key in turn.
        return list(keyset.values_list("pk", *fields)[:size])
    except DatabaseError as error:
        raise BackupError(
            f"the database cannot be read ({type(error).__name__}): it cannot be "
            "reached, or has no tables yet (run 'migrate' first)."
        ) from None
    except DecryptionError:
        raise BackupError(
            "encrypted allergy or disability data cannot be read with the configured "
            "CRYPTOGRAPHY_KEY: set the key that was in use when the backup was taken "
            "(it is kept apart from the backups)."
        ) from None
