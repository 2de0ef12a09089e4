"""Real outages for tests: a broker URL and an SMTP server on a local port nobody listens
on, so that publishing or sending fails with a real refused connection (no mocks)."""

import contextlib

from django.test import override_settings

CLOSED_PORT = 1


@contextlib.contextmanager
def broker_down():
    """Tasks are published (not run in-process) to a broker nobody listens on."""
    from config.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = f"redis://127.0.0.1:{CLOSED_PORT}/0"
    app.conf.task_always_eager = False
    app.amqp._producer_pool = app._pool = None  # forget connections to the real broker
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app.amqp._producer_pool = app._pool = None


@contextlib.contextmanager
def mail_server_down():
    """Emails go to an SMTP server nobody listens on."""
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=CLOSED_PORT,
        EMAIL_TIMEOUT=2,
    ):
        yield


@contextlib.contextmanager
def database_down():
    """This thread's database connection points at a server nobody runs: every query
    fails as with PostgreSQL stopped (a refused connection), or an SQLite file that
    cannot be opened."""
    from django.db import connection

    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent/database/db.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(CLOSED_PORT))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
