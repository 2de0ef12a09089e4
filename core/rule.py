"""What a rule of the retention schedule (core/schedule.py) is, and the words its
columns share (legal bases, actions)."""

import dataclasses
from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

DELETE, ANONYMISE, ARCHIVE, ERASE = _("delete"), _("anonymise"), _("archive"), _("erase the values")
CONTRACT, LEGAL, INTEREST, CONSENT = (
    _("contract"),
    _("legal obligation"),
    _("legitimate interest"),
    _("consent"),
)


@dataclasses.dataclass(frozen=True)
class Rule:
    name: str
    data: str
    legal_basis: str
    trigger: str
    period: Callable[[], str]
    action: str
    policy: str
    # ``due(*, now)`` -> the rows due at ``now``; ``purge(*, ids, now)`` -> rows changed.
    due: str
    purge: str
    # Where each row's person's address is (one path or several), so that people under
    # a restriction or a legal hold are kept; None: the rows name nobody who can be held.
    email_path: str | tuple[str, ...] | None = None
    # Run once before a real (not dry) run: ``before(*, now)``.
    before: str | None = None
    # Rows per transaction; None: settings.RETENTION_BATCH_SIZE.
    batch_size: int | None = None

    def due_at(self, now):
        """What is due at ``now`` (a queryset of the owning app's model)."""
        return import_string(self.due)(now=now)

    def purge_batch(self, ids, now) -> int:
        return import_string(self.purge)(ids=ids, now=now)


def _r(key):
    return settings.RETENTION[key]
