"""Reads on retention: who is held back from every rule."""

import datetime

from django.db.models import Q, QuerySet

from retention.models import Hold, PurgeLog


def holds_active(*, today: datetime.date) -> QuerySet[Hold]:
    return Hold.objects.filter(Q(until__isnull=True) | Q(until__gte=today), lifted_at__isnull=True)


def held_emails(*, today: datetime.date) -> QuerySet:
    """A subquery of the addresses under an active restriction or legal hold."""
    return holds_active(today=today).values("email")


def purge_log_latest(*, limit: int = 50) -> QuerySet[PurgeLog]:
    return PurgeLog.objects.all()[:limit]
