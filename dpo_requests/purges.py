"""What the retention schedule (core/schedule.py) deletes among the DPO's own records."""

import datetime

from django.conf import settings
from django.utils import timezone

from core.periods import years_before
from dpo_requests.exports import exports_of_request_remove
from dpo_requests.models import Request


def unverified_requests_due(*, now: datetime.datetime):
    """Requests whose address was not confirmed within the link's lifetime."""
    return Request.objects.filter(
        status=Request.Status.AWAITING_VERIFICATION,
        received_at__lt=now - datetime.timedelta(hours=settings.DSR_VERIFY_LINK_HOURS),
    )


def purge_unverified_requests(*, ids, now: datetime.datetime) -> int:
    """A request whose address was never confirmed is no request: gone once its link expired."""
    return Request.objects.filter(pk__any_of=ids).delete()[0]


def request_exports_due(*, now: datetime.datetime):
    """Access and portability archives past their download period."""
    return Request.objects.exclude(export_file="").filter(export_expires_at__lt=now)


def purge_request_exports(*, ids, now: datetime.datetime) -> int:
    """An access or portability archive is deleted once its download period is over."""
    folder = settings.PRIVATE_FILES_ROOT / "exports"
    for pk, name in Request.objects.filter(pk__any_of=ids).values_list("pk", "export_file"):
        (folder / name).unlink(missing_ok=True)
        exports_of_request_remove(request_id=pk)  # and any a killed build left
    return Request.objects.filter(pk__any_of=ids).update(export_file="", export_expires_at=None)


def closed_requests_due(*, now: datetime.datetime):
    """Requests answered before the limitation period, whose archive is gone."""
    years = settings.RETENTION["CONSENT_PROOF_YEARS"]
    cutoff = years_before(timezone.localdate(now), years)
    return Request.objects.filter(closed_at__date__lt=cutoff, export_file="")


def purge_closed_requests(*, ids, now: datetime.datetime) -> int:
    """Proof that a request was answered is kept for the limitation period (5 years)."""
    return Request.objects.filter(pk__any_of=ids).delete()[0]
