"""Set-based purges in bounded batches: collect a batch of primary keys, apply one
UPDATE or DELETE ``WHERE id = ANY(ids)`` in a transaction, move on. A worker that dies
loses at most the batch in flight, which rolls back whole."""

import dataclasses
import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction


@dataclasses.dataclass(frozen=True)
class PurgeResult:
    affected: int
    held: int = 0

    def __add__(self, other: "PurgeResult") -> "PurgeResult":
        return PurgeResult(self.affected + other.affected, self.held + other.held)


def in_batches(
    due,
    apply: Callable[[list[int]], int],
    *,
    batch_size: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Apply ``apply(ids)`` to every row of ``due`` by primary-key batches; returns the
    rows changed. ``due`` is re-read from the last key, so rows changed by a batch (no
    longer due) are not read again."""
    total, last = 0, 0
    while True:
        ids = list(due.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return total
        with transaction.atomic():
            total += apply(ids)
        last = ids[-1]
        if progress:
            progress(len(ids))
        # Optional breathing space for the database between batches (0 by default).
        if settings.RETENTION_BATCH_PAUSE:
            time.sleep(settings.RETENTION_BATCH_PAUSE)


def purge(
    due,
    apply: Callable[[list[int]], int],
    *,
    today,
    email_path: str | None,
    batch_size: int,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> PurgeResult:
    """Apply a rule to what is due, except records of people under a restriction or a
    legal hold (found through ``email_path``), which are only counted."""
    from retention.selectors import held_emails

    held = 0
    if email_path:
        held_filter = {f"{email_path}__in": held_emails(today=today)}
        held = due.filter(**held_filter).count()
        due = due.exclude(**held_filter)
    if dry_run:
        return PurgeResult(due.count(), held)
    return PurgeResult(in_batches(due, apply, batch_size=batch_size, progress=progress), held)


def years_before(day, years: int):
    """The same calendar day ``years`` earlier (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def months_before(moment, months: int):
    """The same day and time ``months`` calendar months earlier (clamped to the month's
    last day)."""
    import calendar

    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
