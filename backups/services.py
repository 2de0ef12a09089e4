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

Any failure before the swap leaves the current database exactly as it was.
"""

import contextlib
import dataclasses
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Max, Q

from core.audit import audit_record
from core.models import AuditEntry, Hold
from core.schedule import BY_NAME
from dpo_requests.models import Request
from retention.models import JobLock
from retention.services import retention_run
from training.models import SensitiveNeeds

NOTHING_RESTORED = "Nothing was restored"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why, without data."""


@dataclasses.dataclass(frozen=True)
class RestoreReport:
    erasures_reapplied: list[int]  # request numbers
    withdrawals_reapplied: int
    sensitive_rows_cleared: int
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
    """Write a backup of the whole database to ``path``, readable by its owner only,
    with the manifest of the keys its encrypted values need beside it."""
    # Imported here, not at the top: backup_keys reads backups with this module's tools.
    from backups.keys import backup_manifest_write, manifest_path

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
        os.chmod(path, 0o600)
        # Which keys its values need, read back from the file just written (a file that
        # cannot be read back is no backup): SECURITY.md, key rotation.
        backup_manifest_write(path)
    except BaseException:
        path.unlink(missing_ok=True)
        manifest_path(path).unlink(missing_ok=True)
        raise
    return path


# --- What a restore must not undo ----------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Rights:
    """The current database's record of what people asked for, which is newer than any
    backup's: requests and the audit log, consent choices, the suppression list, holds."""

    requests: list[dict]
    audit: list[dict]
    policy_versions: list[dict]
    consents: list[dict]
    suppressions: list[dict]
    holds: list[dict]
    sensitive: "_SensitiveState | None"
    last_request_number: int


@dataclasses.dataclass(frozen=True)
class _SensitiveState:
    """Which allergy and disability values the current database still holds (keys only,
    nothing decrypted): what was withdrawn, erased or purged since must stay gone."""

    highest_key: int
    keys: set[int]
    no_allergies: set[int]
    no_disability: set[int]


def _rights_now() -> _Rights:
    """Read from the current database. One with no tables at all (as after a disaster)
    has nothing to carry over; one that cannot be read otherwise stops the restore."""
    from consent.models import ConsentRecord, PolicyVersion, Suppression

    if "django_migrations" not in connection.introspection.table_names():
        return _Rights([], [], [], [], [], [], None, 0)
    try:
        needs = SensitiveNeeds.objects.all()
        highest = _last_number(SensitiveNeeds)  # rows deleted since count too
        return _Rights(
            policy_versions=list(PolicyVersion.objects.values("number", "published_on", "summary")),
            sensitive=_SensitiveState(
                highest_key=highest,
                keys=set(needs.values_list("pk", flat=True)),
                no_allergies=set(
                    needs.filter(food_allergies__isnull=True).values_list("pk", flat=True)
                ),
                no_disability=set(
                    needs.filter(disability_adaptations__isnull=True).values_list("pk", flat=True)
                ),
            )
            if highest
            else None,
            last_request_number=_last_number(Request),
            requests=list(Request.objects.order_by("pk").values()),
            audit=list(
                AuditEntry.objects.order_by("at", "pk").values(
                    "at", "actor_id", "action", "object_type", "object_id", "note"
                )
            ),
            consents=list(
                ConsentRecord.objects.order_by("at", "pk").values(
                    "email", "purpose", "action", "channel", "at", "note", "policy_version__number"
                )
            ),
            suppressions=list(Suppression.objects.values("address_hash", "purpose", "created_at")),
            holds=list(
                Hold.objects.values("email", "kind", "reason", "until", "created_at", "lifted_at")
            ),
        )
    except DatabaseError as error:
        raise BackupError(
            f"{NOTHING_RESTORED}: the current database cannot be read "
            f"({type(error).__name__}); run 'migrate' on it, or restore into an empty one."
        ) from None


def _last_number(model) -> int:
    """The last number the table's sequence gave out (deleted rows included)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:  # AUTOINCREMENT tables keep it here
            cursor.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = %s", [model._meta.db_table]
            )
            row = cursor.fetchone()
        return row[0] if row else 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, 'id'))",
            [model._meta.db_table],
        )
        return cursor.fetchone()[0] or 0


# --- Restoring -----------------------------------------------------------------------


def backup_restore(*, path: Path, now) -> RestoreReport:
    """Replace the database with the backup at ``path`` (see the module's docstring)."""
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    postgres = connection.vendor == "postgresql"
    (_pg_check if postgres else _sqlite_check)(path)
    live = connection.settings_dict["NAME"]
    scratch = f"{live}__restore_scratch" if postgres else f"{live}.restore"
    if postgres:
        for name in (scratch, f"{live}__before_restore"):
            if _pg_exists(name):
                raise BackupError(
                    f"{NOTHING_RESTORED}: a database named {name} exists (left by an "
                    f"interrupted restore?). Drop it first: DROP DATABASE {name};"
                )
    with _app_shut_out(live) if postgres else contextlib.nullcontext():
        rights = _rights_now()
        try:
            (_pg_create if postgres else _sqlite_create)(scratch, path)
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
    """Statements on databases, from the server's maintenance database."""
    try:
        with connection._nodb_cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    except DatabaseError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise BackupError(f"{NOTHING_RESTORED}: {first_line}.") from None


@contextlib.contextmanager
def _app_shut_out(live: str):
    """No one else connects to the database from the moment its rights are read until
    the backup has replaced it: a request carried out meanwhile would be lost."""
    quoted = connection.ops.quote_name(live)
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datallowconn FROM pg_database WHERE datname = %s", [live])
        row = cursor.fetchone()
    if row == (False,):
        raise BackupError(
            f"{NOTHING_RESTORED}: the database {live} lets no one connect, as a restore that "
            f"was killed leaves it. Its data is intact: run ALTER DATABASE {live} "
            "ALLOW_CONNECTIONS true; then restore again."
        )
    try:
        connection.ensure_connection()  # ours, opened before the door closes
    except DatabaseError:
        raise BackupError(
            f"{NOTHING_RESTORED}: cannot connect to the database {live}. After a disaster, "
            "create it (empty) first, then restore into it."
        ) from None
    _pg_admin(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS false")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                raise BackupError(
                    f"{NOTHING_RESTORED}: other sessions are using the database. Stop the web "
                    "app, the Celery worker and beat, then restore again."
                )
        yield
    finally:
        # The database that now bears the name: the restored one, or the untouched one.
        connection.close()
        _pg_admin(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS true")


def _pg_create(scratch: str, path: Path) -> None:
    """The backup into a new, empty database, by pg_restore alone, in one transaction."""
    _pg_admin(f"CREATE DATABASE {connection.ops.quote_name(scratch)}")
    done = _run(
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", f"--dbname={scratch}", str(path)]
    )  # fmt: skip
    if done.returncode != 0:
        # Only the error line: PostgreSQL's context lines could quote a row.
        lines = done.stderr.strip().splitlines()
        reason = next((line for line in lines if "error" in line.lower()), "pg_restore failed")
        raise BackupError(f"{NOTHING_RESTORED}: the backup could not be loaded ({reason[:200]}).")


def _pg_exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _pg_swap(scratch: str, live: str) -> None:
    quote = connection.ops.quote_name
    old = f"{live}__before_restore"
    connection.close()
    _pg_admin(
        "BEGIN",
        f"ALTER DATABASE {quote(live)} RENAME TO {quote(old)}",
        f"ALTER DATABASE {quote(scratch)} RENAME TO {quote(live)}",
        "COMMIT",
    )
    # Restored: should the old copy not go now, the next restore names it.
    with contextlib.suppress(BackupError):
        _pg_admin(f"DROP DATABASE {quote(old)}")


def _pg_drop(scratch: str) -> None:
    connection.close()
    with contextlib.suppress(BackupError):
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


def _sqlite_swap(scratch: str, live: str) -> None:
    connection.close()
    if Path(live).exists():  # the restored file keeps the database file's permissions
        shutil.copymode(live, scratch)
    os.replace(scratch, live)


def _sqlite_drop(scratch: str) -> None:
    Path(scratch).unlink(missing_ok=True)


# --- On the scratch database ---------------------------------------------------------


def _reapply(rights: _Rights, *, now) -> RestoreReport:

    with transaction.atomic():
        JobLock.objects.all().delete()  # no run is at work on a database nobody else sees
        _policy_versions_carry(rights)
        withdrawals = _consents_carry(rights)
        suppressions = _suppressions_carry(rights)
        cleared = _sensitive_state_carry(rights)
        holds = _holds_carry(rights)
        numbers = _requests_carry(rights)
        # Last, so that erasing again also takes what was just carried over.
        reapplied = _erasures_reapply(rights, numbers, now=now)
        _audit_carry(rights, numbers)
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
            f"opt-outs: {suppressions}, holds: {holds}"
        ),
    )
    return RestoreReport(
        erasures_reapplied=reapplied,
        withdrawals_reapplied=withdrawals,
        sensitive_rows_cleared=cleared,
        suppressions_kept=suppressions,
        holds_kept=holds,
        retention={name: result.affected for name, result in results.items()},
        encrypted_values=values,
    )


def _requests_carry(rights: _Rights) -> dict[int, tuple[int, bool]]:
    """Every request as the current database knows it (its state there is the newer),
    under its number. Returns, per number, (number now, was done in the backup)."""

    numbers = {}
    in_backup = Request.objects.in_bulk([row["id"] for row in rights.requests])
    for row in rights.requests:
        there = in_backup.get(row["id"])
        same = there is not None and (there.email, there.received_at) == (
            row["email"],
            row["received_at"],
        )
        done_before = same and there.status == row["status"] == Request.Status.DONE
        if same:
            Request.objects.filter(pk=row["id"]).update(
                **{k: v for k, v in row.items() if k != "id"}
            )
            numbers[row["id"]] = (row["id"], done_before)
        else:  # lost, or its number taken in the backup: back under its number if free
            number = Request.objects.create(**{**row, "id": None if there else row["id"]}).pk
            numbers[row["id"]] = (number, False)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Request, AuditEntry]):
            cursor.execute(sql)
        if connection.vendor == "postgresql" and rights.last_request_number:
            # Never give out again a number the current database gave (to a request since
            # deleted, say): the person was told it.
            highest = Request.objects.aggregate(highest=Max("pk"))["highest"] or 1
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(%s, %s))",
                [Request._meta.db_table, rights.last_request_number, highest],
            )
    return numbers


def _erasures_reapply(rights: _Rights, numbers, *, now) -> list[int]:
    """Erasures done since the backup: the person is erased again."""
    from core.providers import providers
    from dpo_requests.models import Request

    # Carried out, not merely closed (an erasure forwarded to the client erased nothing).
    executed = {
        entry["object_id"]
        for entry in rights.audit
        if entry["action"] == "erasure_executed"
        and entry["object_type"] == Request._meta.label_lower
    }
    reapplied = []
    for row in rights.requests:
        number, done_before = numbers[row["id"]]
        if str(row["id"]) in executed and not done_before:
            for provider in providers():
                provider.erase(email=row["email"], now=now)
            reapplied.append(number)
    return reapplied


def _audit_carry(rights: _Rights, numbers) -> None:
    """The audit log is append-only: entries the backup lacks are put back."""

    request_type = Request._meta.label_lower
    users = set(get_user_model().objects.values_list("pk", flat=True))
    known = set(AuditEntry.objects.values_list("at", "action", "object_type", "object_id"))
    missing = []
    for entry in rights.audit:
        object_id = entry["object_id"]
        if entry["object_type"] == request_type and object_id.isdigit():
            object_id = str(numbers.get(int(object_id), (int(object_id),))[0])
        key = (entry["at"], entry["action"], entry["object_type"], object_id)
        if key not in known:
            actor = entry["actor_id"] if entry["actor_id"] in users else None
            missing.append(AuditEntry(**{**entry, "object_id": object_id, "actor_id": actor}))
    AuditEntry.objects.bulk_create(missing)


def _policy_versions_carry(rights: _Rights) -> None:
    from consent.models import PolicyVersion

    known = set(PolicyVersion.objects.values_list("number", flat=True))
    dates = set(PolicyVersion.objects.values_list("published_on", flat=True))
    PolicyVersion.objects.bulk_create(
        PolicyVersion(**row)
        for row in rights.policy_versions
        if row["number"] not in known and row["published_on"] not in dates
    )


def _consents_carry(rights: _Rights) -> int:
    """Consent choices the backup lacks, recorded again in the order they were made,
    through the same service (so an objection suppresses the address and consenting
    again lifts it). Returns how many withdrawals or objections were carried."""
    from consent.models import ConsentRecord, PolicyVersion
    from consent.services import consent_record

    known = set(ConsentRecord.objects.values_list("email", "purpose", "action", "at"))
    versions = {version.number: version for version in PolicyVersion.objects.all()}
    count = 0
    for row in rights.consents:
        key = (row["email"], row["purpose"], row["action"], row["at"])
        if key in known:
            continue
        consent_record(
            email=row["email"],
            purpose=row["purpose"],
            action=row["action"],
            channel=row["channel"],
            at=row["at"],
            note=row["note"],
            policy_version=versions.get(row["policy_version__number"]),
        )
        count += row["action"] != ConsentRecord.Action.GIVEN
    return count


def _suppressions_carry(rights: _Rights) -> int:
    """Opt-outs the backup lacks are added; none is removed here (consenting again, the
    only way one is lifted, was replayed with the consent history)."""
    from consent.models import Suppression

    there = set(Suppression.objects.values_list("address_hash", "purpose"))
    missing = [
        row for row in rights.suppressions if (row["address_hash"], row["purpose"]) not in there
    ]
    Suppression.objects.bulk_create(Suppression(**row) for row in missing)
    return len(missing)


def _sensitive_state_carry(rights: _Rights) -> int:
    """Allergy and disability values the current database no longer holds (withdrawn,
    erased, purged since the backup) are removed from the backup's rows too. Only rows
    the current database has known (keys up to its highest) are compared: after a
    disaster, an empty database says nothing. Returns how many rows changed."""

    state = rights.sensitive
    if state is None:
        return 0

    def isnull(field):
        return ExpressionWrapper(Q(**{f"{field}__isnull": True}), output_field=BooleanField())

    rows = (
        SensitiveNeeds.objects.filter(pk__lte=state.highest_key)
        .annotate(no_a=isnull("food_allergies"), no_d=isnull("disability_adaptations"))
        .values_list("pk", "no_a", "no_d")
    )
    gone, clear_a, clear_d = [], [], []
    for pk, no_a, no_d in rows.iterator():
        if pk not in state.keys:
            gone.append(pk)
            continue
        if not no_a and pk in state.no_allergies:
            clear_a.append(pk)
        if not no_d and pk in state.no_disability:
            clear_d.append(pk)
    for start in range(0, max(len(gone), len(clear_a), len(clear_d)), 500):
        SensitiveNeeds.objects.filter(pk__in=gone[start : start + 500]).delete()
        SensitiveNeeds.objects.filter(pk__in=clear_a[start : start + 500]).update(
            food_allergies=None, allergies_consent_at=None
        )
        SensitiveNeeds.objects.filter(pk__in=clear_d[start : start + 500]).update(
            disability_adaptations=None, disability_consent_at=None
        )
    return len(gone) + len(set(clear_a) | set(clear_d))


def _holds_carry(rights: _Rights) -> int:
    """Holds placed since the backup come back; holds lifted since stay lifted."""
    in_backup = {(h.email, h.kind, h.created_at): h for h in Hold.objects.all()}
    changed = 0
    for row in rights.holds:
        there = in_backup.get((row["email"], row["kind"], row["created_at"]))
        if there is None:
            Hold.objects.create(**row)
            changed += 1
        elif row["lifted_at"] and there.lifted_at is None:
            Hold.objects.filter(pk=there.pk).update(lifted_at=row["lifted_at"])
            changed += 1
    return changed


def encrypted_values_check(*, batch_size: int = 2000) -> int:
    """Decrypt every encrypted value in the database with the configured keys; returns
    how many there are, or raises ``BackupError`` (naming no value) if one is unreadable.
    Every encrypted column is found by walking the models (sensitive needs, and those of
    registrations awaiting confirmation)."""
    from core.encryption import DecryptionError, encrypted_fields

    count = 0
    for model, columns in encrypted_fields():
        fields = [field.name for field in columns]
        last = None
        while True:
            keyset = model._default_manager.order_by("pk")
            if last is not None:
                keyset = keyset.filter(pk__gt=last)
            try:
                # Reading the fields decrypts them, with every configured key in turn.
                rows = list(keyset.values_list("pk", *fields)[:batch_size])
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
            if not rows:
                break
            count += sum(value is not None for row in rows for value in row[1:])
            last = rows[-1][0]
    return count
