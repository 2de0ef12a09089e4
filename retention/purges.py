"""Retention rules for data no app of ours owns: lifted holds, the admin's change history
(it names people), expired login sessions."""

import datetime

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone

from core.models import OutboxEmail
from core.outbox import outbox_kept_due
from retention.batches import PurgeResult, months_before, purge, years_before
from retention.models import Hold


def holds_ended_due(*, today: datetime.date):
    cutoff = years_before(today, settings.RETENTION["CONSENT_PROOF_YEARS"])
    return Hold.objects.filter(
        Q(lifted_at__date__lt=cutoff) | Q(lifted_at__isnull=True, until__lt=cutoff)
    )


def purge_ended_holds(*, now, batch_size: int, dry_run=False, progress=None):
    """The record of a restriction or legal hold is proof for 5 years after it ended."""
    today = timezone.localdate(now)
    return purge(
        holds_ended_due(today=today),
        lambda ids: Hold.objects.filter(pk__any_of=ids).delete()[0],
        today=today,
        email_path=None,
        batch_size=batch_size,
        dry_run=dry_run,
        progress=progress,
    )


def admin_history_due(*, now: datetime.datetime):
    return LogEntry.objects.filter(
        action_time__lt=months_before(now, settings.RETENTION["ADMIN_HISTORY_MONTHS"])
    )


def purge_admin_history(*, now, batch_size: int, dry_run=False, progress=None):
    """The admin's change history names the records it changed (people's names): it is
    kept as a staff accountability trail for 12 months, like access logs."""
    return purge(
        admin_history_due(now=now),
        lambda ids: LogEntry.objects.filter(pk__any_of=ids).delete()[0],
        today=timezone.localdate(now),
        email_path=None,
        batch_size=batch_size,
        dry_run=dry_run,
        progress=progress,
    )


def sessions_expired_due(*, now: datetime.datetime):
    return Session.objects.filter(expire_date__lt=now)


def purge_expired_sessions(*, now, batch_size: int, dry_run=False, progress=None):
    """Login sessions are deleted once expired (what Django's clearsessions does, on
    the schedule). Session keys are text, so batches go by key, not by number."""
    expired = sessions_expired_due(now=now)
    if dry_run:
        return PurgeResult(expired.count())
    deleted = 0
    while keys := list(expired.values_list("pk", flat=True)[:batch_size]):
        deleted += Session.objects.filter(pk__in=keys).delete()[0]
        if progress:
            progress(len(keys))
    return PurgeResult(deleted)


def purge_outbox(*, now, batch_size: int, dry_run=False, progress=None):
    """An email sent (or given up) is kept a few days, to answer "did you send it?",
    then deleted: it holds an address and what we wrote (settings.OUTBOX_KEEP_DAYS)."""
    return purge(
        outbox_kept_due(now=now),
        lambda ids: OutboxEmail.objects.filter(pk__any_of=ids).delete()[0],
        today=timezone.localdate(now),
        email_path="email",
        batch_size=batch_size,
        dry_run=dry_run,
        progress=progress,
    )
