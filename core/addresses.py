"""How an email address is stored and compared across the product."""

import hashlib
import hmac

from django.conf import settings


def email_normalise(email: str) -> str:
    """Trimmed and lower-cased: one person, one address, whatever they typed."""
    return email.strip().lower()


def address_hash(email: str) -> str:
    """A keyed hash of the address, for the suppression list: it matches the address
    again when it comes back, but cannot be turned back into it without the key."""
    return hmac.new(
        settings.SUPPRESSION_KEY.encode(), email_normalise(email).encode(), hashlib.sha256
    ).hexdigest()
