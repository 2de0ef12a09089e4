"""Counting submissions per client address, in the cache, so a public form cannot be used
to flood the database or the mail server. Counters expire by themselves; the address is
kept only as a keyed hash."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600


def client_address(request) -> str:
    # Behind the project's proxy, REMOTE_ADDR is the proxy; set the proxy to pass the
    # client's address in REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "")


def throttle_allow(*, scope: str, ident: str, limit: int) -> bool:
    """Count one more submission; False once ``limit`` is passed within the hour."""
    digest = hmac.new(settings.SECRET_KEY.encode(), ident.encode(), hashlib.sha256).hexdigest()
    key = f"throttle:{scope}:{digest[:32]}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= limit
