"""Runs the retention schedule: one rule after another, under a lease so that two runs
never overlap, each logged with its counts (never the data)."""

import datetime
import logging
import time
import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.purge import PurgeResult, rule_apply
from core.schedule import BY_NAME, RULES
from retention.approvals import pending_clear, rule_apply_approved, rules_waiting
from retention.forecasts import forecast_store
from retention.models import JobLock, ManualRun, NightlyRun, PurgeLog

logger = logging.getLogger(__name__)
LOCK = "retention"
# Longer than the task may run (retention/tasks.py): a worker that dies leaves the lease,
# which its task, delivered again, takes over, or which expires.
LEASE = datetime.timedelta(hours=3)


class RetentionBusy(Exception):
    """Another run holds the lease."""


def lease_take(*, name: str, holder: str, now: datetime.datetime) -> bool:
    """Take the named lease if it is free, expired, or already ours (the same task,
    delivered again after its worker died)."""
    expires = now + LEASE
    taken = JobLock.objects.filter(Q(expires_at__lt=now) | Q(holder=holder), name=name).update(
        holder=holder, expires_at=expires
    )
    if taken:
        return True
    try:
        with transaction.atomic():
            JobLock.objects.create(name=name, holder=holder, expires_at=expires)
        return True
    except IntegrityError:
        return False


def lease_release(*, name: str, holder: str) -> None:
    """Give the lease back (only its holder can)."""
    JobLock.objects.filter(name=name, holder=holder).delete()


def leases_clear() -> None:
    """Drop every lease: only on a database no job sees (a restore's scratch copy)."""
    JobLock.objects.all().delete()


def retention_run(
    *,
    now: datetime.datetime,
    rules: list[str] | None = None,
    dry_run: bool = False,
    progress=None,
    holder: str | None = None,
) -> dict[str, PurgeResult]:
    """Apply the schedule's rules (all, or those named); returns their results.

    A dry run changes nothing and logs nothing: it says what a run would do. A real run
    writes one purge-log entry per rule, also when a rule fails (the others still run).
    """
    selected = [BY_NAME[name] for name in rules] if rules else RULES
    if dry_run:
        return _rules_apply(selected, now=now, dry_run=True, progress=progress)
    holder = holder or uuid.uuid4().hex
    if not lease_take(name=LOCK, holder=holder, now=now):
        raise RetentionBusy("another retention run is in progress")
    try:
        results = _rules_apply(selected, now=now, dry_run=False, progress=progress)
        if not rules:
            _forecast(now=timezone.now())
        return results
    finally:
        lease_release(name=LOCK, holder=holder)


def retention_run_nightly(*, now: datetime.datetime, holder: str) -> dict[str, PurgeResult] | None:
    """The scheduled run: every rule, once per night (the local date of ``now``); None
    if tonight's run is already done.

    A second beat, or the task delivered twice, finds the night done. The check and the
    record are made under the lease: a task that takes the lease after the first run
    released it finds the record. The same task delivered again after its worker died
    takes its lease over and finishes the night (every rule is idempotent).
    """
    night = timezone.localdate(now)
    if not lease_take(name=LOCK, holder=holder, now=now):
        raise RetentionBusy("another retention run is in progress")
    try:
        if NightlyRun.objects.filter(night=night).exists():
            logger.info("Retention: the run of %s is already done.", night)
            return None
        results = _rules_apply(RULES, now=now, dry_run=False, progress=None)
        # The DPO's pages read the forecast; the night counts as done once it is stored.
        _forecast(now=timezone.now())
        NightlyRun.objects.create(night=night, holder=holder, finished_at=timezone.now())
    finally:
        lease_release(name=LOCK, holder=holder)
    return results


def _rules_apply(selected, *, now, dry_run, progress) -> dict[str, PurgeResult]:
    results = {}
    # The rules the DPO set to wait for approval (retention/approvals.py).
    waiting = rules_waiting()
    for rule in selected:
        started, clock = timezone.now(), time.monotonic()
        apply = rule_apply_approved if rule.name in waiting else rule_apply
        try:
            result = apply(
                rule,
                now=now,
                dry_run=dry_run,
                progress=(lambda n, name=rule.name: progress(name, n)) if progress else None,
            )
        except SoftTimeLimitExceeded:
            raise
        except Exception as error:
            # The class only: a message or traceback could quote data.
            logger.error("Retention rule %s failed (%s).", rule.name, type(error).__name__)
            if not dry_run:
                _log(rule.name, started, clock, PurgeResult(0), PurgeLog.Outcome.FAILED, error)
            continue
        results[rule.name] = result
        if not dry_run:
            if rule.name not in waiting:
                pending_clear(rule)
            _log(rule.name, started, clock, result, PurgeLog.Outcome.DONE)
    return results


def _log(rule, started, clock, result, outcome, error=None):
    PurgeLog.objects.create(
        rule=rule,
        started_at=started,
        duration_ms=int((time.monotonic() - clock) * 1000),
        affected=result.affected,
        held=result.held,
        pending=result.pending,
        outcome=outcome,
        error=type(error).__name__ if error else "",
    )


def _forecast(*, now):
    # After the night's purges: what the DPO's pages show until the next run. A failure
    # costs only that the first page opened counts it again.
    try:
        forecast_store(now=now)
    except SoftTimeLimitExceeded:
        raise
    except Exception as error:
        logger.error("Retention forecast failed (%s).", type(error).__name__)


def manual_run_request(*, actor, now: datetime.datetime, rules: list[str] | None = None):
    """Queue a run of the schedule (every rule, or those named) asked for by the DPO;
    the worker's task runs it (retention/tasks.py), under the nightly run's lease."""
    return ManualRun.objects.create(requested_at=now, requested_by=actor, rules=rules or [])


def manual_run_perform(*, run_id: int, holder: str) -> None:
    """Run what the DPO asked for, through retention_run; the counts per rule, or that
    another run held the lease, are kept on the request."""
    run = ManualRun.objects.get(pk=run_id)
    if run.state != ManualRun.State.QUEUED:
        return  # delivered twice
    try:
        results = retention_run(now=timezone.now(), rules=run.rules or None, holder=holder)
    except RetentionBusy:
        run.state = ManualRun.State.BUSY
    else:
        run.state = ManualRun.State.DONE
        run.counts = {
            name: {"affected": r.affected, "held": r.held, "pending": r.pending}
            for name, r in results.items()
        }
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "counts", "finished_at"])
