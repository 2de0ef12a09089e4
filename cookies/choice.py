"""The visitor's cookie choice, kept in one strictly necessary, signed, first-party cookie."""

import dataclasses
import datetime
import uuid

from django.conf import settings
from django.core import signing

from cookies import registry

COOKIE_NAME = "cookie_consent"
_SALT = "cookies.choice"


@dataclasses.dataclass(frozen=True)
class Choice:
    consent_id: uuid.UUID
    categories: frozenset[str]
    version: str
    # When the visitor chose (the signature's timestamp); None for a choice being made.
    made_at: datetime.datetime | None = None

    def seconds_left(self, now: datetime.datetime) -> int:
        """How long the choice still holds: a cookie it allowed must not live longer."""
        if self.made_at is None:
            return int(max_age().total_seconds())
        return max(0, int((self.made_at + max_age() - now).total_seconds()))

    @property
    def is_current(self) -> bool:
        """Made under today's registry: otherwise the visitor is asked again."""
        return self.version == registry.version()

    def allows(self, category: str) -> bool:
        return category == registry.NECESSARY or (self.is_current and category in self.categories)


def max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.COOKIE_CHOICE_MAX_AGE_DAYS)


def choice_read(request) -> Choice | None:
    """The visitor's choice, or None if there is none, or it is tampered with or too old.

    The signature's timestamp enforces the 6-month limit even if a browser kept the
    cookie longer than its Max-Age.
    """
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=_SALT, max_age=max_age())
        # "payload:timestamp:signature", the timestamp in base 62 (django.core.signing).
        made_at = datetime.datetime.fromtimestamp(
            signing.b62_decode(raw.rsplit(":", 2)[1]), tz=datetime.UTC
        )
        return Choice(uuid.UUID(data["id"]), frozenset(data["c"]), str(data["v"]), made_at)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def choice_write(response, choice: Choice) -> None:
    value = signing.dumps(
        {"id": str(choice.consent_id), "c": sorted(choice.categories), "v": choice.version},
        salt=_SALT,
    )
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=int(max_age().total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
