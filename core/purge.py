"""Set-based purges in bounded batches: collect a batch of primary keys, keep those still
due and not held, apply one UPDATE or DELETE on them in a transaction, move on. A worker
that dies loses at most the batch in flight, which rolls back whole; a second run finds
nothing left to do."""

import array
import dataclasses
import time
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Lookup, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from core.holds import held_emails, holds_active


@dataclasses.dataclass(frozen=True)
class PurgeResult:
    affected: int
    held: int = 0
    # Due, but waiting for the DPO's approval (rules set so in retention/).
    pending: int = 0

    def __add__(self, other: "PurgeResult") -> "PurgeResult":
        return PurgeResult(
            self.affected + other.affected, self.held + other.held, self.pending + other.pending
        )


def in_batches(
    due,
    apply: Callable[[Sequence[int]], int],
    *,
    batch_size: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Apply ``apply(ids)`` to every row of ``due``, ``batch_size`` keys per transaction;
    returns the rows changed.

    On PostgreSQL the keys come from one scan through a server-side cursor (held across
    the batches' commits), so memory stays flat whatever the row count and the due
    query runs once. Elsewhere (SQLite, the embedded default) each batch re-reads the
    next keys after the last one.
    """
    keys = due.values_list("pk", flat=True)
    if connection.vendor == "postgresql":
        # In the order the scan finds them, which is mostly the table's: each batch
        # touches neighbouring rows, and no sort (spilling to disk past ``work_mem``)
        # stands between the scan and the first batch.
        batches = _cursor_batches(keys.order_by(), batch_size)
    else:
        batches = _keyset_batches(keys.order_by("pk"), batch_size)
    total = 0
    for ids in batches:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # A crash may lose the last few batches' commits; PostgreSQL still keeps
                # each batch whole, and the next run redoes them: the purge is
                # idempotent. Not waiting for each commit's disk flush saves most of a
                # batch's time.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            total += apply(ids)
        if progress:
            progress(len(ids))
        # Optional breathing space for the database between batches (0 by default).
        if settings.RETENTION_BATCH_PAUSE:
            time.sleep(settings.RETENTION_BATCH_PAUSE)
    return total


def _cursor_batches(keys, batch_size: int):
    """The keys in batches from one server-side cursor, planned for reading all of them.

    PostgreSQL plans a cursor for its first tenth by default (``cursor_tuple_fraction``):
    index-by-index nested loops that start fast but take several times longer than the
    one hash join over the whole result that a purge reads. The plan is made when the
    cursor is declared, so the setting is restored straight after. Each batch is a
    compact ``array`` of keys, which Django passes to ``pk__any_of`` as one value
    instead of resolving a list item by item.
    """
    sql, params = keys.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        with connection.cursor() as settings_cursor:
            settings_cursor.execute("SET cursor_tuple_fraction = 1.0")
        try:
            cursor.execute(sql, params)
        finally:
            with connection.cursor() as settings_cursor:
                settings_cursor.execute("RESET cursor_tuple_fraction")
        while rows := cursor.fetchmany(batch_size):
            if isinstance(rows[0][0], int):
                yield array.array("q", (row[0] for row in rows))
            else:  # text keys (login sessions)
                yield [row[0] for row in rows]


def _keyset_batches(keys, batch_size: int):
    last = 0
    while ids := list(keys.filter(pk__gt=last)[:batch_size]):
        yield ids
        last = ids[-1]


def purge(
    due,
    apply: Callable[[Sequence[int]], int],
    *,
    today,
    email_path: str | tuple[str, ...] | None,
    batch_size: int,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> PurgeResult:
    """Apply a rule to what is due, except records of people under a restriction or a
    legal hold (found through ``email_path``, one path or several), which are only
    counted.

    A hold placed while the job runs is honoured at once: before each batch, one small
    query lists the holds in force (a handful, at most) and, if one is not among those
    in force at the start, the batch drops the keys of people held. Holds are told
    apart by their keys, not by clocks, so a hold stamped earlier by a skewed clock or
    committed late still counts. The due condition itself is read once, at the start of
    the run. With no hold in force at the start (the usual case), the due rows are read
    without the join to people's addresses that the exclusion needs.
    """
    paths = _paths(email_path)
    held_q = _held_q(paths, today=today)

    def holds_now() -> set[int]:
        return set(holds_active(today=today).values_list("pk", flat=True)) if paths else set()

    at_start = holds_now()
    todo = due.exclude(held_q) if at_start else due
    if dry_run:
        return PurgeResult(todo.count(), due.filter(held_q).count() if at_start else 0)

    def still_due(ids: Sequence[int]) -> int:
        if holds_now() - at_start:
            batch = due.model._default_manager.filter(pk__any_of=ids)
            held_now = set(batch.filter(held_q).values_list("pk", flat=True))
            ids = [pk for pk in ids if pk not in held_now]
        return apply(ids) if ids else 0

    affected = in_batches(todo, still_due, batch_size=batch_size, progress=progress)
    # Counted at the end, when every hold placed during the run is known: what is held
    # is still there, and still due.
    return PurgeResult(affected, due.filter(held_q).count() if holds_now() else 0)


def _paths(email_path) -> tuple[str, ...]:
    return (email_path,) if isinstance(email_path, str) else tuple(email_path or ())


def _held_q(paths: Sequence[str], *, today) -> Q:
    held_q = Q()
    for path in paths:
        held_q |= Q(**{f"{path}__in": held_emails(today=today)})
    return held_q


def keys_filter(ids: Sequence) -> Q:
    """The rows of these primary keys: one array parameter for integer keys (pk__any_of),
    a plain IN for text ones (login sessions)."""
    if ids and all(isinstance(pk, int) for pk in ids):
        return Q(pk__any_of=ids)
    return Q(pk__in=ids)


def rule_held_q(rule, *, today) -> Q | None:
    """The condition that picks, among a rule's rows, those of people held; None if the
    rule names nobody who can be held."""
    paths = _paths(rule.email_path)
    return _held_q(paths, today=today) if paths else None


def rule_due(rule, *, now):
    """What a rule would change at ``now``: its due rows, less those of people held."""
    today = timezone.localdate(now)
    held_q = rule_held_q(rule, today=today)
    due = rule.due_at(now)
    if held_q is not None and holds_active(today=today).exists():
        return due.exclude(held_q)
    return due


def rule_apply(
    rule, *, now, dry_run: bool = False, progress=None, only: Sequence | None = None
) -> PurgeResult:
    """Apply one rule of the schedule (core/schedule.py) at ``now``: what its ``due``
    selector finds, batch by batch, through its ``purge`` service, sparing people held
    (found through its ``email_path``). The plumbing every rule shares, written once.

    ``only``: the primary keys the run may touch (those the DPO approved, say), among
    the due ones; None: every due row."""
    if rule.before and not dry_run:
        import_string(rule.before)(now=now)
    due = rule.due_at(now)
    if only is not None:
        due = due.filter(keys_filter(only))
    return purge(
        due,
        lambda ids: rule.purge_batch(ids, now),
        today=timezone.localdate(now),
        email_path=rule.email_path,
        batch_size=rule.batch_size or settings.RETENTION_BATCH_SIZE,
        dry_run=dry_run,
        progress=progress,
    )


@models.BigAutoField.register_lookup
@models.AutoField.register_lookup
class AnyOf(Lookup):
    """``pk__any_of=ids``: one array parameter, ``id = ANY(%s)`` on PostgreSQL (a plan
    PostgreSQL reuses, where ``IN`` with a thousand parameters is planned anew each
    batch), sent as one array literal of the integers rather than adapted key by key;
    a plain ``IN`` elsewhere."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        if isinstance(self.rhs, array.array):  # keys from a purge batch: integers already
            return self.rhs
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            literal = "{" + ",".join(map(str, self.rhs)) + "}"
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, literal]
        placeholders = ", ".join(["%s"] * len(self.rhs)) or "NULL"
        return f"{lhs} IN ({placeholders})", [*lhs_params, *self.rhs]
