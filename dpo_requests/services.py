"""Writes on data-subject requests: every step is audited, and every answer is emailed
to the person in their language (dpo_requests/emails.py). The access and portability
archive's steps (build, review, send) are in dpo_requests/archives.py."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clients.selectors import contact_for_requests
from core.addresses import email_normalise
from core.audit import audit_record
from core.disclosures import recipients_to_tell, recipients_told_record
from core.periods import months_after
from core.providers import KEEP, providers
from dpo_requests.archives import export_send, export_unsent_discard, request_export_start
from dpo_requests.exports import exports_delete
from dpo_requests.models import Request
from dpo_requests.selectors import erasure_plan
from dpo_requests.steps import (
    ACTIONABLE,
    OPEN,
    K,
    Status,
    close,
    email_on_commit,
    refuse_unless,
)


@transaction.atomic
def request_email_queue(*, request_id: int, template: str, extra: dict) -> None:
    """The email about a step, from a task queued before the outbox: it goes there."""
    email_on_commit(Request.objects.get(pk=request_id), template, **extra)


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
    email_on_commit(request, "verify")
    return request


@transaction.atomic
def request_verify(*, request_id: int, email: str, now) -> Request | None:
    """The person clicked the link sent to the address: the request is opened. The month
    to answer runs from its receipt (Art. 12(3)), not from the click, which may come up
    to settings.DSR_VERIFY_LINK_HOURS later."""
    request = Request.objects.select_for_update().filter(pk=request_id, email=email).first()
    if request is None:
        return None
    if request.status == Status.AWAITING_VERIFICATION:
        request.status, request.verified_at = Status.OPEN, now
        request.due_on = months_after(timezone.localdate(request.received_at), 1)
        request.save()
        audit_record(actor=None, action="request_verified", obj=request)
        email_on_commit(request, "received")
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
    email_on_commit(request, "received")
    return request


@transaction.atomic
def request_extend(*, request: Request, actor, months: int, reason: str, now) -> Request:
    """Art. 12(3): up to two more months for a complex request, with the reason given."""
    refuse_unless(request, Status.OPEN, Status.WAITING_CLIENT)
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
    email_on_commit(request, "extended")
    return request


@transaction.atomic
def request_forward(*, request: Request, actor, client_id: int, now) -> Request:
    """We are processor for this data: the client (controller) answers; we pass the
    request on, assist, and tell the person who the controller is."""
    refuse_unless(request, *ACTIONABLE)
    contact = contact_for_requests(organisation_id=client_id)
    if contact is None:
        raise ValidationError(_("This client has no contact to forward the request to."))
    request.status, request.forwarded_to = Status.WAITING_CLIENT, contact.organisation.name
    export_unsent_discard(request=request)
    request.save()
    audit_record(actor=actor, action="request_forwarded", obj=request, note=f"client #{client_id}")
    email_on_commit(request, "forwarded_client", contact_id=contact.pk)
    email_on_commit(request, "forwarded_person")
    return request


@transaction.atomic
def request_refuse(*, request: Request, actor, reason: str, now) -> Request:
    """Refuse a request, with its reason, which the person is told."""
    refuse_unless(request, *OPEN)
    if not reason.strip():
        raise ValidationError(_("A refusal needs its reason."))
    export_unsent_discard(request=request)
    close(
        request,
        actor=actor,
        action="request_refused",
        status=Status.REFUSED,
        answer=reason.strip(),
        now=now,
    )
    email_on_commit(request, "refused")
    return request


@transaction.atomic
def request_close_forwarded(*, request: Request, actor, note: str, now) -> Request:
    """The client (controller) answered the person: the request is closed."""
    refuse_unless(request, Status.WAITING_CLIENT)
    close(request, actor=actor, action="forwarded_request_closed", answer=note.strip(), now=now)
    return request


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
    refuse_unless(request, *ACTIONABLE, kinds=(K.ERASURE,))
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
    close(request, actor=actor, action="erasure_executed", now=now)
    audit_record(actor=actor, action="erasure_counts", obj=request, note=note)
    email_on_commit(request, "erased", kept=kept, backups=settings.BACKUP_KEEP)
    return counts


@transaction.atomic
def request_object(*, request: Request, actor, now) -> None:
    """Objection to prospecting and offers: recorded, and the address suppressed."""
    refuse_unless(request, *ACTIONABLE, kinds=(K.OBJECTION,))
    for provider in providers():
        provider.object(email=request.email, now=now)
    close(request, actor=actor, action="objection_executed", now=now)
    email_on_commit(request, "objection_done")


@transaction.atomic
def request_restrict(*, request: Request, actor, reason: str, now) -> None:
    """Art. 18: the data is kept but set aside from offers, purges and any other use."""
    refuse_unless(request, *ACTIONABLE, kinds=(K.RESTRICTION,))
    reason = reason.strip() or _("Request #%(n)s") % {"n": request.pk}
    for provider in providers():
        provider.restrict(email=request.email, reason=reason, now=now)
    close(request, actor=actor, action="restriction_placed", now=now)
    email_on_commit(request, "restricted")


def restriction_lift(*, request: Request, actor, now) -> int:
    """Art. 18(3): the person is told when the restriction is lifted: the email is
    stored in the outbox with the lifting, so one never happens without the other."""
    today = timezone.localdate(now)
    if request.kind != K.RESTRICTION or not any(
        p.restricted(email=request.email, today=today) for p in providers()
    ):
        raise ValidationError(_("There is no restriction in force to lift."))
    with transaction.atomic():
        email_on_commit(request, "restriction_lifted")
        lifted = sum(p.lift_restriction(email=request.email, now=now) for p in providers())
        audit_record(
            actor=actor, action="restriction_lifted", obj=request, note=f"{lifted} hold(s)"
        )
    return lifted


@transaction.atomic
def request_rectified(*, request: Request, actor, note: str, now) -> Request:
    """The DPO corrected the data in the admin; the person is told what, and the request
    keeps the note (the admin's history is purged sooner than the request's proof)."""
    refuse_unless(request, *ACTIONABLE, kinds=(K.RECTIFICATION,))
    if not note.strip():
        raise ValidationError(_("Say what was corrected: the person is told."))
    close(request, actor=actor, action="rectification_done", answer=note.strip(), now=now)
    email_on_commit(request, "rectified")
    return request


@transaction.atomic
def request_recipients_told(*, request: Request, actor, now) -> list[str]:
    """Art. 19: the recipients of the person's data were told of the rectification or
    erasure; recorded, audited, and the person is told whom."""
    refuse_unless(request, *ACTIONABLE, Status.DONE, kinds=(K.RECTIFICATION, K.ERASURE))
    names = [name for name, _kind in recipients_to_tell(email=request.email)]
    if not names:
        raise ValidationError(_("Nobody received this person's data: there is no one to tell."))
    recipients_told_record(email=request.email, now=now)
    audit_record(actor=actor, action="recipients_told", obj=request, note="; ".join(names))
    email_on_commit(request, "recipients_told", recipients=names)
    return names


def request_act(*, request: Request, actor, action: str, now, **fields):
    """One DPO action from the back-office, by its name, with that step's own fields."""
    steps = {
        "extend": request_extend,
        "forward": request_forward,
        "export": request_export_start,
        "send": export_send,
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
