"""Every cookie the site may set, by purpose. The banner, the preferences panel and the
privacy policy render from here, and the choice cookie records this registry's version:
when a cookie is added or changes in substance, every visitor is asked again."""

import dataclasses
import hashlib
import json

from django.conf import settings
from django.utils import translation
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
        """A cookie that needs consent never outlives the choice that allowed it (the proof
        of consent, Art. 7(1)): at most the choice's own lifetime."""
        days = getattr(settings, self.days_setting) if self.days_setting else self.days
        if self.category != NECESSARY and days is not None:
            return min(days, settings.COOKIE_CHOICE_MAX_AGE_DAYS)
        return days


@dataclasses.dataclass(frozen=True)
class GatedScript:
    """A script that runs only for visitors who accepted its category."""

    category: str
    static_path: str
    # The registry cookie the script sets, whose lifetime it is given.
    sets_cookie: str | None = None


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

COOKIES = [
    Cookie(
        "cookie_consent",
        NECESSARY,
        _("Remembers your cookie choice."),
        days_setting="COOKIE_CHOICE_MAX_AGE_DAYS",
    ),
    # Django's CSRF_COOKIE_AGE: 52 weeks.
    Cookie(
        "csrftoken", NECESSARY, _("Protects forms against cross-site request forgery."), days=364
    ),
    Cookie("django_language", NECESSARY, _("Remembers the language you chose.")),
    # SESSION_EXPIRE_AT_BROWSER_CLOSE: it ends with the browser (and after 8 hours at most).
    Cookie("sessionid", NECESSARY, _("Keeps staff signed in to the back-office.")),
    Cookie(
        "audience_id",
        AUDIENCE,
        _("A random identifier to count returning visits, measured on our own servers."),
        days_setting="CONSENTED_COOKIE_MAX_AGE_DAYS",
    ),
]

SCRIPTS = [GatedScript(AUDIENCE, "cookies/audience.js", sets_cookie="audience_id")]

# Consent is asked only for purposes the site really serves: a category with no cookie
# and no script is listed (the policy names it) but offers nothing to accept.
OPTIONAL = [
    category.key
    for category in CATEGORIES
    if not category.required and any(item.category == category.key for item in [*COOKIES, *SCRIPTS])
]


def cookie(name: str) -> Cookie:
    return next(c for c in COOKIES if c.name == name)


def snapshot() -> dict:
    """What a visitor is asked about, in the reference language (French): the categories
    and every cookie with its purpose and actual lifetime. Kept with the consent log, so
    the organisation can show what a given version contained."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "categories": [
                {
                    "key": c.key,
                    "label": str(c.label),
                    "description": str(c.description),
                    "required": c.required,
                    "asked": c.required or c.key in OPTIONAL,
                }
                for c in CATEGORIES
            ],
            "cookies": [
                {
                    "name": c.name,
                    "category": c.category,
                    "purpose": str(c.purpose),
                    "days": c.max_age_days,
                    "third_party": c.third_party,
                }
                for c in COOKIES
            ],
            "scripts": [dataclasses.asdict(script) for script in SCRIPTS],
        }


def version() -> str:
    """Changes whenever anything a visitor is asked about changes: then every visitor is
    asked again."""
    content = json.dumps(snapshot(), sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(content).hexdigest()[:12]


def cookies_by_category() -> list[tuple[Category, list[Cookie]]]:
    return [
        (category, [cookie for cookie in COOKIES if cookie.category == category.key])
        for category in CATEGORIES
    ]


def cookie_names(categories) -> list[str]:
    return [cookie.name for cookie in COOKIES if cookie.category in categories]
