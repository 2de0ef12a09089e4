"""A production start needs its real services.

Without DATABASE_URL the settings fall back to an SQLite file, without REDIS_URL tasks
run inside the web process, and without EMAIL_URL emails are printed in the log: right for a first run and for tests, silently wrong in
production (data in a file inside the container, emails sent in the request, no retention
job ever run by beat). So the processes that only production starts (gunicorn through
gunicorn.conf.py and config/wsgi.py, the Celery worker and beat through their init signals in
config/celery.py) call `require_services` and stop, naming what is missing, when DEBUG is
off. manage.py commands, tests, `make run` (DEBUG on) and the image build are untouched.
"""

import os
import sys

from django.conf import settings


def missing_services() -> list[str]:
    """The service URLs a production start lacks; none when DEBUG is on."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if settings.DEBUG:
        return []
    return [name for name, given in settings.PRODUCTION_SERVICES_GIVEN.items() if not given]


def require_services(process: str, *, status: int = 1) -> None:
    """Exit with a message naming what is missing, before serving anything. ``status`` 3
    is gunicorn's "worker failed to boot", which stops the server instead of starting
    the worker again and again."""
    missing = missing_services()
    if missing:
        names = " and ".join(
            [", ".join(missing[:-1]), missing[-1]] if len(missing) > 1 else missing
        )
        print(
            f"{process} refuses to start: {names} must be set when DEBUG is off "
            "(without them the app would fall back to an SQLite file, to tasks run "
            "inside the web process and to emails printed in the log). Set them, or their "
            "*_FILE variants, e.g. DATABASE_URL=postgres://user:password@host:5432/formation "
            "REDIS_URL=redis://host:6379/0 EMAIL_URL=smtp+tls://user:password@host:587; "
            "see .env.example.",
            file=sys.stderr,
        )
        raise SystemExit(status)
