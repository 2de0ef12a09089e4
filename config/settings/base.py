"""Settings, read from the environment (django-environ).

Production differs from a first run only by environment variables. With no
DATABASE_URL the app uses an SQLite file; with no REDIS_URL, Celery tasks run
in-process; with no EMAIL_URL, emails are printed on the console. Those fallbacks are
for a first run and tests only: a production start (gunicorn, the Celery worker or beat
with DEBUG off) refuses to run without DATABASE_URL and REDIS_URL (config/production.py).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env (written by `make run`, never committed) fills what the environment leaves unset.
ENV_FILE = Path(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    env.read_env(ENV_FILE)


def _bool(name: str, *, default: bool) -> bool:
    """A boolean variable; a value that is neither true nor false stops the app."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")


def _secret(name: str) -> str | None:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/Kubernetes secrets).

    Used for the keys and for the service URLs (they carry passwords). The file's trailing
    newline is dropped: `echo url > file` must not end a database name with one."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE={path} cannot be read ({error.strerror})."
            ) from None
    return env.str(name, default="") or None


DEBUG = _bool("DEBUG", default=False)

SECRET_KEY = _secret("SECRET_KEY")
# Allergy and disability data are encrypted with their own keys, never with SECRET_KEY,
# so that rotating SECRET_KEY (sessions, signed links) leaves them readable.
# Several keys, comma-separated: the first encrypts, all of them decrypt (rotation).
CRYPTOGRAPHY_KEYS = [
    key.strip() for key in (_secret("CRYPTOGRAPHY_KEY") or "").split(",") if key.strip()
]

if not DEBUG:
    _required = {"SECRET_KEY": SECRET_KEY or "", "CRYPTOGRAPHY_KEY": ",".join(CRYPTOGRAPHY_KEYS)}
    missing = [name for name, value in _required.items() if not value]
    placeholders = [name for name, value in _required.items() if "change-me" in value]
    if placeholders:
        raise ImproperlyConfigured(
            f"{' and '.join(placeholders)} still hold the placeholder of .env.example: "
            "put random keys there (make .env writes some)."
        )
    if missing:
        raise ImproperlyConfigured(
            f"{' and '.join(missing)} must be set when DEBUG is off "
            "(see .env.example; generate a key with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
else:
    # Only for a first run on a developer's machine: `make run` writes random keys to .env.
    SECRET_KEY = SECRET_KEY or "insecure-development-secret-key"
    CRYPTOGRAPHY_KEYS = CRYPTOGRAPHY_KEYS or ["insecure-development-cryptography-key"]

# The suppression list keeps keyed hashes of addresses that must never receive offers
# again. Its key must never change (the hashes could not be recomputed, and everyone who
# unsubscribed would be mailed again): a secret of its own, required in production.
SUPPRESSION_KEY = _secret("SUPPRESSION_KEY")
if not SUPPRESSION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SUPPRESSION_KEY must be set when DEBUG is off: a random secret that never "
            "changes (it keys the list of addresses that unsubscribed)."
        )
    SUPPRESSION_KEY = "insecure-development-suppression-key"
elif not DEBUG and "change-me" in SUPPRESSION_KEY:
    raise ImproperlyConfigured("SUPPRESSION_KEY still holds the placeholder of .env.example.")

# django-cryptography reads CRYPTOGRAPHY_KEY at import; our fields use CRYPTOGRAPHY_KEYS
# (core/encryption.py), but keep this off SECRET_KEY too.
CRYPTOGRAPHY_KEY = CRYPTOGRAPHY_KEYS[0]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    # Staff sign-in: second factor (TOTP, recovery codes) and lockout (see staff_auth/).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # The project's apps, in their layers from the bottom (README, "Architecture"; the
    # import-linter contracts in pyproject.toml hold them to it). The kernel:
    "core",
    # Domain apps, each importing only the kernel and the apps above it in this list:
    "cookies",
    "staff_auth",
    "clients",
    "trainees",
    "consent",
    "training",
    "attendance",
    "documents",
    "lms",
    "surveys",
    "campaigns",
    # Orchestrators, which read across the domain apps:
    "retention",
    "dpo_requests",
    "backups",
]

MIDDLEWARE = [
    # First: a load balancer's or compose's health check is answered before host validation
    # and the HTTPS redirect, which would refuse or redirect it.
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff sign-in: is_verified() on request.user, then no /admin/ or /backoffice/ page
    # without the second factor.
    "django_otp.middleware.OTPMiddleware",
    "staff_auth.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cookies.middleware.CookieChoiceMiddleware",
    # Last, as django-axes requires: turns a lockout into our page (staff_auth).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context_processors.organisation",
                "cookies.context_processors.cookie_consent",
            ],
        },
    },
]

# Lower-case, so not a setting: the URL carries a password, which DEBUG's error page would
# show (it hides DATABASES' PASSWORD, not a setting named *_URL).
_database_url = _secret("DATABASE_URL")
DATABASES = {"default": env.db_url_config(_database_url or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a Celery worker process started by a test sees the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
    # Take the write lock when a transaction starts: concurrent enrolments then wait
    # their turn instead of failing with "database is locked" on upgrade.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No just-in-time compilation: it pays off only for long analytical queries, and
    # the forecast's one statement of 300 counts spent minutes compiling (7 s against
    # 2.4 s for 4 dates at a million enrolments; the trainee list's count, 0.4 s of 1.2).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
# Persistent connections: opening a PostgreSQL connection costs more than a simple page
# (issue 14 measured 238 req/s with a new one per request, 1,320 with persistent ones).
# Each web process keeps its connection this many seconds; the health check at the
# first query of each request replaces one that died (PostgreSQL restarted), so a restart
# costs no request once the server is back. 0 (a connection per request) with DEBUG, and
# on SQLite, a file for which a connection is cheap.
_persistent = not DEBUG and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60 if _persistent else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# French is the reference language; English is available.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day first (config/formats/en/formats.py), not the United States' order.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Compressed by WhiteNoise, no manifest: no page fails for want of collectstatic.
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
    },
}

# Email: console by default, e.g. smtp+tls://user:password@smtp.example.org:587 in production.
vars().update(env.email_url_config(_secret("EMAIL_URL") or "consolemail://"))
# A mail server that accepts the connection and then says nothing would hold a worker
# (and the outbox row it locked) until the task's time limit: give up after this many
# seconds, count the attempt, and let the outbox retry later.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="formation@example.org")

# Absolute links in emails point here (workers send emails outside any request).
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL must be set when DEBUG is off: the public address used in the links "
            "of emails, e.g. https://formation.example.org"
        )
    SITE_URL = "http://127.0.0.1:8000"
