"""What the retention schedule (core/schedule.py) deletes among the kernel's records and
Django's own: ended holds, sent emails, the admin's change history, expired sessions, the
audit log's oldest entries."""

import datetime

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone

from core.models import AuditEntry, Disclosure, Hold, OutboxEmail
from core.periods import months_before, years_before

Status = OutboxEmail.Status


def holds_ended_due(*, now: datetime.datetime):
    """Holds lifted, or ended by their date, before the proof period."""
    years = settings.RETENTION["CONSENT_PROOF_YEARS"]
    cutoff = years_before(timezone.localdate(now), years)
    return Hold.objects.filter(
        Q(lifted_at__date__lt=cutoff) | Q(lifted_at__isnull=True, until__lt=cutoff)
    )


def purge_ended_holds(*, ids, now: datetime.datetime) -> int:
    """The record of a restriction or legal hold is proof for 5 years after it ended."""
    return Hold.objects.filter(pk__any_of=ids).delete()[0]


def outbox_kept_due(*, now: datetime.datetime):
    """Emails done with (sent, or given up) for longer than settings.OUTBOX_KEEP_DAYS:
    they hold addresses and bodies, and are no longer needed. Pending ones stay."""
    cutoff = now - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    return OutboxEmail.objects.filter(
        Q(status=Status.SENT, sent_at__lt=cutoff) | Q(status=Status.FAILED, created_at__lt=cutoff)
    )


def purge_outbox(*, ids, now: datetime.datetime) -> int:
    """An email sent (or given up) is kept a few days, to answer "did you send it?",
    then deleted: it holds an address and what we wrote (settings.OUTBOX_KEEP_DAYS)."""
    return OutboxEmail.objects.filter(pk__any_of=ids).delete()[0]


def admin_history_due(*, now: datetime.datetime):
    """Admin change-history entries older than RETENTION_ADMIN_HISTORY_MONTHS."""
    months = settings.RETENTION["ADMIN_HISTORY_MONTHS"]
    return LogEntry.objects.filter(action_time__lt=months_before(now, months))


def purge_admin_history(*, ids, now: datetime.datetime) -> int:
    """The admin's change history names the records it changed (people's names): it is
    kept as a staff accountability trail for 12 months, like access logs."""
    return LogEntry.objects.filter(pk__any_of=ids).delete()[0]


def sessions_expired_due(*, now: datetime.datetime):
    """Login sessions past their expiry."""
    return Session.objects.filter(expire_date__lt=now)


def purge_expired_sessions(*, ids, now: datetime.datetime) -> int:
    """Login sessions are deleted once expired (what Django's clearsessions does, on
    the schedule). Session keys are text, not numbers."""
    return Session.objects.filter(pk__in=ids).delete()[0]


def disclosures_due(*, now: datetime.datetime):
    """Records of data sent to recipients longer ago than the proof period."""
    years = settings.RETENTION["CONSENT_PROOF_YEARS"]
    return Disclosure.objects.filter(at__date__lt=years_before(timezone.localdate(now), years))


def purge_disclosures(*, ids, now: datetime.datetime) -> int:
    """Who received a person's data is kept as proof for the limitation period (5 years,
    Code civil 2224) after it was sent, then deleted."""
    return Disclosure.objects.filter(pk__any_of=ids).delete()[0]


def audit_log_due(*, now: datetime.datetime):
    """Audit entries older than RETENTION_AUDIT_LOG_YEARS."""
    years = settings.RETENTION["AUDIT_LOG_YEARS"]
    return AuditEntry.objects.filter(at__date__lt=years_before(timezone.localdate(now), years))


def purge_audit_log(*, ids, now: datetime.datetime) -> int:
    """The audit log accounts for requests and proofs kept 5 years (the limitation
    period): once those are gone, so are its entries about them. Nothing else deletes it."""
    return AuditEntry.objects.filter(pk__any_of=ids).delete()[0]
