"""Backups: take one, restore one (re-applying the rights exercised since), or check
that the configured keys read every encrypted value and say which keys each kept backup
needs."""

import json
import signal
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from backups.keys import backup_keys_check, backups_kept, keys_needed, manifest_path
from backups.services import BackupError, backup_create, backup_restore, encrypted_values_check


class Command(BaseCommand):
    help = (
        "'create' writes a backup of the database (pg_dump custom format, or SQLite's "
        "online backup) readable by its owner only; 'restore FILE' puts one back, then "
        "re-applies erasures, opt-outs and holds the backup predates and runs the "
        "retention schedule; 'check' decrypts every encrypted value with the configured "
        "keys and says which keys each kept backup (BACKUP_DIR, or the files given) "
        "needs, failing if one needs a key no longer configured. Backups hold encrypted "
        "data as ciphertext: keep CRYPTOGRAPHY_KEY apart."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="write a backup")
        create.add_argument("--output", type=Path, help="file to write (default: BACKUP_DIR)")
        restore = sub.add_parser("restore", help="replace the database with a backup")
        restore.add_argument("file", type=Path)
        restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        check = sub.add_parser(
            "check", help="decrypt every value; say which keys each kept backup needs"
        )
        check.add_argument("files", nargs="*", type=Path, help="backups (default: BACKUP_DIR)")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except BackupError as error:
            raise CommandError(str(error)) from error

    def _create(self, output=None, **options):
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        path = output or Path(settings.BACKUP_DIR) / f"formation-{stamp}.backup"
        backup_create(path=path)
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size:,} bytes, mode 600).")
        keys = json.loads(manifest_path(path).read_text())["keys"]
        self.stdout.write(
            f"Keys its encrypted values need: {', '.join(keys) or 'none'} "
            f"(written in {manifest_path(path).name}, kept beside it)."
        )
        self.stdout.write(
            "Encrypted data is in it as ciphertext: keep CRYPTOGRAPHY_KEY apart from it."
        )

    def _restore(self, file, yes=False, **options):
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("Restoring replaces the whole database: add --yes.")
            answer = input(
                f"Replace the whole database with {file}? Stop the web app, the worker and "
                "beat first. Type 'yes': "
            )
            if answer.strip() != "yes":
                raise CommandError("Nothing was restored.")
        # Stopped by a service manager (SIGTERM) or a lost terminal (SIGHUP): unwind like Ctrl-C, so that the current
        # database lets connections in again and the scratch database is dropped.
        stops = (signal.SIGTERM, signal.SIGHUP)
        previous = {stop: signal.signal(stop, _interrupt) for stop in stops}
        try:
            report = backup_restore(path=file, now=timezone.now())
        finally:
            for stop, handler in previous.items():
                signal.signal(stop, handler)
        numbers = ", ".join(f"#{n}" for n in report.erasures_reapplied) or "none"
        self.stdout.write(f"Restored from {file}.")
        self.stdout.write(f"Erasures done since the backup, applied again: {numbers}.")
        self.stdout.write(f"Consent withdrawals applied again: {report.withdrawals_reapplied}.")
        self.stdout.write(
            "Allergy or disability records brought in line with the current database: "
            f"{report.sensitive_rows_cleared}."
        )
        self.stdout.write(f"Suppression list changes carried over: {report.suppressions_kept}.")
        self.stdout.write(f"Holds placed or lifted since, carried over: {report.holds_kept}.")
        purged = sum(report.retention.values())
        self.stdout.write(f"Retention schedule applied: {purged} records past their period.")
        self.stdout.write(
            f"Encrypted values readable with the configured keys: {report.encrypted_values}."
        )

    def _check(self, files=(), **options):
        count = encrypted_values_check()
        self.stdout.write(f"Encrypted values readable with the configured keys: {count}.")
        paths = list(files) or backups_kept()
        where = "given" if files else f"in {settings.BACKUP_DIR}"
        self.stdout.write(f"Backups {where}: {len(paths)}.")
        backups = backup_keys_check(paths)
        keys = keys_needed(backups)
        for backup in backups:
            needs = [
                f"{key.fingerprint} (key {key.number}, {n:,} values)"
                for key, n in zip(keys, backup.by_key, strict=True)
                if n
            ]
            if backup.unreadable:
                named = ", ".join(backup.missing) or "a key no manifest names"
                needs.append(f"{named}: NOT CONFIGURED ({backup.unreadable:,} values)")
            self.stdout.write(f"  {backup.path.name}: needs {', '.join(needs) or 'no key'}")
            if not backup.manifest_agrees:
                self.stderr.write(
                    f"  {backup.path.name}: its manifest does not match the backup's contents "
                    "(the contents count)."
                )
        for key in keys:
            if key.needed_by:
                users = ", ".join(key.needed_by)
                self.stdout.write(f"Key {key.number} ({key.fingerprint}) is needed by: {users}.")
            elif key.number > 1:
                self.stdout.write(
                    f"Key {key.number} ({key.fingerprint}) is needed by nothing kept: "
                    "it may be removed."
                )
        short = [backup.path.name for backup in backups if backup.unreadable]
        if short:
            raise CommandError(
                f"Kept backups need a key no longer in CRYPTOGRAPHY_KEY: {', '.join(short)}. "
                "Put that key back (behind the first), or delete those backups once they "
                "are past their retention."
            )


def _interrupt(signum, frame):
    raise KeyboardInterrupt
