import datetime
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from dpo_requests.archives import export_build, exports_requeue
from dpo_requests.reminders import requests_due_soon_remind
from dpo_requests.services import request_email_queue

RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": 30, "max_retries": 8}


@shared_task
def send_request_email(request_id: int, template: str, extra: dict) -> None:
    """Left for the tasks queued before the outbox existed: the email goes to the outbox."""
    request_email_queue(request_id=request_id, template=template, extra=extra)


@shared_task(acks_late=True, **RETRY)
def build_export(request_id: int) -> str:
    """Build an access or portability archive (a retry builds it anew)."""
    return export_build(request_id=request_id, now=timezone.now())


@shared_task
def requeue_exports() -> int:
    """Every few minutes: archives asked for while the broker was down are built."""
    return exports_requeue(now=timezone.now(), grace=datetime.timedelta(minutes=10))


@shared_task(bind=True)
def remind_due_soon(self) -> int:
    """Daily: tell the DPO which requests are due within a week (numbers and dates only)."""
    now, holder = timezone.now(), self.request.id or "in-process"
    return requests_due_soon_remind(today=timezone.localdate(now), now=now, holder=holder)
