"""Writes on cookie consent: every choice is logged, then kept in the visitor's cookie."""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F

from cookies import registry
from cookies.choice import Choice
from cookies.models import AudienceHit, ConsentLog, CookieRegistryVersion


def cookie_choice_record(
    *,
    action: str,
    categories: set[str],
    previous: Choice | None,
    language: str,
    now: datetime.datetime,
) -> Choice:
    """Log a visitor's choice (which button, which categories) under the current registry,
    with what that registry contained, and return it for their cookie.

    The consent id stays the same for a browser across its choices, so the log shows a
    visitor's history; a first choice gets a new random id.
    """
    accepted = set(categories) & set(registry.OPTIONAL)
    version = registry.version()
    registry_version, _ = CookieRegistryVersion.objects.get_or_create(
        version=version, defaults={"snapshot": registry.snapshot(), "first_used_at": now}
    )
    choice = Choice(
        consent_id=previous.consent_id if previous else uuid.uuid4(),
        categories=frozenset(accepted),
        version=version,
    )
    ConsentLog.objects.create(
        consent_id=choice.consent_id,
        language=language,
        action=action,
        categories=sorted(accepted),
        registry_version=registry_version,
        created_at=now,
    )
    return choice


def audience_hit_record(*, day: datetime.date, page: str, returning: bool) -> None:
    """Count one page view (and whether the visitor came back) for the day."""
    increments = {"views": F("views") + 1}
    if returning:
        increments["returning"] = F("returning") + 1
    hits = AudienceHit.objects.filter(day=day, page=page)
    if hits.update(**increments):
        return
    try:
        with transaction.atomic():
            AudienceHit.objects.create(day=day, page=page, views=1, returning=int(returning))
    except IntegrityError:  # another request created the day's row first
        hits.update(**increments)
