"""Settings of the services around the app: cache, Celery and its beat, the outbox, the
organisation's identity, logging."""

from django.core.exceptions import ImproperlyConfigured

from config.beat import beat_schedule
from config.settings.base import TIME_ZONE, _database_url, _secret, env
from config.settings.privacy import BACKUP_SCHEDULE, RETENTION_RUN_AT

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
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Template fragments that depend on code, settings and language only (the privacy
    # policy's text, the cookie panel): kept in each process, since a deploy restarts
    # them all. Nothing about a visitor or the data goes here.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
    },
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
# The worker keeps its database connections as the web does (config/celery.py): Celery
# closes them itself only every this many tasks (a task runs both its signals).
CELERY_DB_REUSE_MAX = 1000
# A request that queues a task must not hang on a dead broker: fail fast, the outbox
# sweeper catches up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
# A task not acknowledged within the visibility timeout is given to another worker:
# Redis cannot tell a long task from a dead worker. It must outlast the longest task
# (the retention run: 2 h 50) and its lease (3 h), or a long run would be started a
# second time beside itself. It is also how long a task whose worker was killed waits
# before it is delivered again (the sweepers catch emails, exports and campaigns sooner).
TASK_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3 * 3600 + 600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 3,
    "visibility_timeout": TASK_VISIBILITY_TIMEOUT,
}
# The queue tasks go to and an unqualified worker reads ("celery" by default): a second
# installation, or a test, sharing one Redis database keeps its tasks apart.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# The outbox (core/outbox.py): every email is stored first, sent by a worker after
# commit, and swept up every minute if the broker or the mail server held it back.
# Sent (or abandoned) emails are deleted after OUTBOX_KEEP_DAYS; after
# OUTBOX_MAX_ATTEMPTS failures (about a day, the delay growing to an hour) one is
# given up. The sweeper leaves an email this many seconds to its own task first.
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=30)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=30)
OUTBOX_GRACE_SECONDS = env.int("OUTBOX_GRACE_SECONDS", default=60)
# The beat schedule lives in code (config/beat.py). One beat sends it: a second one
# (started twice by mistake, or a standby) waits for the first one's lease in Redis and
# takes over within BEAT_LEASE_SECONDS of its death.
CELERY_BEAT_SCHEDULE = beat_schedule(retention_run_at=RETENTION_RUN_AT, backup_at=BACKUP_SCHEDULE)
CELERY_BEAT_SCHEDULER = "config.beat:SingleBeatScheduler"
BEAT_LEASE_SECONDS = env.int("BEAT_LEASE_SECONDS", default=60)

# Attendance per half-day (attendance/): the times of each half-day ("HH:MM-HH:MM"), how
# long before its start a trainee may sign, how many signing attempts an address may make
# per sheet and hour (a code is 8 characters out of 31: guessing needs far more), and how
# long a certificate's emailed link works.
ATTENDANCE_MORNING = env.str("ATTENDANCE_MORNING", default="09:00-12:30")
ATTENDANCE_AFTERNOON = env.str("ATTENDANCE_AFTERNOON", default="13:30-17:00")
ATTENDANCE_SIGNING_EARLY_MINUTES = env.int("ATTENDANCE_SIGNING_EARLY_MINUTES", default=30)
ATTENDANCE_SIGN_ATTEMPTS_PER_HOUR = env.int("ATTENDANCE_SIGN_ATTEMPTS_PER_HOUR", default=60)
CERTIFICATE_LINK_DAYS = env.int("CERTIFICATE_LINK_DAYS", default=30)

# The organisation's identity is configuration; a demo organisation is the default.
ORGANISATION = {
    "name": env.str("ORGANISATION_NAME", default="Formations Démo"),
    "legal_form": env.str("ORGANISATION_LEGAL_FORM", default="SAS"),
    "capital": env.str("ORGANISATION_CAPITAL", default="10 000 €"),
    "registry_number": env.str("ORGANISATION_REGISTRY_NUMBER", default="RCS Paris 000 000 000"),
    "address": env.str("ORGANISATION_ADDRESS", default="1 rue de l'Exemple, 75001 Paris, France"),
    "email": env.str("ORGANISATION_EMAIL", default="contact@example.org"),
    # The training provider's registration with the regional prefect (Labour Code
    # L.6351-1): every agreement and contract states it.
    "activity_number": env.str("ORGANISATION_ACTIVITY_NUMBER", default="11 75 00000 75"),
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

# Convocations and agreements (documents/). The timetable of every training day, one
# "HH:MM-HH:MM" per half-day (morning, afternoon).
TRAINING_HALF_DAYS = env.list("TRAINING_HALF_DAYS", default=["09:00-12:30", "13:30-17:00"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes names the account and the address in its messages: errors only.
    # WeasyPrint and its font library narrate every PDF at INFO: warnings only.
    "loggers": {
        "axes": {"level": "ERROR"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Online learning platform (lms/): Moodle's web services when both are set (the token
# may come from MOODLE_TOKEN_FILE); empty, no platform is called and staff keep the
# records of accounts they open by hand. Trainees keep their access this many days after
# their session's last day; the next day the job `revoke-lms-access` closes it.
MOODLE_URL = env.str("MOODLE_URL", default="")
MOODLE_TOKEN = _secret("MOODLE_TOKEN") or ""
MOODLE_STUDENT_ROLE_ID = env.int("MOODLE_STUDENT_ROLE_ID", default=5)
LMS_PLATFORM_NAME = env.str("LMS_PLATFORM_NAME", default="Moodle")
LMS_ACCESS_DAYS_AFTER_SESSION = env.int("LMS_ACCESS_DAYS_AFTER_SESSION", default=30)
# A closed access's record is deleted this long after the closing (retention rule
# `lms-access-records`): long enough to answer a trainee's or client's question and the
# yearly report to the authorities (bilan pédagogique et financier); the online
# attendance evidence itself is kept with the certificates.
LMS_RECORDS_KEEP_DAYS = env.int("LMS_RECORDS_KEEP_DAYS", default=365)
if LMS_ACCESS_DAYS_AFTER_SESSION < 0 or LMS_RECORDS_KEEP_DAYS < 0:
    raise ImproperlyConfigured(
        "LMS_ACCESS_DAYS_AFTER_SESSION and LMS_RECORDS_KEEP_DAYS: 0 or more."
    )
