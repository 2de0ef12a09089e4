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

from config.beat import beat_schedule

BASE_DIR = Path(__file__).resolve().parent.parent

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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Staff sign-in (staff_auth/): lockout, second factor, session length -------------
# django-axes counts failed sign-ins first; its backend needs the request, so sign-ins go
# through a page (tests use force_login, see tests/conftest.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
# Per account *and* address: a stranger guessing from elsewhere cannot lock a colleague
# out, and an office behind one address is not locked out by one person's typos.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Our page in the visitor's language (429), not axes' English sentence.
AXES_LOCKOUT_CALLABLE = "staff_auth.views.locked_out"
# The same address as the public forms' throttling (honours TRUSTED_PROXIES; a forged
# X-Forwarded-For cannot dodge the count).
AXES_CLIENT_IP_CALLABLE = "core.throttle.client_address"
# Sign-in data stays bounded (README, "Staff sign-in"): no record of successful sign-ins
# (the admin's history says who did what); failures kept per attempt for the DPO, at
# most this many per account; counters deleted once their cool-off has passed.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = env.int("AXES_FAILURE_LOG_PER_USER", default=100)
# Usernames and addresses stay out of the application log (axes logs them at INFO and
# WARNING); LOGGING below also silences its logger.
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "staff_auth.services.sign_in_client_str"
# A staff session lasts at most this long after sign-in, and ends with the browser.
# Public pages keep no session (choices live in their own cookies), so this is global.
STAFF_SESSION_HOURS = env.int("STAFF_SESSION_HOURS", default=8)
SESSION_COOKIE_AGE = STAFF_SESSION_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The issuer shown in the staff's authenticator app next to their username.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Formations RGPD")
# How many single-use recovery codes a staff member gets (shown once, regenerable).
STAFF_RECOVERY_CODES = 10
# ---------------------------------------------------------------------------------------

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
# How long a "manage my data and consents" link from an email stays valid (unsubscribe
# links never expire).
SELF_SERVICE_LINK_DAYS = env.int("SELF_SERVICE_LINK_DAYS", default=90)

# Cookies (policy §9): a visitor's choice is kept at most 6 months, then asked again;
# a cookie set after consent lives at most 13 months. 182 and 395 days stay within both.
COOKIE_CHOICE_MAX_AGE_DAYS = env.int("COOKIE_CHOICE_MAX_AGE_DAYS", default=182)
CONSENTED_COOKIE_MAX_AGE_DAYS = env.int("CONSENTED_COOKIE_MAX_AGE_DAYS", default=395)
if COOKIE_CHOICE_MAX_AGE_DAYS > 183 or CONSENTED_COOKIE_MAX_AGE_DAYS > 396:
    raise ImproperlyConfigured(
        "The privacy policy allows at most 6 months for the cookie choice and 13 months "
        "for consented cookies."
    )

# Retention (policy §6), read by the schedule in core/schedule.py, the only place
# that turns them into rules. Defaults are the policy's values.
RETENTION = {
    # Allergy and disability data: for the duration of the training only.
    "SENSITIVE_NEEDS_DAYS_AFTER_SESSION": env.int("RETENTION_SENSITIVE_NEEDS_DAYS", default=0),
    # Training is "no longer managed" once certificates and invoices are done.
    "TRAINING_ARCHIVE_DAYS_AFTER_SESSION": env.int("RETENTION_TRAINING_ARCHIVE_DAYS", default=90),
    # Statutory limitation: 5 years for contractual actions (Code civil art. 2224, Code
    # de commerce art. L.110-4): the evidence is kept to defend claims until then.
    "TRAINING_LIMITATION_YEARS": env.int("RETENTION_TRAINING_LIMITATION_YEARS", default=5),
    # Prospecting: at most 3 years after the end of the commercial relationship.
    "PROSPECTING_YEARS": env.int("RETENTION_PROSPECTING_YEARS", default=3),
    # Proof of cookie choices: as long as the cookies it covers may live (13 months).
    "COOKIE_CONSENT_LOG_MONTHS": env.int("RETENTION_COOKIE_CONSENT_LOG_MONTHS", default=13),
    # Proof of consents and objections of people no longer on file: 5 years (limitation).
    "CONSENT_PROOF_YEARS": env.int("RETENTION_CONSENT_PROOF_YEARS", default=5),
    # Who received an offer campaign: only the counts are kept after this.
    "CAMPAIGN_RECIPIENTS_DAYS": env.int("RETENTION_CAMPAIGN_RECIPIENTS_DAYS", default=90),
    # The admin's change history (it names records): a staff accountability trail.
    "ADMIN_HISTORY_MONTHS": env.int("RETENTION_ADMIN_HISTORY_MONTHS", default=12),
    # Failed staff sign-ins (django-axes), for the DPO to look into a guessing attack:
    # six months, the CNIL's lower bound for access logs.
    "SIGN_IN_FAILURES_DAYS": env.int("RETENTION_SIGN_IN_FAILURES_DAYS", default=180),
}
if any(value < 0 for value in RETENTION.values()):
    raise ImproperlyConfigured("Retention periods cannot be negative.")
if RETENTION["SENSITIVE_NEEDS_DAYS_AFTER_SESSION"] != 0:
    raise ImproperlyConfigured(
        "The privacy policy keeps allergy and disability data only for the duration of the "
        "training: RETENTION_SENSITIVE_NEEDS_DAYS must be 0."
    )
if RETENTION["PROSPECTING_YEARS"] > 3 or RETENTION["COOKIE_CONSENT_LOG_MONTHS"] > 13:
    raise ImproperlyConfigured(
        "The privacy policy allows at most 3 years for prospecting data and 13 months for "
        "cookie proofs."
    )
# The retention jobs run daily at this local time, in batches of this many rows.
RETENTION_RUN_AT = env.str("RETENTION_RUN_AT", default="02:30")
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=5000)
RETENTION_BATCH_PAUSE = env.float("RETENTION_BATCH_PAUSE", default=0.0)

# Every app that stores personal data, through its privacy provider (dpo_requests).
# Erasure follows this order: enrolments go before the trainee they point to.
PRIVACY_PROVIDERS = [
    # Before the enrolments they belong to: an erasure deletes them first, and counts them.
    "training.privacy.SensitiveNeedsProvider",
    "training.privacy.EnrolmentsProvider",
    "core.privacy.OutboxProvider",
    "trainees.privacy.TraineesProvider",
    "training.privacy.PendingRegistrationsProvider",
    "clients.privacy.ClientContactsProvider",
    "consent.privacy.ConsentProvider",
    "campaigns.privacy.CampaignsProvider",
    "core.privacy.HoldsProvider",
    "dpo_requests.privacy.RequestsProvider",
]
# Data-subject requests: answered within one month, extendable by two (Art. 12(3)); the
# DPO hears of those due within a week; an export stays downloadable this many days.
DSR_DUE_SOON_DAYS = env.int("DSR_DUE_SOON_DAYS", default=7)
DSR_EXPORT_DAYS = env.int("DSR_EXPORT_DAYS", default=30)
DSR_VERIFY_LINK_HOURS = env.int("DSR_VERIFY_LINK_HOURS", default=72)

# Staff changes of an address within this many days are shown on a request's page: the
# address may be in someone else's hands (the previous one is told; see README).
DSR_ADDRESS_CHANGE_DAYS = env.int("DSR_ADDRESS_CHANGE_DAYS", default=30)
PRIVATE_FILES_ROOT = Path(env.str("PRIVATE_FILES_ROOT", default=str(BASE_DIR / "private")))
# Where `manage.py backup create` writes by default. Backups hold encrypted data as
# ciphertext only; CRYPTOGRAPHY_KEY is never in them and must be kept elsewhere. Not
# backups/: that folder is the app's code.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "backup-files")))

# Public forms: at most this many valid submissions per client address per hour.
REGISTRATION_SUBMISSIONS_PER_HOUR = env.int("REGISTRATION_SUBMISSIONS_PER_HOUR", default=10)
# Self-registration: a submission holds its seat this many hours while it waits for the
# address's owner to confirm it from the emailed link; unconfirmed, it is released.
REGISTRATION_CONFIRM_HOURS = env.int("REGISTRATION_CONFIRM_HOURS", default=48)
# How many reverse proxies stand in front of the app (each appends to X-Forwarded-For);
# 0 means the app faces visitors directly. Throttling counts the visitor's address.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)

# --- Hardening (issue 11): HTTPS, security headers, cookies. `check --deploy` is clean.
# HTTPS-only cookies and redirects outside DEBUG (behind a TLS-terminating proxy).
# X-Forwarded-Proto is believed only when a proxy is declared: facing visitors directly,
# anyone could send it and pass a plain-HTTP request off as HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES > 0 else None
SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = not DEBUG
# The language choice is read by the server only, and never sent along from other sites.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# HSTS: one year, subdomains included, by default. Preloading (the browsers' built-in
# list, hard to leave) is the organisation's choice: SECURE_HSTS_PRELOAD=true opts in.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = _bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = (
    []
    if SECURE_HSTS_PRELOAD
    else [
        # security.W021 asks for HSTS preload. Not preloading is a deliberate default: once on
        # the browsers' list, a domain and every subdomain are HTTPS-only for months after
        # leaving it, a commitment only the organisation can make (SECURE_HSTS_PRELOAD=true).
        "security.W021",
    ]
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): our own scripts, styles and images only, no inline
# code, on every page, the admin's included. A script the visitor did not consent to
# cannot even be fetched from another origin by mistake.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": [
            "'self'",
            # The one inline style of Django's admin (admin/change_list.html, a change list
            # without actions): allowed by its hash, never by 'unsafe-inline'.
            "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='",
        ],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page needs any of these features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
# --- end of Hardening
# A failed CSRF check shows our own page, in the visitor's language.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

REDIS_URL = _secret("REDIS_URL") or ""
# Which of the services a production start needs were given (config/production.py).
# Without EMAIL_URL emails would be printed to the log (addresses, links to archives).
PRODUCTION_SERVICES_GIVEN = {
    "DATABASE_URL": bool(_database_url),
    "REDIS_URL": bool(REDIS_URL),
    "EMAIL_URL": bool(_secret("EMAIL_URL")),
}

# The cache holds throttling counters (they expire by themselves). CACHE_URL may point at
# another Redis database than the broker's (e.g. redis://host:6379/1).
CACHE_URL = _secret("CACHE_URL") or REDIS_URL
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Celery: Redis in production; without REDIS_URL tasks run in-process (first run only).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a task must not hang on a dead broker: fail fast, the outbox
# sweeper catches up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3}
# The outbox (core/outbox.py): every email is stored first, sent by a worker after
# commit, and swept up every minute if the broker or the mail server held it back.
# Sent (or abandoned) emails are deleted after OUTBOX_KEEP_DAYS; after
# OUTBOX_MAX_ATTEMPTS failures (about a day, the delay growing to an hour) one is
# given up. The sweeper leaves an email this many seconds to its own task first.
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=30)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=30)
OUTBOX_GRACE_SECONDS = env.int("OUTBOX_GRACE_SECONDS", default=60)
# The beat schedule lives in code (config/beat.py).
CELERY_BEAT_SCHEDULE = beat_schedule(retention_run_at=RETENTION_RUN_AT)

# The organisation's identity is configuration; a demo organisation is the default.
ORGANISATION = {
    "name": env.str("ORGANISATION_NAME", default="Formations Démo"),
    "legal_form": env.str("ORGANISATION_LEGAL_FORM", default="SAS"),
    "capital": env.str("ORGANISATION_CAPITAL", default="10 000 €"),
    "registry_number": env.str("ORGANISATION_REGISTRY_NUMBER", default="RCS Paris 000 000 000"),
    "address": env.str("ORGANISATION_ADDRESS", default="1 rue de l'Exemple, 75001 Paris, France"),
    "email": env.str("ORGANISATION_EMAIL", default="contact@example.org"),
    "dpo_name": env.str("ORGANISATION_DPO_NAME", default="DPO"),
    "dpo_email": env.str("ORGANISATION_DPO_EMAIL", default="dpo@example.org"),
    "dpo_address": env.str(
        "ORGANISATION_DPO_ADDRESS", default="1 rue de l'Exemple, 75001 Paris, France"
    ),
    "supervisory_authority": env.str(
        "ORGANISATION_SUPERVISORY_AUTHORITY",
        default="CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr",
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes names the account and the address in its messages: errors only.
    "loggers": {"axes": {"level": "ERROR"}},
}
