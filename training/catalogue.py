"""The public catalogue's data, cached: the upcoming sessions with their seats left (the
page `/`) and one session with its seats (its page, its registration form).

Every visit of these pages reads the cache; any save of a course, a session, an
enrolment or a registration awaiting confirmation moves the catalogue to a new version,
at once and again when its transaction commits (a visit between the two would have
cached what the transaction had not committed yet). A seat count on a public page is
advice: the count that decides is taken under the session's row lock
(registration_submit, enrolment_create). So a change that saves no model (a bulk update
or delete by a purge, a held seat expiring with time) may show late, by
CACHE_SECONDS at most.

Only rendered data goes in: the pages themselves carry a CSRF token and depend on the
visitor's cookie choice. Shared by every process through the cache (Redis)."""

import datetime
import logging
import time

from django.core.cache import cache
from django.db import transaction

from training.models import Session
from training.selectors import session_list_upcoming, session_list_with_seats

CACHE_SECONDS = 30
_VERSION = "training:catalogue:version"
logger = logging.getLogger(__name__)


def _version() -> int:
    version = cache.get(_VERSION)
    if version is None:
        # Any value not used lately: the time in microseconds.
        cache.add(_VERSION, int(time.time() * 1_000_000), timeout=None)
        version = cache.get(_VERSION)
    return version


def _cached(name: str, compute):
    """compute(), kept CACHE_SECONDS under the current version; computed every time
    while the cache is unavailable (the pages must answer all the same)."""
    try:
        key = f"training:catalogue:{_version()}:{name}"
        found = cache.get(key)
    except Exception as error:
        logger.warning("Catalogue cache unavailable (%s).", type(error).__name__)
        return compute()
    if found is None:
        found = compute()
        try:
            cache.set(key, found, timeout=CACHE_SECONDS)
        except Exception as error:
            logger.warning("Catalogue cache unavailable (%s).", type(error).__name__)
    return found


def catalogue_upcoming(*, today: datetime.date) -> list[Session]:
    """Sessions still open for registration, soonest first, with their seats left."""
    return _cached(
        f"upcoming:{today.isoformat()}", lambda: list(session_list_upcoming(today=today))
    )


def catalogue_session(*, pk: int) -> Session | None:
    """One session with its course and seats left; None if there is no such session."""
    # 0 stands for "no such session", which the cache can keep (None is a miss).
    found = _cached(f"session:{pk}", lambda: session_list_with_seats().filter(pk=pk).first() or 0)
    return found or None


def _bump() -> None:
    try:
        cache.incr(_VERSION)
    except ValueError:  # no version yet: nothing is cached under one
        pass
    except Exception as error:  # down: what it holds expires within CACHE_SECONDS
        logger.warning("Catalogue cache unavailable (%s).", type(error).__name__)


def catalogue_changed() -> None:
    """Seats, sessions or courses changed: every cached datum of the public pages is
    stale, now and once the change commits."""
    _bump()
    transaction.on_commit(_bump)
