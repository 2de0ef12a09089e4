"""Every cookie the site may set, by purpose. The banner, the preferences panel and the
privacy policy render from here, and the choice cookie records this registry's version:
when a cookie is added or changes in substance, every visitor is asked again."""

import dataclasses
import hashlib

from django.conf import settings
from django.utils.translation import gettext_lazy as _

NECESSARY, AUDIENCE, PERSONALISATION, ADVERTISING = (
    "necessary",
    "audience",
    "personalisation",
    "advertising",
)


@dataclasses.dataclass(frozen=True)
class Category:
    key: str
    label: str
    description: str
    # Strictly necessary cookies need no consent and cannot be turned off.
    required: bool = False


@dataclasses.dataclass(frozen=True)
class Cookie:
    name: str
    category: str
    purpose: str
    # Fixed lifetime in days, or the name of the setting that gives it; neither means
    # the cookie ends with the browser session.
    days: int | None = None
    days_setting: str | None = None
    # None: set by this site (first party).
    third_party: str | None = None

    @property
    def max_age_days(self) -> int | None:
        return getattr(settings, self.days_setting) if self.days_setting else self.days


@dataclasses.dataclass(frozen=True)
class GatedScript:
    """A script that runs only for visitors who accepted its category."""

    category: str
    static_path: str


CATEGORIES = [
    Category(
        NECESSARY,
        _("Strictly necessary"),
        _(
            "Needed for the site to work: security of forms, your language, signing in, and remembering your cookie choice. They need no consent."
        ),
        required=True,
    ),
    Category(
        AUDIENCE,
        _("Audience measurement"),
        _("Count visits and pages seen, anonymously and on our own servers, to improve the site."),
    ),
    Category(
        PERSONALISATION,
        _("Personalisation"),
        _("Adapt the site and its content to your preferences."),
    ),
    Category(
        ADVERTISING,
        _("Advertising and social media"),
        _("Show relevant advertising and let you share content on social networks."),
    ),
]
OPTIONAL = [category.key for category in CATEGORIES if not category.required]

COOKIES = [
    Cookie(
        "cookie_consent",
        NECESSARY,
        _("Remembers your cookie choice."),
        days_setting="COOKIE_CHOICE_MAX_AGE_DAYS",
    ),
    Cookie(
        "csrftoken", NECESSARY, _("Protects forms against cross-site request forgery."), days=365
    ),
    Cookie("django_language", NECESSARY, _("Remembers the language you chose.")),
    Cookie("sessionid", NECESSARY, _("Keeps staff signed in to the back-office."), days=14),
    Cookie(
        "audience_id",
        AUDIENCE,
        _("A random identifier to count returning visits, measured on our own servers."),
        days_setting="CONSENTED_COOKIE_MAX_AGE_DAYS",
    ),
]

SCRIPTS = [GatedScript(AUDIENCE, "cookies/audience.js")]

# Changes when a cookie is added or removed, or changes category, party or lifetime.
VERSION = hashlib.sha256(
    repr(
        sorted((c.name, c.category, c.third_party, c.days, c.days_setting) for c in COOKIES)
    ).encode()
).hexdigest()[:12]


def cookies_by_category() -> list[tuple[Category, list[Cookie]]]:
    return [
        (category, [cookie for cookie in COOKIES if cookie.category == category.key])
        for category in CATEGORIES
    ]


def cookie_names(categories) -> list[str]:
    return [cookie.name for cookie in COOKIES if cookie.category in categories]


def script_paths(categories) -> list[str]:
    return [script.static_path for script in SCRIPTS if script.category in categories]
