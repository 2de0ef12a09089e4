"""Real processes for the fault tests: Celery workers and beats, gunicorn, a mail server
that can hold an email, and a transaction of the test's own that holds a lock, so that a
worker can be stopped at a known point and killed there (SIGKILL, no warning).

Every process starts in its own process group; the ``processes`` fixture kills every
group at the end, whatever happened. Each test gives its processes a queue of its own
(``CELERY_QUEUE``), so that they take nothing but the test's tasks even on a shared Redis
database (CI's db 0)."""

import contextlib
import email
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import uuid
import warnings
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from config.celery import app
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent.parent
WORKER = [
    "worker",
    "--pool=solo",
    "--without-heartbeat",
    "--without-gossip",
    "--without-mingle",
    "--loglevel=WARNING",
]


def database_url() -> str:
    """The test database (pytest-django's), for the processes the test starts."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def redis_url(require_postgres):
    """The broker of the test run; these tests need PostgreSQL and Redis (CI: fail)."""
    url = settings.REDIS_URL or "redis://127.0.0.1:6379/0"
    try:
        with app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as error:
        if IN_CI:
            pytest.fail(f"CI needs Redis at REDIS_URL: {error}")
        pytest.skip(f"no Redis reachable at {url}")
    return url


@pytest.fixture
def queue() -> str:
    return f"faults-{uuid.uuid4().hex[:12]}"


class Processes:
    """The processes a test started, each in its own group, with its output in a file."""

    def __init__(self, logs: Path):
        self.logs = logs
        logs.mkdir(parents=True, exist_ok=True)
        self.started: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        with open(self.logs / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed with its children
            )
        self.started[name] = process
        return process

    def celery(self, name: str, args: list[str], env: dict, app="config") -> subprocess.Popen:
        return self.start(name, [sys.executable, "-m", "celery", "-A", app, *args], env)

    def kill(self, name: str) -> None:
        """SIGKILL to the whole group: the machine's power cord, for this process."""
        process = self.started[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        """Every group killed at once: the test is over, nothing of theirs is kept."""
        for process in self.started.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        for name, process in self.started.items():
            process.wait(timeout=20)
            # Shown by pytest when the test failed.
            print(f"----- {name} (exit {process.returncode}) -----\n{self.log(name)[-3000:]}")


@pytest.fixture
def processes(tmp_path):
    manager = Processes(tmp_path / "logs")
    try:
        yield manager
    finally:
        manager.stop_all()


class SmtpSink:
    """A mail server on a local port that keeps every email it takes. ``hold_next()``
    makes it take the next email whole and then wait before answering "250": a sender
    killed meanwhile never hears that its email went, as in a real crash."""

    def __init__(self):
        self.received: list[email.message.Message] = []
        self.taken = threading.Event()  # the held email has arrived
        self.release = threading.Event()
        self._hold = False
        self._lock = threading.Lock()
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hold_next(self) -> None:
        self._hold, self.taken, self.release = True, threading.Event(), threading.Event()

    def message_ids(self) -> list[str]:
        with self._lock:
            return [message["Message-ID"] for message in self.received]

    def _took(self, data: bytes) -> bool:
        """Keep the email; True if the sender hears "250" now."""
        with self._lock:
            self.received.append(email.message_from_bytes(data))
            hold, self._hold = self._hold, False
        if hold:
            self.taken.set()
            self.release.wait(60)
        return True

    def _handler(self):
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: bytes) -> None:
                self.wfile.write(line + b"\r\n")

            def handle(self):
                with contextlib.suppress(OSError):
                    self.reply(b"220 sink ESMTP")
                    while line := self.rfile.readline():
                        verb = line[:4].upper()
                        if verb == b"DATA":
                            self.reply(b"354 go ahead")
                            lines = []
                            while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                                lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                            sink._took(b"".join(lines))
                            self.reply(b"250 queued")
                        elif verb == b"QUIT":
                            self.reply(b"221 bye")
                            return
                        else:  # EHLO, MAIL, RCPT, RSET, NOOP
                            self.reply(b"250 sink" if verb in (b"EHLO", b"HELO") else b"250 ok")

        return Handler

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    try:
        yield sink
    finally:
        sink.close()


@pytest.fixture
def private_root(tmp_path, settings):
    """The private files folder (access archives), the same for the test and its workers."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


def service_env(*, redis_url: str, queue: str, smtp: SmtpSink, private_root: Path, **extra):
    """What a production process gets: DEBUG off, the test's database, Redis and mail
    server, its queue; ``extra`` on top (e.g. a short visibility timeout)."""
    return {
        **os.environ,
        "DEBUG": "false",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CACHE_URL": settings.CACHE_URL or redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "CELERY_QUEUE": queue,
        "PRIVATE_FILES_ROOT": str(private_root),
        "SECURE_SSL_REDIRECT": "false",
        **{key: str(value) for key, value in extra.items()},
    }


def task_send(redis_url: str, name: str, *args, queue: str) -> str:
    """Publish a task as beat or a web process would; returns its id."""
    with app.connection_for_write(redis_url) as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tests run tasks in-process; not this one
        return app.send_task(name, args, queue=queue, connection=conn).id


def wait_for(predicate, *, what: str, timeout: float = 60, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def waiting_for_locks() -> int:
    """How many sessions of this database wait for a lock (workers, at the point the
    test holds)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(DISTINCT l.pid) FROM pg_locks l
               JOIN pg_stat_activity a ON a.pid = l.pid
               WHERE NOT l.granted AND a.datname = current_database()"""
        )
        return cursor.fetchone()[0]


def someone_waits_for_a_lock() -> bool:
    return waiting_for_locks() > 0


@contextlib.contextmanager
def held(work):
    """Run ``work()`` in a transaction on a connection of its own and keep it open, with
    the locks it took, until the block ends; then roll it back."""
    ready, done, errors = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                work()
                ready.set()
                done.wait(120)
                transaction.set_rollback(True)
        except Exception as error:
            errors.append(error)
            ready.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait(30)
    if errors:
        raise errors[0]
    try:
        yield
    finally:
        done.set()
        thread.join(30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
