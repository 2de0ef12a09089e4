"""Which encryption keys each kept backup needs, so that an old key is removed from
CRYPTOGRAPHY_KEY only once no backup still holds values made with it.

Two sources, each for what it can tell:

- the backup itself, read without restoring it: the ciphertexts of every encrypted
  column (found by walking the models) are read straight from the file (the COPY data
  of those tables through ``pg_restore --data-only``, or the SQLite copy opened
  read-only) and each is matched to a configured key by its signature. This is the
  truth, for any backup, with or without a manifest; but a value under a key that is no
  longer configured can only be counted, not named (naming it needs the key);
- a small manifest written beside each backup when it is taken (``FILE.keys.json``):
  the fingerprint of every key its values were made with, and how many, read from the
  file just written. It names a key after that key has left the configuration, so that
  the operator knows which one to put back. The manifest is checked against the file:
  should they disagree, the check says so.

Only fingerprints and counts are written or printed: never a key, never a value.
"""

import dataclasses
import json
import os
import re
import sqlite3
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from backups.databases import pg_env, tool
from backups.errors import BackupError
from backups.rotation import encryption_status
from core.encryption import Keyring, encrypted_fields

MANIFEST_SUFFIX = ".keys.json"
UNKNOWN = "unknown"  # a manifest's name for values no key configured at the time made

_COPY = re.compile(r'^COPY (?:[\w"]+\.)?"?(\w+)"? \((.*)\) FROM stdin;$')


@dataclasses.dataclass(frozen=True)
class BackupKeys:
    """What one backup needs: values per configured key (in CRYPTOGRAPHY_KEY's order),
    values no configured key made, and what its manifest names for those."""

    path: Path
    by_key: tuple[int, ...]
    unreadable: int
    missing: tuple[str, ...]  # fingerprints the manifest names that are not configured
    manifest: bool
    manifest_agrees: bool

    @property
    def values(self) -> int:
        return sum(self.by_key) + self.unreadable


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def backups_kept() -> list[Path]:
    """The backups in BACKUP_DIR, oldest first (their names carry the time taken)."""
    directory = Path(settings.BACKUP_DIR)
    return sorted(directory.glob("*.backup")) if directory.is_dir() else []


def backup_manifest_write(path: Path) -> dict:
    """Write the manifest of the backup at ``path`` (readable by its owner only), from
    the ciphertexts in the file itself; returns it."""
    keyring = Keyring.configured()
    used = Counter(keyring.position(token) for token in backup_ciphertexts(path))
    manifest = {
        "keys": {
            keyring.fingerprints[n]: count for n, count in sorted(used.items()) if n is not None
        },
        UNKNOWN: used.get(None, 0),
    }
    target = manifest_path(path)
    target.unlink(missing_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(manifest, file, indent=1)
    return manifest


def backup_keys_check(paths: list[Path]) -> list[BackupKeys]:
    """For each backup, which configured keys its values need and what is missing."""
    keyring = Keyring.configured()
    configured = set(keyring.fingerprints)
    report = []
    for path in paths:
        used = Counter(keyring.position(token) for token in backup_ciphertexts(path))
        by_key = tuple(used.get(n, 0) for n in range(len(keyring.fingerprints)))
        manifest = _manifest_read(path)
        named = manifest.get("keys", {}) if manifest else {}
        missing = tuple(fp for fp, count in named.items() if count and fp not in configured)
        agrees = manifest is None or (
            all(named.get(fp, 0) == n for fp, n in zip(keyring.fingerprints, by_key, strict=True))
            and sum(named.values()) + manifest.get(UNKNOWN, 0) == sum(used.values())
        )
        report.append(
            BackupKeys(path, by_key, used.get(None, 0), missing, manifest is not None, agrees)
        )
    return report


@dataclasses.dataclass(frozen=True)
class KeyNeeds:
    """Who still needs one configured key: "the database" and the backups' file names."""

    number: int  # its place in CRYPTOGRAPHY_KEY, from 1 (the one that encrypts)
    fingerprint: str
    needed_by: tuple[str, ...]


def keys_needed(backups: list[BackupKeys]) -> list[KeyNeeds]:
    """For each configured key, what needs it: the database, and which of ``backups``."""
    in_database = [sum(n) for n in zip(*(c.by_key for c in encryption_status()), strict=True)]
    needs = []
    for n, fingerprint in enumerate(Keyring.configured().fingerprints):
        users = ["the database"] if in_database and in_database[n] else []
        users += [backup.path.name for backup in backups if backup.by_key[n]]
        needs.append(KeyNeeds(n + 1, fingerprint, tuple(users)))
    return needs


def _manifest_read(path: Path) -> dict | None:
    try:
        manifest = json.loads(manifest_path(path).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}  # unreadable: the file's own contents still decide
    return manifest if isinstance(manifest, dict) else {}


# --- Reading ciphertexts out of a backup file, without restoring it ------------------


def backup_ciphertexts(path: Path) -> Iterator[bytes]:
    """Every non-null value of every encrypted column in the backup, as stored."""
    columns = {
        model._meta.db_table: {field.column for field in fields}
        for model, fields in encrypted_fields()
    }
    try:
        with open(path, "rb") as file:
            magic = file.read(16)
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from None
    if magic.startswith(b"PGDMP"):
        return _pg_ciphertexts(path, columns)
    if magic.startswith(b"SQLite format 3"):
        return _sqlite_ciphertexts(path, columns)
    raise BackupError(f"{path} is not a backup made by 'backup create'.")


def _pg_ciphertexts(path: Path, columns: dict[str, set[str]]) -> Iterator[bytes]:
    """The COPY data of the tables holding encrypted columns, streamed from pg_restore
    (which reads the file; nothing is loaded into a database)."""
    tables = [f"--table={table}" for table in columns]
    command = [tool("pg_restore"), "--data-only", "--file=-", *tables, str(path)]
    with tempfile.TemporaryFile() as errors:
        # The tool's own path, fixed options, names from the models: no outside input.
        process = subprocess.Popen(  # noqa: S603
            command, env=pg_env(), stdout=subprocess.PIPE, stderr=errors, text=True,
            encoding="utf-8", errors="replace",
        )  # fmt: skip
        try:
            yield from _copy_values(process.stdout, columns)
        finally:
            process.stdout.close()
            code = process.wait()
        if code != 0:
            errors.seek(0)
            last = errors.read().decode(errors="replace").strip().splitlines()[-1:]
            raise BackupError(f"pg_restore cannot read {path}: {''.join(last)[:200]}")


def _copy_values(lines, columns: dict[str, set[str]]) -> Iterator[bytes]:
    wanted = None  # positions of the encrypted columns in the current COPY block
    for line in lines:
        line = line.rstrip("\n")
        if wanted is None:
            match = _COPY.match(line)
            if match and match[1] in columns:
                names = [name.strip().strip('"') for name in match[2].split(",")]
                wanted = [i for i, name in enumerate(names) if name in columns[match[1]]]
            continue
        if line == "\\.":
            wanted = None
            continue
        cells = line.split("\t")  # a tab inside a value is written \t
        for i in wanted:
            if cells[i] != "\\N":
                yield _bytea(cells[i])


def _bytea(cell: str) -> bytes:
    # bytea in COPY text: hex output ("\x…"), its backslash doubled by COPY's escaping.
    if not cell.startswith("\\\\x"):
        raise BackupError("unexpected bytea format in the backup (expected hex output).")
    return bytes.fromhex(cell[3:])


def _sqlite_ciphertexts(path: Path, columns: dict[str, set[str]]) -> Iterator[bytes]:
    def quote(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            for table, wanted in columns.items():
                there = {row[1] for row in source.execute(f"PRAGMA table_info({quote(table)})")}
                for column in sorted(wanted & there):
                    rows = source.execute(
                        f"SELECT {quote(column)} FROM {quote(table)} "  # noqa: S608
                        f"WHERE {quote(column)} IS NOT NULL"
                    )
                    for (value,) in rows:
                        yield bytes(value)
        finally:
            source.close()
    except sqlite3.DatabaseError:
        raise BackupError(f"{path} is not a backup made by 'backup create'.") from None
