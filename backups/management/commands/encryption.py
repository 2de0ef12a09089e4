"""Key rotation from the command line (see SECURITY.md for the whole procedure)."""

import argparse
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from backups.rotation import RotationError, encryption_rotate, encryption_rows, encryption_status
from core.encryption import Keyring

BAR_WIDTH = 30


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of rows, at least 1 (not {text!r})")
    return value


class Command(BaseCommand):
    help = (
        "'rotate' re-encrypts every encrypted value with the first key of CRYPTOGRAPHY_KEY, "
        "in batches of --batch-size rows, each its own transaction: stopped at any point, "
        "every value still reads with the configured keys, and running it again finishes "
        "the job. 'status' counts the values under each configured key (by fingerprint)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser("rotate", help="re-encrypt every value with the first key")
        rotate.add_argument("--batch-size", type=_positive, default=500)
        sub.add_parser("status", help="how many values are under each key")

    def handle(self, *args, action, **options):
        self._keys()
        try:
            if action == "status":
                self._status()
            else:
                self._rotate(options["batch_size"])
        except DatabaseError as error:
            raise CommandError(
                f"The database cannot be read ({type(error).__name__}): it cannot be reached, "
                "or has no tables yet (run 'migrate' first). Batches done so far are kept."
            ) from None

    def _keys(self):
        fingerprints = Keyring.configured().fingerprints
        listed = ", ".join(
            f"{n} {fp}" + (" (encrypts)" if n == 1 else "") for n, fp in enumerate(fingerprints, 1)
        )
        self.stdout.write(f"CRYPTOGRAPHY_KEY: {listed}.")

    def _rotate(self, batch_size):
        totals, done = encryption_rows(), {}

        def progress(model, count):
            if done and model not in done:
                sys.stderr.write("\n")  # the previous model's bar stays on its line
            done[model] = done.get(model, 0) + count
            total = max(totals.get(model, 0), done[model], 1)
            filled = BAR_WIDTH * done[model] // total
            sys.stderr.write(
                f"\r  {model:26} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
                f"{100 * done[model] // total:>3}% ({done[model]:,}/{total:,} rows)"
            )
            sys.stderr.flush()

        try:
            results = encryption_rotate(batch_size=batch_size, progress=progress)
        except RotationError as error:
            raise CommandError(str(error)) from error
        finally:
            if done:
                sys.stderr.write("\n")
        for model, result in results.items():
            self.stdout.write(
                f"{model:26} {result.reencrypted:>8} re-encrypted, "
                f"{result.already:>8} already under the first key"
            )
        self.stdout.write(
            "Every value is under the first key. Run 'backup check' before removing an old key."
        )

    def _status(self):
        fingerprints = Keyring.configured().fingerprints
        heads = "".join(f"{f'key {n} {fp}':>16}" for n, fp in enumerate(fingerprints, 1))
        self.stdout.write(f"{'column':48}{heads}{'no key':>10}")
        unreadable = 0
        for count in encryption_status():
            cells = "".join(f"{n:>16,}" for n in count.by_key)
            self.stdout.write(f"{count.column:48}{cells}{count.unreadable:>10,}")
            unreadable += count.unreadable
        if unreadable:
            raise CommandError(
                f"{unreadable} values cannot be read with any key of CRYPTOGRAPHY_KEY: "
                "add back the key they were made with."
            )
