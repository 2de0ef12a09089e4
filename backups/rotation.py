"""Key rotation: every encrypted value re-encrypted with the first key of
CRYPTOGRAPHY_KEY, and counts of which key each value is under.

The encrypted columns are found by walking the models (``encrypted_fields``), so a new
encrypted field is rotated without being listed here. Work goes in primary-key order,
in batches, each batch its own transaction: interrupted at any point (Ctrl-C, a killed
process, a lost connection), every value is either its old ciphertext or its new one,
both readable with the configured keys, and a re-run skips what is already under the
first key (told by its signature, see ``Keyring.position``).

A value is replaced only if it still holds the ciphertext that was read (compare and
set): should the app save a new value meanwhile, it is already under the first key
and is left as it is, never overwritten with the old plaintext.
"""

import dataclasses
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import BinaryField, ExpressionWrapper, F, Q

from core.audit import audit_record
from core.encryption import Keyring, encrypted_fields


class RotationError(Exception):
    """A value no configured key reads: rotation stops there (names no value)."""


@dataclasses.dataclass
class RotationResult:
    rows: int = 0  # rows holding at least one encrypted value (the progress bar's total)
    reencrypted: int = 0
    already: int = 0  # values under the first key before this run


@dataclasses.dataclass(frozen=True)
class KeyCount:
    """How many values of one column are under each configured key, and under none."""

    column: str  # "app_label.Model.field"
    by_key: tuple[int, ...]  # in the order of CRYPTOGRAPHY_KEY
    unreadable: int


def _label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def _raw(field) -> ExpressionWrapper:
    # The column as stored: read as plain bytes, the field's decryption is bypassed.
    return ExpressionWrapper(F(field.name), output_field=BinaryField())


def _with_values(model, fields):
    any_value = Q()
    for field in fields:
        any_value |= Q(**{f"{field.name}__isnull": False})
    return model._base_manager.filter(any_value)


def _raw_batch(model, fields, *, after, size: int) -> list[tuple]:
    rows = _with_values(model, fields).order_by("pk")
    if after is not None:
        rows = rows.filter(pk__gt=after)
    raw = {f"raw_{field.name}": _raw(field) for field in fields}
    return list(rows.annotate(**raw).values_list("pk", *raw)[:size])


def encryption_rows() -> dict[str, int]:
    """Per model, how many rows hold an encrypted value (what a rotation goes through)."""
    return {
        _label(model): _with_values(model, fields).count() for model, fields in encrypted_fields()
    }


def encryption_rotate(
    *, batch_size: int = 500, progress: Callable[[str, int], None] | None = None
) -> dict[str, RotationResult]:
    """Re-encrypt with the first configured key every encrypted value under another,
    batch by batch in primary-key order, one transaction per batch; a re-run skips
    values already under the first key. Returns counts per model."""
    results = {}
    for model, fields in encrypted_fields():
        result = results[_label(model)] = RotationResult()
        last = None
        while True:
            with transaction.atomic():
                keyring = Keyring.configured()
                rows = _raw_batch(model, fields, after=last, size=batch_size)
                for index, field in enumerate(fields, start=1):
                    swaps = []
                    for row in rows:
                        if row[index] is not None:
                            swap = _swap(model, field, row[0], bytes(row[index]), keyring)
                            if swap:
                                swaps.append(swap)
                            else:
                                result.already += 1
                    result.reencrypted += _compare_and_set(model, field, swaps)
            if not rows:
                break
            result.rows += len(rows)
            last = rows[-1][0]
            if progress:
                progress(_label(model), len(rows))
    done = sum(r.reencrypted for r in results.values())
    already = sum(r.already for r in results.values())
    audit_record(
        actor=None,
        action="encryption_rotated",
        note=f"re-encrypted: {done}, already under the first key: {already}",
    )
    return results


def _swap(model, field, pk, token: bytes, keyring: Keyring) -> tuple | None:
    """(pk, old, new) for a value under another key than the first; None if under it."""
    position = keyring.position(token)
    if position == 0:
        return None
    if position is None:
        raise RotationError(
            f"{_label(model)}.{field.name} of row {pk} cannot be read with any key of "
            "CRYPTOGRAPHY_KEY: add the key it was made with (behind the first) and run "
            "the rotation again. Rows before it are done; nothing of its batch was changed."
        )
    return pk, token, keyring.reencrypt(token, position=position)


def _compare_and_set(model, field, swaps: list[tuple]) -> int:
    """Write each new ciphertext only where the column still holds the old one, in one
    statement per batch; returns how many were written. A value the app saved since it
    was read is already under the first key and is left alone. The ciphertexts are
    written as bytes, so the field does not encrypt them again. Plain SQL: one UPDATE
    with a CASE, the same on PostgreSQL and SQLite, rather than one query per value."""
    if not swaps:
        return 0
    quote = connection.ops.quote_name
    table, column, pk = (
        quote(model._meta.db_table),
        quote(field.column),
        quote(model._meta.pk.column),
    )
    written = 0
    # At most 1,000 values a statement: 4,000 parameters, well within what SQLite and
    # PostgreSQL's protocol accept, whatever --batch-size is.
    for start in range(0, len(swaps), 1000):
        chunk = swaps[start : start + 1000]
        cases = " ".join(f"WHEN {pk} = %s THEN %s" for _ in chunk)
        still = " OR ".join(f"({pk} = %s AND {column} = %s)" for _ in chunk)
        params = [p for key, _old, new in chunk for p in (key, new)]
        params += [p for key, old, _new in chunk for p in (key, old)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {column} = CASE {cases} END WHERE {still}",  # noqa: S608
                params,
            )
            written += cursor.rowcount
    return written


def encryption_status() -> list[KeyCount]:
    """Per encrypted column, how many values each configured key made (counts only)."""
    counts = []
    for model, fields in encrypted_fields():
        size = len(Keyring.configured().fingerprints) + 1  # the last: under no key
        by_field = {field.name: [0] * size for field in fields}
        last = None
        while rows := _raw_batch(model, fields, after=last, size=2000):
            keyring = Keyring.configured()
            for _pk, *tokens in rows:
                for field, token in zip(fields, tokens, strict=True):
                    if token is not None:
                        position = keyring.position(bytes(token))
                        by_field[field.name][-1 if position is None else position] += 1
            last = rows[-1][0]
        counts.extend(
            KeyCount(f"{_label(model)}.{name}", tuple(c[:-1]), c[-1])
            for name, c in by_field.items()
        )
    return counts
