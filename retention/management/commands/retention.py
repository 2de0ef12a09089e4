"""The retention schedule from the command line: the same services as the beat job."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.schedule import BY_NAME
from retention.forecasts import retention_forecast
from retention.services import RetentionBusy, retention_run

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Apply the retention schedule (core/schedule.py): 'run' deletes, erases or "
        "archives what each rule says is due (--dry-run only counts it); 'forecast' says, "
        "per rule, how many records fall due within N days."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="apply the rules now")
        run.add_argument(
            "--rule", action="append", choices=sorted(BY_NAME), help="only this rule (repeatable)"
        )
        run.add_argument("--dry-run", action="store_true", help="count what is due; change nothing")
        forecast = sub.add_parser("forecast", help="what falls due within N days")
        forecast.add_argument("--days", type=int, default=30)

    def handle(self, *args, action, **options):
        if action == "forecast":
            self._forecast(options["days"])
        else:
            self._run(options["rule"], options["dry_run"])

    def _run(self, rules, dry_run):
        done = {}
        now = timezone.now()
        # What each rule has to do, counted first (a dry run), so that the bar knows its end.
        totals = {} if dry_run else retention_run(now=now, rules=rules, dry_run=True)

        def progress(rule, count):
            if done and rule not in done:
                sys.stderr.write("\n")  # the previous rule's bar stays on its line
            done[rule] = done.get(rule, 0) + count
            total = max(totals[rule].affected if rule in totals else 0, done[rule], 1)
            filled = BAR_WIDTH * done[rule] // total
            sys.stderr.write(
                f"\r  {rule:22} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
                f"{100 * done[rule] // total:>3}% ({done[rule]:,}/{total:,})"
            )
            sys.stderr.flush()

        try:
            results = retention_run(now=now, rules=rules, dry_run=dry_run, progress=progress)
        except RetentionBusy as error:
            raise CommandError(str(error)) from error
        if done:
            sys.stderr.write("\n")
        verb = "would be affected" if dry_run else "affected"
        for name, result in results.items():
            self.stdout.write(f"{name:22} {result.affected:>8} {verb}, {result.held:>5} held")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")

    def _forecast(self, days):
        self.stdout.write(f"{'rule':22} {'due now':>8} {f'due in {days} d':>12}")
        for name, now_due, later_due in retention_forecast(now=timezone.now(), days=days):
            self.stdout.write(f"{name:22} {now_due:>8} {later_due:>12}")
