"""The access and portability archive, from the DPO's button to the person's link
(Art. 15 and 20): a worker builds it (dpo_requests/exports.py); the DPO downloads it to
check it, builds it again after a correction, and sends its link. Until then the link
does not work and the request stays open: its deadline keeps counting. A wrong file
sent is a breach; a file checked first is not (DSR_EXPORT_REVIEW=False skips the check)."""

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.audit import IDENTITY_CONFIRMED, audit_entries_about, audit_record
from dpo_requests.exports import export_file_path, export_write, exports_of_request_remove
from dpo_requests.models import Request
from dpo_requests.selectors import identity_confirmed, subject_holds_sensitive
from dpo_requests.steps import ACTIONABLE, K, close, email_on_commit, refuse_unless

logger = logging.getLogger(__name__)
EXPORTING = (K.ACCESS, K.PORTABILITY)


def request_export_start(*, request: Request, actor, now, identity_checked: bool = False) -> None:
    """Access or portability: a worker builds the archive, for the DPO to review.
    Health data goes only once the DPO says they checked who is asking: an address
    proves control of a mailbox, not identity (staff may have put it on the record)."""
    # This app's service -> task loop: dpo_requests.tasks imports this module.
    from dpo_requests.tasks import build_export

    refuse_unless(request, *ACTIONABLE, kinds=EXPORTING)
    if subject_holds_sensitive(email=request.email):
        if not identity_checked:
            raise ValidationError(
                _(
                    "This archive would hold allergy or disability data: confirm that you "
                    "checked the identity of the person asking, then build it."
                )
            )
        audit_record(actor=actor, action=IDENTITY_CONFIRMED, obj=request)
    audit_record(actor=actor, action="export_requested", obj=request)
    request.export_requested_at = now
    request.save(update_fields=["export_requested_at"])

    def queue() -> None:
        try:
            build_export.delay(request.pk)
        except Exception as error:  # the broker is down: exports_requeue builds it later
            logger.warning("Export of request %s not queued: %s.", request.pk, type(error).__name__)

    transaction.on_commit(queue)


def export_build(*, request_id: int, now) -> str:
    """Build the person's archive (dpo_requests/exports.py) for the DPO to review, or,
    without review (DSR_EXPORT_REVIEW), send its link; returns the file's name, or ""
    when health data waits for an identity check.

    One transaction, the request's row locked throughout: two builds of one request (a
    task and the requeue, or two beats' requeues) wait for each other, and the second
    finds the archive built. A worker killed mid-way leaves the request as it was, the
    archive still asked for and at most an unfinished file, which the next build removes."""
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request_id)
        if request.status not in ACTIONABLE or (
            request.export_file and request.export_requested_at is None
        ):  # answered meanwhile, or built by the other build
            return request.export_file
        if subject_holds_sensitive(email=request.email) and not identity_confirmed(request=request):
            # Health data arrived after the DPO pressed the button without an identity
            # check: nothing goes; the request stays open and its page asks for the check.
            audit_record(actor=None, action="export_withheld", obj=request)
            return ""
        name = export_write(request=request, now=now)
        previous, request.export_file = request.export_file, name
        # An archive nobody sends is deleted after the period a sent one is kept.
        request.export_expires_at = now + datetime.timedelta(days=settings.DSR_EXPORT_DAYS)
        request.export_built_at, request.export_requested_at = now, None
        request.save(
            update_fields=[
                "export_file",
                "export_expires_at",
                "export_built_at",
                "export_requested_at",
            ]
        )
        audit_record(actor=None, action="export_built", obj=request)
        if not settings.DSR_EXPORT_REVIEW:
            _send(request, actor=None, note="", now=now)
        # Its earlier files (one built before, one a killed worker left) go once this
        # one is recorded: never before, or a failure here would leave a dead link.
        transaction.on_commit(
            lambda: exports_of_request_remove(request_id=request_id, keep=name, previous=previous)
        )
    return name


def exports_requeue(*, now, grace: datetime.timedelta) -> int:
    """Build the archives the DPO asked for that no worker built within ``grace`` (the
    broker was down when they were asked for); returns how many were built."""
    waiting = Request.objects.filter(
        export_requested_at__lte=now - grace, status__in=ACTIONABLE
    ).values_list("pk", flat=True)
    return sum(bool(export_build(request_id=pk, now=now)) for pk in list(waiting))


def _send(request: Request, *, actor, note: str, now) -> None:
    # The person gets the whole download period from the day the link leaves.
    request.export_sent_at = now
    request.export_expires_at = now + datetime.timedelta(days=settings.DSR_EXPORT_DAYS)
    close(request, actor=actor, action="export_sent", answer=note.strip(), now=now)
    email_on_commit(request, "export_ready")


@transaction.atomic
def export_send(*, request: Request, actor, now, note: str = "") -> Request:
    """The DPO checked the archive: the person gets its link by email (with the DPO's
    note, if any), and the request is answered."""
    request = Request.objects.select_for_update().get(pk=request.pk)
    if request.export_sent_at is not None:
        sent = formats.date_format(
            timezone.localtime(request.export_sent_at), "SHORT_DATETIME_FORMAT"
        )
        raise ValidationError(
            _("The link to this archive was already sent, on %(date)s.") % {"date": sent}
        )
    refuse_unless(request, *ACTIONABLE, kinds=EXPORTING)
    if request.export_requested_at is not None:
        raise ValidationError(
            _("The archive is being built again: check the new one, then send its link.")
        )
    if export_file_path(name=request.export_file) is None:
        raise ValidationError(
            _(
                "There is no archive to send: it was never built, or it was deleted at the "
                "end of its period. Build it again."
            )
        )
    _send(request, actor=actor, note=note, now=now)
    return request


def export_unsent_discard(*, request: Request) -> None:
    """A request answered otherwise (refused, forwarded to the client) keeps no archive
    that nobody will send: its file goes once the answer is recorded (the caller saves)."""
    name = request.export_file
    if not name or request.export_sent_at is not None:
        return
    request.export_file, request.export_expires_at = "", None
    transaction.on_commit(lambda: exports_of_request_remove(request_id=request.pk, previous=name))


def export_for_review(*, request: Request, actor) -> Path | None:
    """The archive as the person will receive it, for the DPO to check; each download
    is audited (who, when, which request), or None when there is no archive."""
    path = export_file_path(name=request.export_file)
    if path is not None:
        audit_record(actor=actor, action="export_reviewed", obj=request)
    return path


def export_review_state(*, request: Request) -> dict:
    """Where an access or portability archive stands, for the DPO: being built, waiting
    for review, sent, or gone; whether its file is there; who downloaded it to check it."""
    if request.export_requested_at:
        state = "building"
    elif request.export_sent_at:
        state = "sent"
    elif request.export_file:
        state = "review"
    else:
        state = "none"
    about = {(Request._meta.label_lower, str(request.pk))}
    return {
        "state": state,
        "review_required": settings.DSR_EXPORT_REVIEW,
        "available": export_file_path(name=request.export_file) is not None,
        "reviews": audit_entries_about(
            objects=about, action="export_reviewed", since=request.received_at
        ),
    }
