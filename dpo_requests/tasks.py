import datetime
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.outbox import email_enqueue
from dpo_requests.models import Request
from dpo_requests.selectors import requests_due_soon
from dpo_requests.services import export_build, exports_requeue

RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": 30, "max_retries": 8}


@shared_task
def send_request_email(request_id: int, template: str, extra: dict) -> None:
    """Left for the tasks queued before the outbox existed: the email goes to the outbox."""
    from dpo_requests.services import _email_on_commit

    with transaction.atomic():
        _email_on_commit(Request.objects.get(pk=request_id), template, **extra)


@shared_task(acks_late=True, **RETRY)
def build_export(request_id: int) -> str:
    """Build an access or portability archive (a retry builds it anew)."""
    return export_build(request_id=request_id, now=timezone.now())


@shared_task
def requeue_exports() -> int:
    """Every few minutes: archives asked for while the broker was down are built."""
    return exports_requeue(now=timezone.now(), grace=datetime.timedelta(minutes=10))


@shared_task
def remind_due_soon() -> int:
    """Daily: tell the DPO which requests are due within a week (numbers and dates only)."""
    due = list(requests_due_soon(today=timezone.localdate()).values_list("pk", "kind", "due_on"))
    if due:
        with translation.override(settings.LANGUAGE_CODE):
            lines = [
                f"#{pk} · {Request.Kind(kind).label} · {due_on:%d/%m/%Y}"
                for pk, kind, due_on in due
            ]
            subject = _("%(count)d data-subject request(s) due within %(days)d days") % {
                "count": len(due),
                "days": settings.DSR_DUE_SOON_DAYS,
            }
        message = EmailMessage(
            subject=subject,
            body="\n".join(lines) + f"\n\n{settings.SITE_URL}/backoffice/requests/",
            to=[settings.ORGANISATION["dpo_email"]],
        )
        email_enqueue(message=message, kind="dsr.due_soon")
    return len(due)
