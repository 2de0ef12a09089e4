"""What every step of a data-subject request shares: which states allow it, how it
closes the request, and how its email leaves (dpo_requests/emails.py, through the
outbox). The steps themselves are in dpo_requests/services.py and, for the access and
portability archive, dpo_requests/archives.py."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clients.selectors import contact_by_id
from core.audit import audit_record
from core.outbox import email_enqueue
from dpo_requests.emails import request_message
from dpo_requests.models import Request

Status = Request.Status
K = Request.Kind
OPEN = Request.OPEN_STATUSES
# Once forwarded, we act only on the client's instructions.
ACTIONABLE = (Request.Status.OPEN, Request.Status.EXTENDED)


def email_on_commit(request: Request, template: str, **extra) -> None:
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


def refuse_unless(request: Request, *statuses, kinds=None) -> None:
    """A step allowed only in these states (and for these kinds of request)."""
    if request.status not in statuses or (kinds and request.kind not in kinds):
        raise ValidationError(_("This request is not in a state that allows this action."))


def close(
    request: Request, *, actor, action: str, status=Status.DONE, answer: str = "", now
) -> None:
    """The request is answered (or refused): closed now, with what the person was told."""
    request.status, request.closed_at, request.answer = status, now, answer
    request.save()
    audit_record(actor=actor, action=action, obj=request)
