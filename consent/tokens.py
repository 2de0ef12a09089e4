"""Signed, expiring links that let a person act on their own data without an account.

A token names one normalised email address and is signed with SECRET_KEY under a salt
per use, so a token for one use is worthless for another.
"""

import datetime

from django.conf import settings
from django.core import signing

from consent.addresses import email_normalise

SELF_SERVICE_SALT = "consent.self-service"


def self_service_token_make(*, email: str) -> str:
    return signing.dumps({"email": email_normalise(email)}, salt=SELF_SERVICE_SALT, compress=True)


def self_service_token_read(token: str) -> str:
    """The email a token was made for; raises signing.BadSignature (or SignatureExpired)."""
    max_age = datetime.timedelta(days=settings.SELF_SERVICE_LINK_DAYS)
    return signing.loads(token, salt=SELF_SERVICE_SALT, max_age=max_age)["email"]
