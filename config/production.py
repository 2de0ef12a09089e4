"""A production start needs its real services.

Without DATABASE_URL the settings fall back to an SQLite file, and without REDIS_URL
tasks run inside the web process: right for a first run and for tests, silently wrong in
production (data in a file inside the container, emails sent in the request, no retention
job ever run by beat). So the processes that only production starts (gunicorn through
gunicorn.conf.py, the Celery worker and beat through their init signals in
config/celery.py) call `require_services` and stop, naming what is missing, when DEBUG is
off. manage.py commands, tests, `make run` (DEBUG on) and the image build are untouched.
"""

import os
import sys


def missing_services() -> list[str]:
    """The service URLs a production start lacks; none when DEBUG is on."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    if settings.DEBUG:
        return []
    return [name for name, given in settings.PRODUCTION_SERVICES_GIVEN.items() if not given]


def require_services(process: str) -> None:
    """Exit (status 1) with a message naming what is missing, before serving anything."""
    missing = missing_services()
    if missing:
        names = " and ".join(missing)
        sys.exit(
            f"{process} refuses to start: {names} must be set when DEBUG is off "
            "(without them the app would fall back to an SQLite file and to tasks run "
            "inside the web process). Set them, or their *_FILE variants, e.g. "
            "DATABASE_URL=postgres://user:password@host:5432/formation "
            "REDIS_URL=redis://host:6379/0; see .env.example."
        )
