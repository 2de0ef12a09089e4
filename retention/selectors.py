"""Reads on retention: the purge log."""

from django.db.models import QuerySet

from retention.models import PurgeLog


def purge_log_latest(*, limit: int = 50) -> QuerySet[PurgeLog]:
    """The latest runs of the rules, newest first."""
    return PurgeLog.objects.all()[:limit]
