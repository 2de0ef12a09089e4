"""Retention rules for the DPO's own records (read by retention/schedule.py)."""

import datetime

from django.conf import settings
from django.utils import timezone

from core.purge import purge
from dpo_requests.models import Request


def unverified_requests_due(*, now: datetime.datetime):
    return Request.objects.filter(
        status=Request.Status.AWAITING_VERIFICATION,
        received_at__lt=now - datetime.timedelta(hours=settings.DSR_VERIFY_LINK_HOURS),
    )


def purge_unverified_requests(*, now, batch_size: int, dry_run=False, progress=None):
    """A request whose address was never confirmed is no request: gone once its link expired."""
    return purge(
        unverified_requests_due(now=now),
        lambda ids: Request.objects.filter(pk__any_of=ids).delete()[0],
        today=timezone.localdate(now),
        email_path=None,
        batch_size=batch_size,
        dry_run=dry_run,
        progress=progress,
    )


def request_exports_due(*, now: datetime.datetime):
    return Request.objects.exclude(export_file="").filter(export_expires_at__lt=now)


def purge_request_exports(*, now, batch_size: int, dry_run=False, progress=None):
    """An access or portability archive is deleted once its download period is over."""

    def delete(ids):
        folder = settings.PRIVATE_FILES_ROOT / "exports"
        for name in Request.objects.filter(pk__any_of=ids).values_list("export_file", flat=True):
            (folder / name).unlink(missing_ok=True)
        return Request.objects.filter(pk__any_of=ids).update(export_file="", export_expires_at=None)

    return purge(
        request_exports_due(now=now),
        delete,
        today=timezone.localdate(now),
        email_path=None,
        batch_size=batch_size,
        dry_run=dry_run,
        progress=progress,
    )


def closed_requests_due(*, today: datetime.date):
    from core.periods import years_before

    cutoff = years_before(today, settings.RETENTION["CONSENT_PROOF_YEARS"])
    return Request.objects.filter(closed_at__date__lt=cutoff, export_file="")


def purge_closed_requests(*, now, batch_size: int, dry_run=False, progress=None):
    """Proof that a request was answered is kept for the limitation period (5 years)."""
    today = timezone.localdate(now)
    return purge(
        closed_requests_due(today=today),
        lambda ids: Request.objects.filter(pk__any_of=ids).delete()[0],
        today=today,
        email_path="email",
        batch_size=batch_size,
        dry_run=dry_run,
        progress=progress,
    )
