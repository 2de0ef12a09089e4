"""Counting submissions per client address, in the cache, so a public form cannot be used
to flood the database or the mail server. Counters expire by themselves; the address is
kept only as a keyed hash."""

import hashlib
import hmac
import logging

from django.conf import settings
from django.core.cache import cache

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
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS)
            count = 1
    except Exception as error:
        logger.warning("Throttle cache unavailable (%s): submission allowed.", type(error).__name__)
        return True
    return count <= limit
