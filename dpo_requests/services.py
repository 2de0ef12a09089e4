"""Writes on data-subject requests: every step is audited, and every answer is emailed
to the person in their language (dpo_requests/emails.py)."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clients.selectors import contact_by_id, contact_for_requests
from core.addresses import email_normalise
from core.audit import IDENTITY_CONFIRMED, audit_record
from core.disclosures import recipients_to_tell, recipients_told_record
from core.outbox import email_enqueue
from core.periods import months_after
from core.providers import KEEP, providers
from dpo_requests.emails import request_message
from dpo_requests.exports import export_write, exports_delete, exports_of_request_remove
from dpo_requests.models import Request
from dpo_requests.selectors import (
    erasure_plan,
    identity_confirmed,
    subject_holds_sensitive,
)

logger = logging.getLogger(__name__)
Status = Request.Status


def _email_on_commit(request: Request, template: str, **extra) -> None:
    """The email about this step, rendered now in the person's language (or, forwarded,
    the client contact's) and stored in the outbox with the step itself: it leaves once
    the step commits, and neither a broker nor a mail server outage loses it."""
    if template == "forwarded_client":
        contact = contact_by_id(contact_id=extra["contact_id"])
        message = request_message(
            request=request,
            template=template,
            to=[contact.email],
            language=contact.language,
            extra={"contact": contact},
        )
    else:
        message = request_message(request=request, template=template, extra=extra)
    email_enqueue(message=message, kind=f"dsr.{template}")


@transaction.atomic
def request_email_queue(*, request_id: int, template: str, extra: dict) -> None:
    """The email about a step, from a task queued before the outbox: it goes there."""
    _email_on_commit(Request.objects.get(pk=request_id), template, **extra)


def _refuse_unless(request: Request, *statuses, kinds=None) -> None:
    if request.status not in statuses or (kinds and request.kind not in kinds):
        raise ValidationError(_("This request is not in a state that allows this action."))


K = Request.Kind
OPEN = Request.OPEN_STATUSES
# Once forwarded, we act only on the client's instructions.
ACTIONABLE = (Request.Status.OPEN, Request.Status.EXTENDED)


@transaction.atomic
def request_submit(*, kind: str, email: str, details: str, language: str, now) -> Request:
    """A request from the public form: it waits for the person to confirm their address."""
    request = Request(
        kind=kind,
        email=email_normalise(email),
        details=details.strip(),
        language=language,
        channel=Request.Channel.WEB,
        received_at=now,
    )
    request.full_clean()
    request.save()
    _email_on_commit(request, "verify")
    return request


@transaction.atomic
def request_verify(*, request_id: int, email: str, now) -> Request | None:
    """The person clicked the link sent to the address: the month to answer starts now."""
    request = Request.objects.select_for_update().filter(pk=request_id, email=email).first()
    if request is None:
        return None
    if request.status == Status.AWAITING_VERIFICATION:
        request.status, request.verified_at = Status.OPEN, now
        request.due_on = months_after(timezone.localdate(now), 1)
        request.save()
        audit_record(actor=None, action="request_verified", obj=request)
        _email_on_commit(request, "received")
    return request


@transaction.atomic
def request_log_by_staff(
    *, actor, kind, email, details, language, channel, received_at, now
) -> Request:
    """A request received by post or email, whose sender staff identified: the month
    runs from its receipt."""
    if received_at > now:
        raise ValidationError(_("A request cannot be received in the future."))
    request = Request(
        kind=kind,
        email=email_normalise(email),
        details=details,
        language=language,
        channel=channel,
        received_at=received_at,
        verified_at=received_at,
        status=Status.OPEN,
        due_on=months_after(timezone.localdate(received_at), 1),
    )
    request.full_clean()
    request.save()
    audit_record(actor=actor, action="request_logged", obj=request, note=channel)
    _email_on_commit(request, "received")
    return request


@transaction.atomic
def request_extend(*, request: Request, actor, months: int, reason: str, now) -> Request:
    """Art. 12(3): up to two more months for a complex request, with the reason given."""
    _refuse_unless(request, Status.OPEN, Status.WAITING_CLIENT)
    if months not in (1, 2) or not reason.strip():
        raise ValidationError(_("An extension is one or two months, with its reason."))
    if timezone.localdate(now) > request.due_on:
        # The person must hear of an extension within the first month (Art. 12(3)).
        raise ValidationError(_("The deadline has passed: it can no longer be extended."))
    start = timezone.localdate(request.verified_at or request.received_at)
    request.status, request.extension_reason = Status.EXTENDED, reason.strip()
    request.due_on = months_after(start, 1 + months)
    request.save()
    audit_record(actor=actor, action="request_extended", obj=request, note=f"+{months} months")
    _email_on_commit(request, "extended")
    return request


@transaction.atomic
def request_forward(*, request: Request, actor, client_id: int, now) -> Request:
    """We are processor for this data: the client (controller) answers; we pass the
    request on, assist, and tell the person who the controller is."""
    _refuse_unless(request, *ACTIONABLE)
    contact = contact_for_requests(organisation_id=client_id)
    if contact is None:
        raise ValidationError(_("This client has no contact to forward the request to."))
    request.status, request.forwarded_to = Status.WAITING_CLIENT, contact.organisation.name
    request.save()
    audit_record(actor=actor, action="request_forwarded", obj=request, note=f"client #{client_id}")
    _email_on_commit(request, "forwarded_client", contact_id=contact.pk)
    _email_on_commit(request, "forwarded_person")
    return request


def _close(
    request: Request, *, actor, action: str, status=Status.DONE, answer: str = "", now
) -> None:
    request.status, request.closed_at, request.answer = status, now, answer
    request.save()
    audit_record(actor=actor, action=action, obj=request)


@transaction.atomic
def request_refuse(*, request: Request, actor, reason: str, now) -> Request:
    """Refuse a request, with its reason, which the person is told."""
    _refuse_unless(request, *OPEN)
    if not reason.strip():
        raise ValidationError(_("A refusal needs its reason."))
    _close(
        request,
        actor=actor,
        action="request_refused",
        status=Status.REFUSED,
        answer=reason.strip(),
        now=now,
    )
    _email_on_commit(request, "refused")
    return request


@transaction.atomic
def request_close_forwarded(*, request: Request, actor, note: str, now) -> Request:
    """The client (controller) answered the person: the request is closed."""
    _refuse_unless(request, Status.WAITING_CLIENT)
    _close(request, actor=actor, action="forwarded_request_closed", answer=note.strip(), now=now)
    return request


def request_export_start(*, request: Request, actor, now, identity_checked: bool = False) -> None:
    """Access or portability: a worker builds the archive, then the person gets a link.
    Health data goes only once the DPO says they checked who is asking: an address
    proves control of a mailbox, not identity (staff may have put it on the record)."""
    # This app's service -> task loop: dpo_requests.tasks imports this module.
    from dpo_requests.tasks import build_export

    _refuse_unless(request, *ACTIONABLE, kinds=(K.ACCESS, K.PORTABILITY))
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
    """Build the person's archive (dpo_requests/exports.py), close the request and email
    the link; returns the file's name, or "" when health data waits for an identity check.

    One transaction, the request's row locked throughout: two builds of one request (a
    task and the requeue, or two beats' requeues) wait for each other, and the second
    finds the request answered. A worker killed mid-way leaves the request open, the
    link unsent and at most an unfinished file, which the next build removes."""
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request_id)
        if request.status not in ACTIONABLE:  # answered meanwhile, by another build
            return request.export_file
        if subject_holds_sensitive(email=request.email) and not identity_confirmed(request=request):
            # Health data arrived after the DPO pressed the button without an identity
            # check: nothing goes; the request stays open and its page asks for the check.
            audit_record(actor=None, action="export_withheld", obj=request)
            return ""
        name = export_write(request=request, now=now)
        previous, request.export_file = request.export_file, name
        request.export_expires_at = now + datetime.timedelta(days=settings.DSR_EXPORT_DAYS)
        request.export_requested_at = None
        _close(request, actor=None, action="export_built", now=now)
        _email_on_commit(request, "export_ready")
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


def erasure_blocked(*, email: str, today) -> list[str]:
    """Why the person's data may not be erased now: active legal holds, a restriction."""
    reasons = [str(reason) for p in providers() for reason in p.holds(email=email, today=today)]
    if any(p.restricted(email=email, today=today) for p in providers()):
        reasons.append(str(_("processing is restricted (Art. 18): lift the restriction first")))
    return reasons


@transaction.atomic
def request_erase(*, request: Request, actor, now) -> dict:
    """Erase everything no legal obligation keeps, in one transaction, and tell the
    person, in their language, what was kept and why."""
    _refuse_unless(request, *ACTIONABLE, kinds=(K.ERASURE,))
    today = timezone.localdate(now)
    blocked = erasure_blocked(email=request.email, today=today)
    if blocked:
        raise ValidationError(
            _("Erasure is blocked: %(reasons)s.") % {"reasons": "; ".join(blocked)}
        )
    plan = erasure_plan(email=request.email, today=today)
    with translation.override(request.language):
        kept = [
            {
                "kind": str(p.record.kind),
                "reason": str(p.reason),
                "until": p.until.isoformat() if p.until else None,
            }
            for p in plan
            if p.action in (KEEP, "anonymise")
        ]
    counts: dict[str, int] = {}
    for provider in providers():
        for action, n in provider.erase(email=request.email, now=now).items():
            counts[action] = counts.get(action, 0) + n
    exports_delete(email=request.email)
    note = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    _close(request, actor=actor, action="erasure_executed", now=now)
    audit_record(actor=actor, action="erasure_counts", obj=request, note=note)
    _email_on_commit(request, "erased", kept=kept)
    return counts


@transaction.atomic
def request_object(*, request: Request, actor, now) -> None:
    """Objection to prospecting and offers: recorded, and the address suppressed."""
    _refuse_unless(request, *ACTIONABLE, kinds=(K.OBJECTION,))
    for provider in providers():
        provider.object(email=request.email, now=now)
    _close(request, actor=actor, action="objection_executed", now=now)
    _email_on_commit(request, "objection_done")


@transaction.atomic
def request_restrict(*, request: Request, actor, reason: str, now) -> None:
    """Art. 18: the data is kept but set aside from offers, purges and any other use."""
    _refuse_unless(request, *ACTIONABLE, kinds=(K.RESTRICTION,))
    reason = reason.strip() or _("Request #%(n)s") % {"n": request.pk}
    for provider in providers():
        provider.restrict(email=request.email, reason=reason, now=now)
    _close(request, actor=actor, action="restriction_placed", now=now)
    _email_on_commit(request, "restricted")


def restriction_lift(*, request: Request, actor, now) -> int:
    """Art. 18(3): the person is told when the restriction is lifted: the email is
    stored in the outbox with the lifting, so one never happens without the other."""
    today = timezone.localdate(now)
    if request.kind != K.RESTRICTION or not any(
        p.restricted(email=request.email, today=today) for p in providers()
    ):
        raise ValidationError(_("There is no restriction in force to lift."))
    with transaction.atomic():
        _email_on_commit(request, "restriction_lifted")
        lifted = sum(p.lift_restriction(email=request.email, now=now) for p in providers())
        audit_record(
            actor=actor, action="restriction_lifted", obj=request, note=f"{lifted} hold(s)"
        )
    return lifted


@transaction.atomic
def request_rectified(*, request: Request, actor, note: str, now) -> Request:
    """The DPO corrected the data in the admin; the person is told what, and the request
    keeps the note (the admin's history is purged sooner than the request's proof)."""
    _refuse_unless(request, *ACTIONABLE, kinds=(K.RECTIFICATION,))
    if not note.strip():
        raise ValidationError(_("Say what was corrected: the person is told."))
    _close(request, actor=actor, action="rectification_done", answer=note.strip(), now=now)
    _email_on_commit(request, "rectified")
    return request


@transaction.atomic
def request_recipients_told(*, request: Request, actor, now) -> list[str]:
    """Art. 19: the recipients of the person's data were told of the rectification or
    erasure; recorded, audited, and the person is told whom."""
    _refuse_unless(request, *ACTIONABLE, Status.DONE, kinds=(K.RECTIFICATION, K.ERASURE))
    names = [name for name, _kind in recipients_to_tell(email=request.email)]
    if not names:
        raise ValidationError(_("Nobody received this person's data: there is no one to tell."))
    recipients_told_record(email=request.email, now=now)
    audit_record(actor=actor, action="recipients_told", obj=request, note="; ".join(names))
    _email_on_commit(request, "recipients_told", recipients=names)
    return names


def request_act(*, request: Request, actor, action: str, now, **fields):
    """One DPO action from the back-office, by its name, with that step's own fields."""
    steps = {
        "extend": request_extend,
        "forward": request_forward,
        "export": request_export_start,
        "erase": request_erase,
        "object": request_object,
        "restrict": request_restrict,
        "lift": restriction_lift,
        "rectified": request_rectified,
        "close": request_close_forwarded,
        "refuse": request_refuse,
        "told": request_recipients_told,
    }
    if action not in steps:
        raise ValidationError(_("Unknown action."))
    return steps[action](request=request, actor=actor, now=now, **fields)
