"""Counting submissions per client address, in the cache, so a public form cannot be used
to flood the database or the mail server. Counters expire by themselves; the address is
kept only as a keyed hash."""

import hashlib
import hmac
import logging

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 3600


def client_address(request) -> str:
    """The visitor's address. Behind TRUSTED_PROXIES reverse proxies, REMOTE_ADDR is the
    nearest proxy and the visitor is that many entries from the end of X-Forwarded-For."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def throttle_allow(*, scope: str, ident: str, limit: int) -> bool:
    """Count one more submission; False once ``limit`` is passed within the hour.

    If the cache is down, the submission is let through (and the outage logged): a
    registration matters more than the count.
    """
    digest = hmac.new(settings.SECRET_KEY.encode(), ident.encode(), hashlib.sha256).hexdigest()
    key = f"throttle:{scope}:{digest[:32]}"
    try:
        count = _count_one_more(key)
    except Exception as error:
        logger.warning("Throttle cache unavailable (%s): submission allowed.", type(error).__name__)
        return True
    return count <= limit


def _count_one_more(key: str) -> int:
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One round trip on the request's path, not three (add, exists, incr): the
        # window starts with the first submission and the count is atomic.
        key = backend.make_and_validate_key(key)
        pipe = backend._cache.get_client(key, write=True).pipeline()
        pipe.set(key, 0, ex=WINDOW_SECONDS, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]
    backend.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return backend.incr(key)
    except ValueError:  # expired between add and incr
        backend.set(key, 1, timeout=WINDOW_SECONDS)
        return 1
