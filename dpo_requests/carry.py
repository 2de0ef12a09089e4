"""Requests carried over into a database put back from a backup (backups/), under the
numbers people were told."""

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

from dpo_requests.models import Request


def requests_carry(*, rows: list[dict], last_number: int) -> dict[int, tuple[int, bool]]:
    """Put the snapshot's requests back under their numbers; per number: (number now, was done)."""
    # The snapshot's state of a request is the newer one. ``last_number``: the last
    # number the snapshot's database gave out, deleted requests included.
    numbers = {}
    in_backup = Request.objects.in_bulk([row["id"] for row in rows])
    for row in rows:
        there = in_backup.get(row["id"])
        same = there is not None and (there.email, there.received_at) == (
            row["email"],
            row["received_at"],
        )
        done_before = same and there.status == row["status"] == Request.Status.DONE
        if same:
            Request.objects.filter(pk=row["id"]).update(
                **{k: v for k, v in row.items() if k != "id"}
            )
            numbers[row["id"]] = (row["id"], done_before)
        else:  # lost, or its number taken in the backup: back under its number if free
            number = Request.objects.create(**{**row, "id": None if there else row["id"]}).pk
            numbers[row["id"]] = (number, False)
    _numbering_continue(last_number)
    return numbers


def _numbering_continue(last_number: int) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Request]):
            cursor.execute(sql)
        if connection.vendor == "postgresql" and last_number:
            # Never give out again a number the current database gave (to a request since
            # deleted, say): the person was told it.
            highest = Request.objects.aggregate(highest=Max("pk"))["highest"] or 1
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(%s, %s))",
                [Request._meta.db_table, last_number, highest],
            )
