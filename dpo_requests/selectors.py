"""Reads for the DPO: a person's records across the product, the queue, the dashboard."""

import datetime
from collections import Counter, OrderedDict

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth

from core.audit import (
    EMAIL_CHANGED_BY_STAFF,
    IDENTITY_CONFIRMED,
    audit_entries_about,
    audit_recorded,
)
from core.periods import months_before
from core.providers import providers
from dpo_requests.models import Breach, Request


def subject_records(*, email: str) -> "OrderedDict[str, list]":
    """Every record the providers find for this address, grouped by provider."""
    return OrderedDict((str(p.label), p.records(email=email)) for p in providers())


def address_changes_recent(*, records, since: datetime.datetime) -> list:
    """Staff changes, since ``since``, of the address on the records found for a request.
    Whoever controls an address staff just put on a record may not be its person: the
    DPO checks identity before answering."""
    found = {(r.model, str(r.pk)) for rows in records.values() for r in rows if r.model}
    return audit_entries_about(objects=found, action=EMAIL_CHANGED_BY_STAFF, since=since)


def subject_holds_sensitive(*, email: str) -> bool:
    """Whether anything we hold about this address is allergy or disability data."""
    return any(p.sensitive(email=email) for p in providers())


def identity_confirmed(*, request: Request) -> bool:
    """Whether the DPO confirmed they checked who made this request."""
    return audit_recorded(
        action=IDENTITY_CONFIRMED, object_type=Request._meta.label_lower, object_id=request.pk
    )


def subject_export(*, email: str) -> dict:
    """Everything every provider holds about this address, for the access archive."""
    data = {}
    for provider in providers():
        data.update(provider.export(email=email))
    return data


def erasure_plan(*, email: str, today: datetime.date) -> list:
    """What an erasure would do to each record found for this address, and why."""
    return [
        planned
        for provider in providers()
        for planned in provider.erasure_plan(email=email, today=today)
    ]


def processor_clients(*, records) -> dict[int, str]:
    """The clients for which we hold this person's data as processor: id → name, from
    the records ``subject_records`` found."""
    return {
        record.client_id: record.client
        for found in records.values()
        for record in found
        if record.role == "processor" and record.client_id
    }


def request_queue(*, status: str | None = None):
    """Verified requests: the open ones, or those in ``status``."""
    queue = Request.objects.exclude(status=Request.Status.AWAITING_VERIFICATION)
    return queue.filter(status=status) if status else queue.filter(status__in=Request.OPEN_STATUSES)


def requests_due_soon(*, today: datetime.date):
    """Open requests due within DSR_DUE_SOON_DAYS, soonest first."""
    return Request.objects.filter(
        status__in=Request.OPEN_STATUSES,
        due_on__lte=today + datetime.timedelta(days=settings.DSR_DUE_SOON_DAYS),
    ).order_by("due_on")


def request_counts_by_status() -> dict[str, int]:
    """How many requests are in each status."""
    rows = Request.objects.values_list("status").annotate(n=Count("pk"))
    return {status: n for status, n in rows}


def requests_per_month(*, months: int, today: datetime.date) -> list[tuple[datetime.date, Counter]]:
    """Requests received per month and kind, the last ``months`` months (oldest first)."""
    # The current month and the ``months - 1`` before it.
    start = months_before(today.replace(day=1), months - 1)
    rows = (
        Request.objects.filter(received_at__date__gte=start)
        .annotate(month=TruncMonth("received_at"))
        .values_list("month", "kind")
        .annotate(n=Count("pk"))
    )
    by_month: dict[datetime.date, Counter] = OrderedDict()
    cursor = start
    for _ in range(months):
        by_month[cursor] = Counter()
        cursor = (cursor + datetime.timedelta(days=32)).replace(day=1)
    for month, kind, n in rows:
        key = month.date() if hasattr(month, "date") else month
        if key in by_month:
            by_month[key][kind] += n
    return list(by_month.items())


def breaches_open():
    """Breaches not yet closed."""
    return Breach.objects.filter(closed_at__isnull=True)


def requests_snapshot() -> list[dict]:
    """Every request, with all its fields, as plain values a restore carries over."""
    return list(Request.objects.order_by("pk").values())


def recipients_told_entries(*, request: Request) -> list:
    """When the DPO recorded, for this request, that its recipients were told (Art. 19),
    and whom (the audit entry's note)."""
    about = {(Request._meta.label_lower, str(request.pk))}
    return audit_entries_about(objects=about, action="recipients_told", since=request.received_at)
