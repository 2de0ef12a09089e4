"""The contract every app that stores personal data fulfils in its ``privacy.py``
(Moodle's privacy API is the model): find a person's records by email, export them,
plan and carry out their erasure, and say what a legal hold keeps and until when.

``dpo_requests`` only iterates the providers named in settings.PRIVACY_PROVIDERS; it
knows no app's models. Each provider answers in a fixed number of queries, whatever the
size of the database.
"""

import dataclasses
import datetime
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

ERASE, ANONYMISE, KEEP = "erase", "anonymise", "keep"


@dataclasses.dataclass(frozen=True)
class Record:
    """One record about the person, as the DPO sees it."""

    provider: str
    kind: str
    pk: object
    summary: str
    # "controller", or "processor" when an employer client gave us the data.
    role: str = "controller"
    client_id: int | None = None
    client: str = ""
    # The model's label ("trainees.trainee"), as the audit log names objects: how the
    # request's page finds staff changes of the record's address.
    model: str = ""


@dataclasses.dataclass(frozen=True)
class Planned:
    """What an erasure would do to one record, and why."""

    record: Record
    action: str
    reason: str = ""
    until: datetime.date | None = None


class Provider:
    label: str = ""
    models: tuple = ()

    def records(self, *, email: str) -> list[Record]:
        raise NotImplementedError

    def export(self, *, email: str) -> dict:
        raise NotImplementedError

    def erasure_plan(self, *, email: str, today: datetime.date) -> list[Planned]:
        raise NotImplementedError

    def erase(self, *, email: str, now: datetime.datetime) -> dict[str, int]:
        """Carry out the plan (within the caller's transaction); counts per action."""
        raise NotImplementedError

    # Optional: most apps have nothing to do for these.
    def sensitive(self, *, email: str) -> bool:
        """Whether the export holds special-category data (Art. 9: health)."""
        return False

    def holds(self, *, email: str, today: datetime.date) -> list[str]:
        """Why this person's data may not be erased now (active legal holds)."""
        return []

    def restrict(self, *, email: str, reason: str, now: datetime.datetime) -> None:
        """Art. 18: keep the data, but out of any other processing."""

    def lift_restriction(self, *, email: str, now: datetime.datetime) -> int:
        return 0

    def restricted(self, *, email: str, today: datetime.date) -> bool:
        return False

    def object(self, *, email: str, now: datetime.datetime) -> None:
        """Art. 21: the person objects to processing based on legitimate interest."""

    def purposes(self, *, email: str) -> set[str]:
        """The purposes (core/purposes.py) that concern this person because of what this
        provider holds, for the person's own page."""
        return set()


@cache
def providers() -> tuple[Provider, ...]:
    return tuple(import_string(path)() for path in settings.PRIVACY_PROVIDERS)
