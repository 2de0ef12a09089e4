"""The public catalogue's data, cached: the upcoming sessions with their seats left (the
page `/`) and one session with its seats (its page, its registration form).

Every visit of these pages reads the cache; any save of a course, a session, an
enrolment or a registration awaiting confirmation moves the catalogue to a new version
when its transaction commits. A seat count on a public page is advice: the count that
decides is taken under the session's row lock (registration_submit, enrolment_create).
So a change that saves no model (a bulk update or delete by a purge, a held seat
expiring with time) may show late, by CACHE_SECONDS at most.

Data only, never pages: the pages themselves carry a CSRF token and depend on the
visitor's cookie choice. Shared by every process through the cache (Redis)."""

import datetime
import logging
import secrets

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import transaction

from training.models import Session
from training.selectors import session_list_upcoming, session_list_with_seats

CACHE_SECONDS = 30
PER_PAGE = 20
_VERSION = "training:catalogue:version"
logger = logging.getLogger(__name__)


def _version() -> str:
    version = cache.get(_VERSION)
    if version is None:
        cache.add(_VERSION, secrets.token_hex(8), timeout=None)
        version = cache.get(_VERSION)
    return version


def catalogue_version() -> str:
    """The catalogue's current version: what a cached fragment of a public page names
    in its key. While the cache is unavailable, a new one each time (nothing reused)."""
    try:
        return _version()
    except Exception as error:
        logger.warning("Catalogue cache unavailable (%s).", type(error).__name__)
        return secrets.token_hex(8)


def catalogue_page_number(number) -> int:
    """The page asked for, as a number (a wrong one is the first)."""
    try:
        return min(max(int(number), 1), 100_000)
    except (TypeError, ValueError):
        return 1


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


def catalogue_page(*, today: datetime.date, number) -> Page:
    """One page of the sessions still open for registration, soonest first, with their
    seats left (a page number out of range gives the last page, a wrong one the first)."""
    wanted = catalogue_page_number(number)

    def compute():
        page = Paginator(session_list_upcoming(today=today), PER_PAGE).get_page(wanted)
        return page.number, list(page.object_list), page.paginator.count

    found, sessions, count = _cached(f"upcoming:{today.isoformat()}:{wanted}", compute)
    # The paginator only counts: the page's sessions come from the cache.
    return Page(sessions, found, Paginator(range(count), PER_PAGE))


def catalogue_session(*, pk: int) -> Session | None:
    """One session with its course and seats left; None if there is no such session."""
    # 0 stands for "no such session", which the cache can keep (None is a miss).
    found = _cached(
        f"session:{pk}",
        lambda: session_list_with_seats().select_related("trainer").filter(pk=pk).first() or 0,
    )
    return found or None


def _bump() -> None:
    try:
        cache.set(_VERSION, secrets.token_hex(8), timeout=None)
    except Exception as error:  # down: what it holds expires within CACHE_SECONDS
        logger.warning("Catalogue cache unavailable (%s).", type(error).__name__)


def catalogue_changed() -> None:
    """Seats, sessions or courses changed: every cached datum of the public pages is
    stale once the change commits (a visit before that still sees the old data, and
    caches it under the version this makes old)."""
    transaction.on_commit(_bump)
