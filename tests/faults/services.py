"""Real services for the fault tests, which stop and start them: a private PostgreSQL
cluster, a private Redis, and the app as production runs it (gunicorn, a Celery worker,
Celery beat), each process in its own process group and killed at teardown whatever
happened. Nothing here is a mock: an outage is a server really stopped.

Needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) and redis-server: in CI
their absence fails the test, elsewhere it skips it."""

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
# The same keys for every process of a test: the web stores, the worker decrypts.
APP_KEYS = {
    "SECRET_KEY": "faults-secret-key-0123456789abcdef0123456789",
    "CRYPTOGRAPHY_KEY": "faults-cryptography-key-0123456789",
    "SUPPRESSION_KEY": "faults-suppression-key-0123456789",
}


def need(what: str, found: str | None) -> str:
    """A binary the test needs: its path, or a failure in CI and a skip elsewhere."""
    if found:
        return found
    message = f"the fault tests need {what}"
    if IN_CI:
        pytest.fail(f"{message} (CI installs it: .ci/run)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, *, timeout: float, interval: float = 0.2) -> bool:
    """Poll until ``predicate()`` is true; False once ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return True
        time.sleep(interval)
    return False


class Processes:
    """Processes started by a test, each in its own group, its output in a log file.

    A process started with ``restart=True`` is started again when it exits, a second
    later, as compose's ``restart: unless-stopped`` does for the worker and beat."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.started: dict[str, subprocess.Popen] = {}
        self.restarts: dict[str, int] = {}
        self._stopping = threading.Event()
        self._watchers: list[threading.Thread] = []

    def start(self, name: str, argv: list[str], env: dict, *, restart: bool = False):
        log = (self.directory / f"{name}.log").open("ab")
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started[name] = process
        if restart and name not in self.restarts:
            self.restarts[name] = 0
            watcher = threading.Thread(target=self._watch, args=(name, argv, env), daemon=True)
            watcher.start()
            self._watchers.append(watcher)
        return process

    def _watch(self, name: str, argv: list[str], env: dict) -> None:
        while not self._stopping.wait(0.2):
            if self.started[name].poll() is not None and not self._stopping.wait(1):
                self.restarts[name] += 1
                self.start(name, argv, env)

    def log(self, name: str) -> str:
        path = self.directory / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_all(self) -> None:
        """SIGTERM to each process (gunicorn and Celery stop their children themselves),
        then SIGKILL to whatever is left of its group after 10 seconds."""
        self._stopping.set()
        for watcher in self._watchers:
            watcher.join(timeout=5)
        for process in self.started.values():
            process.terminate()
        for process in self.started.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class PostgresCluster:
    """A PostgreSQL cluster of the test's own, in a temporary folder, on a free port.

    initdb refuses to run as root: as root (CI, this machine) the server runs as the
    ``postgres`` system user, which the PostgreSQL packages create."""

    def __init__(self):
        initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        self.bin = Path(need("PostgreSQL's initdb", initdb[-1] if initdb else None)).parent
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="formation-faults-pg-"))
        self.data = self.directory / "data"
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.directory, user="postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *argv: str, timeout: float = 60) -> None:
        subprocess.run(
            [*self.as_user, *argv], check=True, capture_output=True, timeout=timeout, cwd="/"
        )

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        # Loopback only, on the free port, its socket in the cluster's own folder.
        # Durability stays on: a restart must lose nothing a COMMIT acknowledged.
        with (self.data / "postgresql.auto.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.directory}'\n"
            )

    def start(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
            str(self.directory / "server.log"), "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, name: str = "formation") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def sql(self, query: str, params: tuple = (), *, table: str = "") -> list[tuple]:
        """Rows of one query, on a connection of its own (autocommit); ``{}`` in the
        query stands for ``table``, quoted as a name."""
        import psycopg
        from psycopg import sql

        statement = sql.SQL(query).format(sql.Identifier(table)) if table else query
        with psycopg.connect(self.url(), autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


class RedisServer:
    """A Redis of the test's own: no persistence, so a restart loses every queued task
    (the worst case for the outbox)."""

    def __init__(self, processes: Processes):
        self.binary = need("redis-server", shutil.which("redis-server"))
        self.processes, self.port = processes, free_port()

    def start(self) -> None:
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "no"]
        self.processes.start("redis", argv, dict(os.environ))
        assert wait_until(self.answers, timeout=10), "redis-server did not start"

    def answers(self) -> bool:
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()

    def stop(self) -> None:
        """SHUTDOWN NOSAVE: whatever it held (queued tasks, counters) is gone."""
        process = self.processes.started.pop("redis")
        process.send_signal(signal.SIGTERM)  # with --save "", SIGTERM saves nothing
        process.wait(timeout=10)

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


def app_environment(*, database_url: str, redis: RedisServer, mail_dir: Path) -> dict:
    """The environment of a production start (DEBUG off) on the test's services."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))},
        **APP_KEYS,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ENV_FILE": "/nonexistent",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis.url(0),
        "CACHE_URL": redis.url(1),
        # Four slashes: django-environ drops one from an absolute path.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "SITE_URL": "http://testserver",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        # Every load request comes from 127.0.0.1: the throttle would answer 429s.
        "REGISTRATION_SUBMISSIONS_PER_HOUR": "100000",
        # The sweeper leaves an email a second to its own task, not a minute: the beat
        # this test starts sweeps every second (tests/faults/fast_beat.py).
        "OUTBOX_GRACE_SECONDS": "1",
    }


class AppStack:
    """gunicorn (2 sync workers), a Celery worker (prefork, 2 processes) and beat; the
    worker and beat are started again if they exit, as compose does (``restart``)."""

    def __init__(self, processes: Processes, env: dict):
        self.processes, self.env, self.port = processes, env, free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        python, beat_file = sys.executable, str(self.processes.directory / "beat-schedule")
        bin_dir = Path(sys.executable).parent
        self.processes.start(
            "gunicorn",
            [str(bin_dir / "gunicorn"), "config.wsgi:application", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "60"],
            self.env,
        )  # fmt: skip
        celery = [python, "-m", "celery"]
        self.processes.start(
            "worker",
            [*celery, "-A", "config", "worker", "--concurrency=2", "--loglevel=INFO",
             "--without-gossip", "--without-mingle"],
            self.env,
            restart=True,
        )  # fmt: skip
        self.processes.start(
            "beat",
            [*celery, "-A", "tests.faults.fast_beat", "beat", "--loglevel=INFO",
             f"--schedule={beat_file}"],
            self.env,
            restart=True,
        )  # fmt: skip

    def wait_ready(self) -> None:
        """gunicorn answers a page that reads the database, and the worker is consuming."""
        from tests.faults.services_load import get

        assert wait_until(lambda: get(self.base, "/")[0] == 200, timeout=60), self.logs()
        ready = "celery@" in self.processes.log("worker") and " ready." in self.processes.log(
            "worker"
        )
        assert ready or wait_until(lambda: " ready." in self.processes.log("worker"), timeout=60), (
            self.logs()
        )

    def logs(self) -> str:
        """The last lines of every process's log, for a failing assertion's message."""
        return "\n".join(
            f"--- {name}\n" + "\n".join(self.processes.log(name).splitlines()[-30:])
            for name in self.processes.started
        )


def delivered(mail_dir: Path) -> dict[str, int]:
    """How many emails the worker wrote to each recipient (file backend)."""
    counts: dict[str, int] = {}
    for path in mail_dir.glob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("To: "):
                address = line[4:].strip()
                counts[address] = counts.get(address, 0) + 1
    return counts


# One upcoming session with room for every registration a test sends.
SEED = (
    "import django; django.setup(); from tests.factories import SessionFactory; "
    "print(SessionFactory(capacity=100000, meals_provided=False).pk)"
)


def manage(env: dict, *argv: str) -> str:
    """A command in a process of its own, on the given environment; its output."""
    result = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture
def processes(tmp_path):
    """Every process the test starts, all stopped at teardown, even after a failure."""
    started = Processes(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


@pytest.fixture
def redis_server(processes):
    server = RedisServer(processes)
    server.start()
    return server


@pytest.fixture(scope="module")
def postgres_cluster():
    """A migrated PostgreSQL cluster of the module's own, with one open session
    (``cluster.session_id``); removed at the end, even after a failure."""
    cluster = PostgresCluster()
    try:
        cluster.init()
        cluster.start()
        import psycopg

        with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE formation")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
            **APP_KEYS,
            "DATABASE_URL": cluster.url(),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        manage(env, "manage.py", "migrate", "--noinput", "-v", "0")
        cluster.session_id = int(manage(env, "-c", SEED).strip())
        yield cluster
    finally:
        cluster.destroy()
