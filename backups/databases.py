"""The database plumbing of a backup and a restore, on PostgreSQL (``pg_dump``,
``pg_restore``, a scratch database beside the current one, swapped in by renaming) and
on SQLite (its online backup, a scratch file beside the current one, swapped in by
``os.replace``)."""

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection

from backups.errors import NOTHING_RESTORED, BackupError


def pg_env() -> dict:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client).")
    return path


def _run(command: list[str]) -> subprocess.CompletedProcess:
    # The tool's own path, fixed options, and names from settings: no outside input.
    return subprocess.run(command, env=pg_env(), capture_output=True, text=True)  # noqa: S603


def database_dump(path: Path) -> None:
    """The whole database into ``path`` (which exists, empty): pg_dump's custom format, or
    SQLite's online backup."""
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        done = _run(
            [tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
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


def sequence_last_value(model) -> int:
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


@contextlib.contextmanager
def pointed_at(name: str):
    """The default connection on another database of the same server (or file)."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


# --- PostgreSQL ----------------------------------------------------------------------


def pg_check(path: Path) -> None:
    if _run([tool("pg_restore"), "--list", str(path)]).returncode != 0:
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


def pg_leftovers_refuse(scratch: str, live: str) -> None:
    """Refuse to start over what an interrupted restore left (the operator decides)."""
    for name in (scratch, f"{live}__before_restore"):
        if _pg_exists(name):
            raise BackupError(
                f"{NOTHING_RESTORED}: a database named {name} exists (left by an "
                f"interrupted restore?). Drop it first: DROP DATABASE {name};"
            )


@contextlib.contextmanager
def app_shut_out(live: str):
    """No one else connects to the database from the moment its rights are read until
    the backup has replaced it: a request carried out meanwhile would be lost."""
    quoted = connection.ops.quote_name(live)
    _connections_allowed_or_refuse(live)
    try:
        connection.ensure_connection()  # ours, opened before the door closes
    except DatabaseError:
        raise BackupError(
            f"{NOTHING_RESTORED}: cannot connect to the database {live}. After a disaster, "
            "create it (empty) first, then restore into it."
        ) from None
    _pg_admin(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS false")
    try:
        _alone_or_refuse()
        yield
    finally:
        # The database that now bears the name: the restored one, or the untouched one.
        connection.close()
        _pg_admin(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS true")


def _connections_allowed_or_refuse(live: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datallowconn FROM pg_database WHERE datname = %s", [live])
        row = cursor.fetchone()
    if row == (False,):
        raise BackupError(
            f"{NOTHING_RESTORED}: the database {live} lets no one connect, as a restore that "
            f"was killed leaves it. Its data is intact: run ALTER DATABASE {live} "
            "ALLOW_CONNECTIONS true; then restore again."
        )


def _alone_or_refuse() -> None:
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


def pg_create(scratch: str, path: Path) -> None:
    """The backup into a new, empty database, by pg_restore alone, in one transaction."""
    _pg_admin(f"CREATE DATABASE {connection.ops.quote_name(scratch)}")
    done = _run(
        [tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
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


def pg_swap(scratch: str, live: str) -> None:
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


def pg_drop(scratch: str) -> None:
    connection.close()
    with contextlib.suppress(BackupError):
        _pg_admin(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(scratch)} WITH (FORCE)")


# --- SQLite --------------------------------------------------------------------------


def sqlite_check(path: Path) -> None:
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


def sqlite_create(scratch: str, path: Path) -> None:
    Path(scratch).unlink(missing_ok=True)
    source, target = sqlite3.connect(f"file:{path}?mode=ro", uri=True), sqlite3.connect(scratch)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def sqlite_swap(scratch: str, live: str) -> None:
    connection.close()
    if Path(live).exists():  # the restored file keeps the database file's permissions
        shutil.copymode(live, scratch)
    os.replace(scratch, live)


def sqlite_drop(scratch: str) -> None:
    Path(scratch).unlink(missing_ok=True)
