"""What a restore must not undo: the current database's record of what people asked for,
read before the backup is loaded, and carried over into it through each owning app's
services. That record is newer than any backup's."""

import dataclasses

from django.db import DatabaseError, connection, transaction

from backups.databases import sequence_last_value
from backups.errors import NOTHING_RESTORED, BackupError
from consent.selectors import (
    consent_records_snapshot,
    policy_versions_snapshot,
    suppressions_snapshot,
)
from consent.services import consent_records_carry, policy_versions_carry, suppressions_carry
from core.audit import audit_entries_carry, audit_entries_snapshot
from core.holds import holds_carry, holds_snapshot
from core.providers import providers
from dpo_requests.carry import requests_carry
from dpo_requests.models import Request
from dpo_requests.selectors import requests_snapshot
from retention.services import leases_clear
from training.models import SensitiveNeeds
from training.selectors import SensitiveNeedsSnapshot, sensitive_needs_snapshot
from training.sensitive_needs import sensitive_needs_withdrawals_reapply


@dataclasses.dataclass(frozen=True)
class Rights:
    """The current database's record of what people asked for, which is newer than any
    backup's: requests and the audit log, consent choices, the suppression list, holds."""

    requests: list[dict]
    audit: list[dict]
    policy_versions: list[dict]
    consents: list[dict]
    suppressions: list[dict]
    holds: list[dict]
    sensitive: SensitiveNeedsSnapshot | None
    last_request_number: int


@dataclasses.dataclass(frozen=True)
class Carried:
    """What carrying the rights over changed in the backup's data."""

    erasures_reapplied: list[int]  # request numbers
    withdrawals_reapplied: int
    sensitive_rows_cleared: int
    suppressions_kept: int
    holds_kept: int


def rights_read() -> Rights:
    """Read from the current database. One with no tables at all (as after a disaster)
    has nothing to carry over; one that cannot be read otherwise stops the restore."""
    if "django_migrations" not in connection.introspection.table_names():
        return Rights([], [], [], [], [], [], None, 0)
    try:
        highest = sequence_last_value(SensitiveNeeds)  # rows deleted since count too
        return Rights(
            policy_versions=policy_versions_snapshot(),
            sensitive=sensitive_needs_snapshot(highest_key=highest) if highest else None,
            last_request_number=sequence_last_value(Request),
            requests=requests_snapshot(),
            audit=audit_entries_snapshot(),
            consents=consent_records_snapshot(),
            suppressions=suppressions_snapshot(),
            holds=holds_snapshot(),
        )
    except DatabaseError as error:
        raise BackupError(
            f"{NOTHING_RESTORED}: the current database cannot be read "
            f"({type(error).__name__}); run 'migrate' on it, or restore into an empty one."
        ) from None


@transaction.atomic
def rights_carry(rights: Rights, *, now) -> Carried:
    """On the backup's database: put back what ``rights`` records, and carry out again
    the erasures and withdrawals it knows of."""
    leases_clear()  # no run is at work on a database nobody else sees
    policy_versions_carry(rows=rights.policy_versions)
    withdrawals = consent_records_carry(rows=rights.consents)
    suppressions = suppressions_carry(rows=rights.suppressions)
    cleared = (
        sensitive_needs_withdrawals_reapply(snapshot=rights.sensitive) if rights.sensitive else 0
    )
    holds = holds_carry(rows=rights.holds)
    numbers = requests_carry(rows=rights.requests, last_number=rights.last_request_number)
    # Last, so that erasing again also takes what was just carried over.
    reapplied = _erasures_reapply(rights, numbers, now=now)
    audit_entries_carry(rows=rights.audit, object_id=_renumbered(numbers))
    return Carried(reapplied, withdrawals, cleared, suppressions, holds)


def _erasures_reapply(rights: Rights, numbers, *, now) -> list[int]:
    """Erasures done since the backup: the person is erased again."""
    # Carried out, not merely closed (an erasure forwarded to the client erased nothing).
    executed = {
        entry["object_id"]
        for entry in rights.audit
        if entry["action"] == "erasure_executed"
        and entry["object_type"] == Request._meta.label_lower
    }
    reapplied = []
    for row in rights.requests:
        number, done_before = numbers[row["id"]]
        if str(row["id"]) in executed and not done_before:
            for provider in providers():
                provider.erase(email=row["email"], now=now)
            reapplied.append(number)
    return reapplied


def _renumbered(numbers):
    """The audit log names a request by its number: the number it came back under."""
    request_type = Request._meta.label_lower

    def object_id(object_type: str, object_id: str) -> str:
        if object_type == request_type and object_id.isdigit():
            return str(numbers.get(int(object_id), (int(object_id),))[0])
        return object_id

    return object_id
