"""Signed, expiring links that let a person act on their own data without an account.

A token carries one normalised email address, encrypted and authenticated (Fernet) under
a key derived from SECRET_KEY for one use only, so a token is opaque (no address in
access logs or browser history), cannot be forged, expires, and is worthless for any
other use.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core import signing

from core.addresses import email_normalise

SELF_SERVICE = "consent.self-service"


def _fernet(use: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=use.encode()).derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def email_token_make(*, email: str, use: str) -> str:
    return _fernet(use).encrypt(email_normalise(email).encode()).decode().rstrip("=")


def email_token_read(token: str, *, use: str, max_age_seconds: int | None) -> str:
    """The address a token was made for; raises signing.BadSignature if it was tampered
    with, made for another use, or is older than ``max_age_seconds`` (None: any age)."""
    padded = token + "=" * (-len(token) % 4)
    try:
        return _fernet(use).decrypt(padded.encode(), ttl=max_age_seconds).decode()
    except (InvalidToken, ValueError, UnicodeError) as error:
        raise signing.BadSignature("invalid or expired token") from error


def self_service_token_make(*, email: str) -> str:
    return email_token_make(email=email, use=SELF_SERVICE)


def self_service_token_read(token: str) -> str:
    return email_token_read(
        token, use=SELF_SERVICE, max_age_seconds=settings.SELF_SERVICE_LINK_DAYS * 24 * 3600
    )


UNSUBSCRIBE = "consent.unsubscribe"


def unsubscribe_token_make(*, email: str, purpose: str) -> str:
    """A per-recipient, per-purpose token for the unsubscribe link of one kind of email."""
    return email_token_make(email=f"{purpose}:{email}", use=UNSUBSCRIBE)


def unsubscribe_token_read(token: str) -> tuple[str, str]:
    """(email, purpose) of an unsubscribe token; raises signing.BadSignature.

    An unsubscribe link never expires: saying no is harmless, and an old email in
    someone's inbox must keep working (RFC 8058 practice asks for at least 60 days)."""
    content = email_token_read(token, use=UNSUBSCRIBE, max_age_seconds=None)
    purpose, _, email = content.partition(":")
    return email, purpose
