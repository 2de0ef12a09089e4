"""Restrictions of processing (GDPR Art. 18) and legal holds: a person's records under one
are kept from every retention rule (core/purge.py) and from every offer."""

import datetime

from django.db.models import Q, QuerySet

from core.addresses import email_normalise
from core.models import Hold


def holds_active(*, today: datetime.date) -> QuerySet[Hold]:
    """The holds in force today: not lifted, and with no end date or one not yet past."""
    return Hold.objects.filter(Q(until__isnull=True) | Q(until__gte=today), lifted_at__isnull=True)


def held_emails(*, today: datetime.date) -> QuerySet:
    """A subquery of the addresses under an active restriction or legal hold."""
    return holds_active(today=today).values("email")


def is_restricted(*, email: str, today: datetime.date) -> bool:
    """Whether this address is under a restriction of processing in force (Art. 18(2)):
    its data is stored, used for the training the person follows, and sent to nobody."""
    return (
        holds_active(today=today).filter(kind="restriction", email=email_normalise(email)).exists()
    )


def hold_place(*, email: str, kind: str, reason: str, until=None, now: datetime.datetime) -> Hold:
    """Keep a person's records from every rule (restriction or legal hold)."""
    hold = Hold(email=email_normalise(email), kind=kind, reason=reason, until=until, created_at=now)
    hold.full_clean()
    hold.save()
    return hold


def hold_lift(*, hold: Hold, now: datetime.datetime) -> None:
    """End a hold now; the record that it existed stays."""
    Hold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(lifted_at=now)


def holds_snapshot() -> list[dict]:
    """Every hold, lifted or not, as plain values a restore carries over."""
    return list(Hold.objects.values("email", "kind", "reason", "until", "created_at", "lifted_at"))


def holds_carry(*, rows: list[dict]) -> int:
    """Add the snapshot's holds missing here and lift those it lifted; returns how many changed."""
    in_backup = {(h.email, h.kind, h.created_at): h for h in Hold.objects.all()}
    changed = 0
    for row in rows:
        there = in_backup.get((row["email"], row["kind"], row["created_at"]))
        if there is None:
            Hold.objects.create(**row)
            changed += 1
        elif row["lifted_at"] and there.lifted_at is None:
            Hold.objects.filter(pk=there.pk).update(lifted_at=row["lifted_at"])
            changed += 1
    return changed
