"""Backups taken on a schedule (policy §7: regular backups): the beat job takes one at
BACKUP_SCHEDULE, keeps the newest BACKUP_KEEP in BACKUP_DIR and deletes the older ones
(with their key manifests), and records each run, so that the DPO's dashboard shows the
last good backup and any failure."""

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from backups.errors import BackupError
from backups.keys import backups_kept, manifest_path
from backups.models import BackupRun
from backups.services import backup_create
from retention.services import lease_release, lease_take

logger = logging.getLogger(__name__)
LEASE = "backup"
Outcome = BackupRun.Outcome


def backup_nightly(*, now: datetime.datetime, holder: str) -> BackupRun | None:
    """The scheduled backup, once a night (the local date of ``now``): None if another
    run holds the lease or tonight's backup is already taken (two beats, a redelivery)."""
    if not lease_take(name=LEASE, holder=holder, now=now):
        return None
    try:
        tonight = timezone.localdate(now)
        done = BackupRun.objects.filter(outcome=Outcome.DONE, started_at__date=tonight)
        return None if done.exists() else backup_scheduled(now=now)
    finally:
        lease_release(name=LEASE, holder=holder)


def backup_scheduled(*, now: datetime.datetime) -> BackupRun:
    """Take a backup into BACKUP_DIR, prune the oldest beyond BACKUP_KEEP, record the run.
    A failure is recorded (and logged, without personal data), never raised: the next
    night tries again, and the dashboard shows it meanwhile."""
    run = BackupRun.objects.create(started_at=now)
    path = Path(settings.BACKUP_DIR) / f"formation-{now:%Y%m%d-%H%M%S}.backup"
    try:
        backup_create(path=path)
        run.size_bytes = path.stat().st_size
        run.file_name, run.outcome = path.name, Outcome.DONE
        run.pruned = backups_prune(keep=settings.BACKUP_KEEP)
    except Exception as error:  # noqa: BLE001 - whatever failed is recorded and shown
        run.outcome = Outcome.FAILED
        # A BackupError names a path and a cause; other errors only by their kind.
        run.error = str(error)[:300] if isinstance(error, BackupError) else type(error).__name__
        logger.error("Scheduled backup failed: %s", run.error)
    run.finished_at = datetime.datetime.now(tz=datetime.UTC)
    run.save()
    return run


def backups_prune(*, keep: int) -> int:
    """Delete the oldest backups of BACKUP_DIR beyond the newest ``keep``, with their
    manifests; returns how many went."""
    old = backups_kept()[:-keep] if keep > 0 else []
    for path in old:
        path.unlink(missing_ok=True)
        manifest_path(path).unlink(missing_ok=True)
    return len(old)


def backup_status() -> dict:
    """The last successful backup and, if the latest run failed, that failure."""
    latest = BackupRun.objects.exclude(outcome=Outcome.RUNNING).first()
    good = BackupRun.objects.filter(outcome=Outcome.DONE).first()
    return {
        "last_good": good,
        "failed": latest if latest is not None and latest.outcome == Outcome.FAILED else None,
        "schedule": settings.BACKUP_SCHEDULE,
        "keep": settings.BACKUP_KEEP,
    }
