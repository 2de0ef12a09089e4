"""The recipients log: every time a person's data leaves the organisation (an agreement to
a client, attendance to a funding body, names to a certification body, an LMS account, a
subcontracted trainer), the sending code records it here, in the same transaction."""

import datetime

from django.db.models import QuerySet

from core.addresses import email_normalise
from core.models import Disclosure

Kind = Disclosure.Kind


def disclosure_record(
    *,
    email: str,
    recipient: str,
    kind: str,
    categories: list[str],
    now: datetime.datetime,
    obj=None,
) -> Disclosure:
    """Record that this person's data (these categories) went to this recipient."""
    return Disclosure.objects.create(
        at=now,
        email=email_normalise(email),
        recipient=recipient[:200],
        kind=kind,
        categories=", ".join(categories)[:200],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )


def disclosures_of(*, email: str) -> QuerySet[Disclosure]:
    """Everything that left about this person, oldest first."""
    return Disclosure.objects.filter(email=email_normalise(email)).order_by("at", "pk")


def recipients_to_tell(*, email: str) -> list[tuple[str, str]]:
    """The recipients (name, kind) a rectification or erasure must be passed on to
    (Art. 19), once each."""
    rows = disclosures_of(email=email).values_list("recipient", "kind").distinct()
    return sorted(set(rows))


def recipients_told_record(*, email: str, now: datetime.datetime) -> int:
    """The recipients of this person's data were told of a rectification or erasure."""
    return disclosures_of(email=email).filter(told_at__isnull=True).update(told_at=now)
